<#
.SYNOPSIS
    Benchmark of the work queue: jobs per minute with 1, 2 and 3 worker processes (Start-GeminiWorker) over one queue
    in a real PostgreSQL, against the local emulator at 500 ms per answer with real-size images (the emulator's drawn
    1K PNGs, about 1.1 MB each). Not a test: it prints a table and writes it to bench/results/.

        dotnet pwsh -NoProfile -File bench/Start-GeminiWorker.Bench.ps1 -ModulePath output/GeminiImage

    For each worker count a fresh database gets -JobsPerWorker jobs per worker (so every run lasts about as long),
    held back until every worker process has started and used the database once; then they are released, and the
    rate is measured from the first job started to the last job done, from the jobs' own times in the database.
    Ideal: workers x -Throttle x 60 s / latency. The queue should scale close to linearly until the rate limit (none
    here). About two minutes on a quiet machine.
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)] [string] $ModulePath,
    [string] $ResultsDir = (Join-Path $PSScriptRoot 'results'),
    [int[]] $Workers = @(1, 2, 3),
    [int] $JobsPerWorker = 60,
    [int] $Throttle = 4,
    [int] $LatencyMs = 500,
    [string] $ImageFile
)
$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'
if ($PSVersionTable.PSVersion.Major -ge 7) { $PSStyle.OutputRendering = 'PlainText' }
$ModulePath = (Resolve-Path -LiteralPath $ModulePath).ProviderPath
$repo = Resolve-Path (Join-Path $PSScriptRoot '..')
$work = Join-Path ([IO.Path]::GetTempPath()) ("gemini-queue-bench-" + [guid]::NewGuid().ToString('N').Substring(0, 8))
New-Item -ItemType Directory -Path $work -Force | Out-Null
$env:GEMINI_IMAGE_HOME = Join-Path $work 'home'
Import-Module $ModulePath -Force
$exe = (Get-Process -Id $PID).Path
$prefix = @(if ([IO.Path]::GetFileNameWithoutExtension($exe) -eq 'dotnet') { Join-Path $PSHOME 'pwsh.dll' })
function Get-Load { if (Test-Path /proc/loadavg) { ((Get-Content /proc/loadavg) -split ' ')[0] } else { '?' } }

$state = Join-Path $work 'pg.json'
& $exe @prefix -NoProfile -NonInteractive -File (Join-Path $repo 'tools/Start-TestPostgres.ps1') -StateFile $state | Out-Host
if ($LASTEXITCODE -ne 0) { throw 'The PostgreSQL server could not be started.' }
$pg = Get-Content -Raw $state | ConvertFrom-Json
$env:PGPASSWORD = $pg.Password
$emulatorArgs = @{ LatencyMs = $LatencyMs }
if ($ImageFile) { $emulatorArgs.ImageFile = $ImageFile }
$emulator = Start-GeminiEmulator @emulatorArgs
function Invoke-Sql([string] $Database, [string] $Sql) {
    $out = & $pg.Psql -v ON_ERROR_STOP=1 -q -tA -h $pg.Host -p $pg.Port -U $pg.AdminUser -d $Database -c $Sql 2>&1
    if ($LASTEXITCODE -ne 0) { throw "psql: $out" }
    $out
}

