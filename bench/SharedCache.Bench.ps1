<#
.SYNOPSIS
    Where the team-shared response cache keeps its image bytes: in PostgreSQL (bytea beside the index) or as files on
    a shared folder (the index in PostgreSQL). Not a test: it prints a table and writes it to bench/results/.

        dotnet pwsh -NoProfile -File bench/SharedCache.Bench.ps1 -ModulePath output/GeminiImage

    Both ways do what the cache does per entry. Database: one INSERT ... ON CONFLICT DO NOTHING of the entry (bytea,
    STORAGE EXTERNAL: PNG/JPEG bytes do not compress, so PostgreSQL is told not to try); a read is one
    UPDATE ... RETURNING of the entry (marks it used). Folder: the entry written to a temporary file (write-through) and
    renamed into place, then its index row inserted; a read is the index row's UPDATE ... RETURNING, then the file.
    Entries are real-size images (the emulator's drawn 1K PNG, about 1.1 MB). Measured: write and read latency per
    entry (median and 95th percentile) from one process, then -Processes processes writing and reading at once
    (entries per second), and what the database grew by (table with TOAST, and WAL written).

    The folder here is a local disk: the best case for files. A real shared folder (SMB, NFS) adds a network round trip
    to each of create, write, rename and open, where PostgreSQL needs one round trip per entry either way.
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)] [string] $ModulePath,
    [string] $ResultsDir = (Join-Path $PSScriptRoot 'results'),
    [int] $Entries = 40,
    [int] $Processes = 4,
    [int] $EntriesPerProcess = 15,
    # Internal: one concurrent writer/reader process.
    [string] $Child
)
$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'
if ($PSVersionTable.PSVersion.Major -ge 7) { $PSStyle.OutputRendering = 'PlainText' }
$ModulePath = (Resolve-Path -LiteralPath $ModulePath).ProviderPath
Import-Module $ModulePath -Force

# Npgsql as the module loads it (its own load context): found among the loaded assemblies once the engine used it.
function Get-Npgsql([string] $Connection) {
    Set-GeminiConfig -Ledger $Connection
    $null = Get-GeminiUsage -Last 1 -ErrorAction SilentlyContinue
    foreach ($assembly in [AppDomain]::CurrentDomain.GetAssemblies()) {
        $type = $assembly.GetType('Npgsql.NpgsqlConnection', $false)
        if ($type) { return $type }
    }
    throw 'Npgsql is not loaded.'
}

function Invoke-Npgsql($Connection, [string] $Sql, [hashtable] $Parameters = @{}, [switch] $Scalar) {
    $command = $Connection.CreateCommand()
    $command.CommandText = $Sql
    foreach ($name in $Parameters.Keys) {
        $p = $command.CreateParameter()
        $p.ParameterName = $name
        $p.Value = $Parameters[$name]
        $null = $command.Parameters.Add($p)
    }
    # The unary comma: a byte[] must not be unrolled into the pipeline (a million objects would be measured, not I/O).
    try { if ($Scalar) { return , $command.ExecuteScalar() } else { $null = $command.ExecuteNonQuery() } }
    finally { $command.Dispose() }
}

function Write-Entry($Connection, [string] $Way, [string] $Folder, [string] $Key, [byte[]] $Bytes) {
    if ($Way -eq 'Database') {
        Invoke-Npgsql $Connection 'INSERT INTO bench_cache_db (key, size_bytes, entry) VALUES (@k, @s, @e) ON CONFLICT (key) DO NOTHING' @{ k = $Key; s = $Bytes.LongLength; e = $Bytes }
        return
    }
    $temp = Join-Path $Folder "tmp/$Key.$([guid]::NewGuid().ToString('N')).tmp"
    $stream = [IO.FileStream]::new($temp, 'CreateNew', 'Write', 'None', 81920, [IO.FileOptions]::WriteThrough)
    try { $stream.Write($Bytes, 0, $Bytes.Length); $stream.Flush($true) } finally { $stream.Dispose() }
    try { [IO.File]::Move($temp, (Join-Path $Folder "entries/$Key.entry")) } catch [IO.IOException] { Remove-Item -LiteralPath $temp }
    Invoke-Npgsql $Connection 'INSERT INTO bench_cache_index (key, size_bytes) VALUES (@k, @s) ON CONFLICT (key) DO NOTHING' @{ k = $Key; s = $Bytes.LongLength }
}

function Read-Entry($Connection, [string] $Way, [string] $Folder, [string] $Key) {
    if ($Way -eq 'Database') {
        return , [byte[]](Invoke-Npgsql $Connection 'UPDATE bench_cache_db SET last_used_utc = now() WHERE key = @k RETURNING entry' @{ k = $Key } -Scalar)
    }
    $size = Invoke-Npgsql $Connection 'UPDATE bench_cache_index SET last_used_utc = now() WHERE key = @k RETURNING size_bytes' @{ k = $Key } -Scalar
    if ($null -eq $size) { return , $null }
    , [IO.File]::ReadAllBytes((Join-Path $Folder "entries/$Key.entry"))
}

function Measure-Ops([scriptblock] $Op, [int] $Count) {
    $times = foreach ($i in 0..($Count - 1)) { $w = [Diagnostics.Stopwatch]::StartNew(); & $Op $i; $w.Elapsed.TotalMilliseconds }
    $sorted = @($times | Sort-Object)
    [pscustomobject]@{ Median = $sorted[[int][math]::Floor(($sorted.Count - 1) / 2)]; P95 = $sorted[[int][math]::Ceiling(0.95 * ($sorted.Count - 1))] }
}

if ($Child) {
    # One of several processes at once: write its entries, then read them back; prints its seconds.
    $spec = Get-Content -Raw -LiteralPath $Child | ConvertFrom-Json
    $env:PGPASSWORD = $spec.Password
    $type = Get-Npgsql $spec.Connection
    $connection = $type::new($spec.Connection); $connection.Open()
    $bytes = [IO.File]::ReadAllBytes($spec.Image)
    while ([DateTime]::UtcNow -lt [DateTime]::Parse($spec.StartUtc).ToUniversalTime()) { Start-Sleep -Milliseconds 20 }
    $watch = [Diagnostics.Stopwatch]::StartNew()
    foreach ($i in 0..($spec.Count - 1)) { Write-Entry $connection $spec.Way $spec.Folder "$($spec.Prefix)-$i" $bytes }
    foreach ($i in 0..($spec.Count - 1)) { $null = Read-Entry $connection $spec.Way $spec.Folder "$($spec.Prefix)-$i" }
    $watch.Elapsed.TotalSeconds
    $connection.Dispose()
    return
}

$repo = Resolve-Path (Join-Path $PSScriptRoot '..')
$work = Join-Path ([IO.Path]::GetTempPath()) ("gemini-cache-bench-" + [guid]::NewGuid().ToString('N').Substring(0, 8))
New-Item -ItemType Directory -Path $work -Force | Out-Null
$env:GEMINI_IMAGE_HOME = Join-Path $work 'home'
$exe = (Get-Process -Id $PID).Path
$prefix = @(if ([IO.Path]::GetFileNameWithoutExtension($exe) -eq 'dotnet') { Join-Path $PSHOME 'pwsh.dll' })
function Get-Load { if (Test-Path /proc/loadavg) { ((Get-Content /proc/loadavg) -split ' ')[0] } else { '?' } }