$rows = [System.Collections.Generic.List[object]]::new()
try {
    foreach ($n in $Workers) {
        $database = 'bench_' + [guid]::NewGuid().ToString('N').Substring(0, 12)
        Invoke-Sql 'gemini_test' "CREATE DATABASE $database" | Out-Null
        $connection = "Host=$($pg.Host);Port=$($pg.Port);Database=$database;Username=$($pg.AdminUser)"
        Set-GeminiConfig -Ledger $connection
        $out = Join-Path $work "out-$n"
        $null = New-GeminiQueue -Name bench -OutputRoot $out
        $null = 1..($JobsPerWorker * $n) | ForEach-Object { "bench $n workers, job $_" } | Submit-GeminiJob -Queue bench -ImageSize 1K
        Invoke-Sql $database "UPDATE gemini_job SET not_before = now() + interval '1 hour'" | Out-Null
        $script = Join-Path $work "worker-$n.ps1"
        # Ready once the module is loaded and the database used: a loaded machine starts processes slowly.
        Set-Content -LiteralPath $script -Value @"
param([string] `$Ready)
Import-Module '$ModulePath'
`$null = Get-GeminiQueue bench
Set-Content -LiteralPath `$Ready -Value ready
Start-GeminiWorker -Queue bench -ThrottleLimit $Throttle -Drain -Until (Get-Date).AddMinutes(10) | Out-Null
"@
        $saved = @{ GEMINI_IMAGE_LEDGER = $env:GEMINI_IMAGE_LEDGER; GEMINI_BASE_URL = $env:GEMINI_BASE_URL; GEMINI_API_KEY = $env:GEMINI_API_KEY; GEMINI_IMAGE_HOME = $env:GEMINI_IMAGE_HOME }
        $env:GEMINI_IMAGE_LEDGER = $connection; $env:GEMINI_BASE_URL = "$($emulator.BaseUri)"; $env:GEMINI_API_KEY = $emulator.ApiKey
        $processes = 1..$n | ForEach-Object {
            $env:GEMINI_IMAGE_HOME = Join-Path $work "machine-$n-$_"
            Start-Process -FilePath $exe -ArgumentList (@($prefix) + @('-NoProfile', '-NonInteractive', '-File', $script, '-Ready', "$script.$_.ready")) -PassThru -RedirectStandardOutput "$script.$_.log" -RedirectStandardError "$script.$_.err"
        }
        foreach ($k in $saved.Keys) { [Environment]::SetEnvironmentVariable($k, $saved[$k]) }
        $deadline = [DateTime]::UtcNow.AddMinutes(3)
        while (@(1..$n | Where-Object { -not (Test-Path -LiteralPath "$script.$_.ready") }).Count -gt 0) {
            if ([DateTime]::UtcNow -gt $deadline -or @($processes | Where-Object HasExited).Count -gt 0) { throw "A worker did not start: $(Get-Content -Raw "$script.1.err")" }
            Start-Sleep -Milliseconds 200
        }
        Start-Sleep -Seconds 2   # from Get-GeminiQueue to polling
        Invoke-Sql $database "UPDATE gemini_job SET not_before = now()" | Out-Null
        $processes | ForEach-Object { if (-not $_.WaitForExit(600000)) { $_.Kill(); throw "A worker did not end: $(Get-Content -Raw "$script.1.err")" } }
        $window = Invoke-Sql $database "SELECT EXTRACT(EPOCH FROM max(finished_utc) - min(started_utc)), count(*) FILTER (WHERE state = 'Done'), count(DISTINCT worker) FROM gemini_job"
        $seconds, $done, $used = $window -split '\|'
        $perMinute = [double]$done / [double]$seconds * 60
        $ideal = $n * $Throttle * 60000.0 / $LatencyMs
        $rows.Add([pscustomobject]@{
            Workers = $n; Jobs = [int]$done; Seconds = '{0:0.0}' -f [double]$seconds; 'Jobs/min' = '{0:0}' -f $perMinute
            Ideal = '{0:0}' -f $ideal; Efficiency = '{0:0%}' -f ($perMinute / $ideal); 'Used' = [int]$used; Load = Get-Load
        })
        Set-GeminiConfig -Ledger SQLite
    }
}
finally {
    Set-GeminiConfig -Ledger SQLite
    Stop-GeminiEmulator
    & $exe @prefix -NoProfile -NonInteractive -File (Join-Path $repo 'tools/Stop-TestPostgres.ps1') -StateFile $state | Out-Host
}
$text = "Start-GeminiWorker benchmark, $JobsPerWorker jobs per worker, $Throttle per worker, $LatencyMs ms latency, $(if ($ImageFile) { $ImageFile } else { 'drawn 1K PNGs' }); $(Get-Date -Format u)`n" +
    ($rows | Format-Table -AutoSize | Out-String -Width 120)
$text | Write-Host
New-Item -ItemType Directory -Path $ResultsDir -Force | Out-Null
$stamp = Get-Date -Format 'yyyyMMdd-HHmmss'
Set-Content -LiteralPath (Join-Path $ResultsDir "Start-GeminiWorker-$stamp.txt") -Value $text
Remove-Item -LiteralPath $work -Recurse -Force -ErrorAction SilentlyContinue