$state = Join-Path $work 'pg.json'
& $exe @prefix -NoProfile -NonInteractive -File (Join-Path $repo 'tools/Start-TestPostgres.ps1') -StateFile $state | Out-Host
if ($LASTEXITCODE -ne 0) { throw 'The PostgreSQL server could not be started.' }
$pg = Get-Content -Raw $state | ConvertFrom-Json
$env:PGPASSWORD = $pg.Password
$emulator = $null
try {
    # A real-size entry: the emulator's drawn 1K PNG.
    $emulator = Start-GeminiEmulator
    $image = (New-GeminiImage 'a bench fox' -BaseUri $emulator.BaseUri -ApiKey $emulator.ApiKey -OutputDirectory (Join-Path $work 'image')).Path
    Stop-GeminiEmulator; $emulator = $null
    $bytes = [IO.File]::ReadAllBytes($image)
    $database = 'bench_' + [guid]::NewGuid().ToString('N').Substring(0, 12)
    & $pg.Psql -q -h $pg.Host -p $pg.Port -U $pg.AdminUser -d gemini_test -c "CREATE DATABASE $database" | Out-Null
    $connectionString = "Host=$($pg.Host);Port=$($pg.Port);Database=$database;Username=$($pg.AdminUser)"
    $type = Get-Npgsql $connectionString
    $connection = $type::new($connectionString); $connection.Open()
    Invoke-Npgsql $connection @'
CREATE TABLE bench_cache_db (key text PRIMARY KEY, created_utc timestamptz NOT NULL DEFAULT now(), last_used_utc timestamptz NOT NULL DEFAULT now(), size_bytes bigint NOT NULL, entry bytea NOT NULL);
ALTER TABLE bench_cache_db ALTER COLUMN entry SET STORAGE EXTERNAL;
CREATE TABLE bench_cache_index (key text PRIMARY KEY, created_utc timestamptz NOT NULL DEFAULT now(), last_used_utc timestamptz NOT NULL DEFAULT now(), size_bytes bigint NOT NULL);
'@
    $folder = Join-Path $work 'shared'
    New-Item -ItemType Directory (Join-Path $folder 'entries'), (Join-Path $folder 'tmp') -Force | Out-Null

    $rows = foreach ($way in 'Database', 'Folder') {
        $load = Get-Load
        $wal0 = Invoke-Npgsql $connection 'SELECT pg_current_wal_lsn()::text' -Scalar
        $write = Measure-Ops { param($i) Write-Entry $connection $way $folder "one-$i" $bytes } $Entries
        $wal1 = Invoke-Npgsql $connection 'SELECT pg_current_wal_lsn()::text' -Scalar
        $read = Measure-Ops { param($i) $got = Read-Entry $connection $way $folder "one-$i"; if ($got.Length -ne $bytes.Length) { throw "entry $i came back with $($got.Length) bytes" } } $Entries
        $walBytes = [long](Invoke-Npgsql $connection "SELECT pg_wal_lsn_diff('$wal1', '$wal0')::bigint" -Scalar)
        $table = if ($way -eq 'Database') { 'bench_cache_db' } else { 'bench_cache_index' }
        $tableBytes = [long](Invoke-Npgsql $connection "SELECT pg_total_relation_size('$table')" -Scalar)

        # Several processes at once, each on its own connection (as several machines would be).
        $start = [DateTime]::UtcNow.AddSeconds(8).ToString('o')
        $children = foreach ($p in 1..$Processes) {
            $spec = Join-Path $work "child-$way-$p.json"
            @{ Connection = $connectionString; Password = $pg.Password; Image = $image; Way = $way; Folder = $folder; Prefix = "p$p"; Count = $EntriesPerProcess; StartUtc = $start } |
                ConvertTo-Json | Set-Content -LiteralPath $spec
            $arguments = @($prefix) + @('-NoProfile', '-NonInteractive', '-File', $PSCommandPath, '-ModulePath', $ModulePath, '-Child', $spec)
            Start-Process -FilePath $exe -ArgumentList $arguments -PassThru -RedirectStandardOutput "$spec.out" -RedirectStandardError "$spec.err"
        }
        $children | ForEach-Object { $_.WaitForExit() }
        $seconds = foreach ($p in 1..$Processes) {
            $out = Get-Content -LiteralPath (Join-Path $work "child-$way-$p.json.out") -ErrorAction SilentlyContinue | Select-Object -Last 1
            if (-not $out) { throw "process $p ($way) failed: $(Get-Content -Raw (Join-Path $work "child-$way-$p.json.err"))" }
            [double]$out
        }
        $slowest = ($seconds | Measure-Object -Maximum).Maximum
        [pscustomobject]@{
            Storage           = $way
            'Write ms (p50)'  = [math]::Round($write.Median, 1)
            'Write ms (p95)'  = [math]::Round($write.P95, 1)
            'Read ms (p50)'   = [math]::Round($read.Median, 1)
            'Read ms (p95)'   = [math]::Round($read.P95, 1)
            "$Processes procs entries/s" = [math]::Round(2 * $Processes * $EntriesPerProcess / $slowest, 1)
            'DB MB per entry' = [math]::Round($tableBytes / 1MB / $Entries, 3)
            'WAL MB per write' = [math]::Round($walBytes / 1MB / $Entries, 3)
            Load              = $load
        }
    }
    $connection.Dispose()
    $text = @(
        "Shared cache storage, $(Get-Date -Format 'yyyy-MM-dd HH:mm') UTC$((Get-Date).ToString('zzz')), entry $([math]::Round($bytes.Length / 1MB, 2)) MB, $Entries entries one process, $Processes processes x $EntriesPerProcess write+read"
        ($rows | Format-Table -AutoSize | Out-String -Width 200).TrimEnd()
    ) -join [Environment]::NewLine
    $text
    New-Item -ItemType Directory -Path $ResultsDir -Force | Out-Null
    Set-Content -LiteralPath (Join-Path $ResultsDir "SharedCache-$(Get-Date -Format 'yyyyMMdd-HHmmss').txt") -Value $text
}
finally {
    if ($emulator) { Stop-GeminiEmulator }
    Set-GeminiConfig -Ledger SQLite
    & $exe @prefix -NoProfile -NonInteractive -File (Join-Path $repo 'tools/Stop-TestPostgres.ps1') -StateFile $state | Out-Host
    Remove-Item -LiteralPath $work -Recurse -Force -ErrorAction SilentlyContinue
}
