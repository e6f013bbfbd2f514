<#
.SYNOPSIS
    Starts a throw-away PostgreSQL server for the ledger tests and prints its description as JSON (last line).

.DESCRIPTION
    Installs Debian's `postgresql` package when no initdb/pg_ctl is found (apt-get, as root), then runs initdb on a
    fresh folder under the system temp folder and pg_ctl start on a free loopback port. PostgreSQL refuses to run as
    root, so when this script runs as root the server runs as the `postgres` system user (created by the package; a
    `gemini-pg` user is added when it is missing) and the folder is handed to that user.

    The server has:
      - a superuser `gemini_admin` (SCRAM password, random) that owns the database `gemini_test`;
      - a role `gemini_limited` (same password) that may connect and use the tables but not create anything in the
        database's `public` schema (PostgreSQL 15's default), for the "no rights to create the schema" case.
    Only 127.0.0.1 listens; the Unix socket lives in the temp folder; fsync is off (test data only).

    The JSON (written to -StateFile for Stop-TestPostgres.ps1, else output) holds Host, Port, Database, AdminUser, LimitedUser,
    Password, ConnectionString (no password), Folder, PgCtl, Options (of pg_ctl start -o), Psql, RunAs. Any failure throws (exit code 1): a test run
    that needs PostgreSQL must fail loudly, never skip.
.EXAMPLE
    $pg = dotnet pwsh -NoProfile -File tools/Start-TestPostgres.ps1 -StateFile /tmp/pg.json | Select-Object -Last 1 | ConvertFrom-Json
#>
[CmdletBinding()]
param(
    # Where to write the description for Stop-TestPostgres.ps1 (default: <folder>/server.json only).
    [string] $StateFile
)
Set-StrictMode -Version 3.0
$ErrorActionPreference = 'Stop'
$PSNativeCommandUseErrorActionPreference = $false

function Invoke-Checked {
    $exe, $rest = $args
    $out = & $exe @rest 2>&1
    if ($LASTEXITCODE -ne 0) { throw "'$exe $($rest -join ' ')' failed with exit code ${LASTEXITCODE}: $($out -join "`n")" }
    $out
}

function Find-PgBin {
    $dirs = @(Get-ChildItem -Path '/usr/lib/postgresql/*/bin' -Directory -ErrorAction SilentlyContinue |
        Sort-Object { [int]($_.Parent.Name -replace '\D', '') } -Descending | ForEach-Object FullName)
    foreach ($d in $dirs) { if ((Test-Path "$d/initdb") -and (Test-Path "$d/pg_ctl")) { return $d } }
    $initdb = Get-Command initdb -CommandType Application -ErrorAction SilentlyContinue | Select-Object -First 1
    if ($initdb) { return Split-Path -Parent $initdb.Source }
    $null
}

if ($IsWindows) { throw 'Start-TestPostgres.ps1 runs on Linux (Debian package postgresql); the CI machine is Linux.' }
$isRoot = (& id -u) -eq '0'

$bin = Find-PgBin
if (-not $bin) {
    if (-not $isRoot) { throw "PostgreSQL is not installed (no initdb/pg_ctl) and this user cannot install it: run 'apt-get install -y postgresql' as root." }
    Write-Host 'PostgreSQL not found: apt-get install -y postgresql'
    $env:DEBIAN_FRONTEND = 'noninteractive'
    Invoke-Checked apt-get update | Out-Null
    Invoke-Checked apt-get install -y --no-install-recommends postgresql | Out-Null
    $bin = Find-PgBin
    if (-not $bin) { throw 'apt-get install postgresql succeeded but no initdb/pg_ctl was found under /usr/lib/postgresql/*/bin.' }
}
$psql = if (Test-Path "$bin/psql") { "$bin/psql" } else { (Get-Command psql -CommandType Application).Source }

$runAs = $null
if ($isRoot) {
    $runAs = 'postgres'
    & id -u $runAs *> $null
    if ($LASTEXITCODE -ne 0) {
        $runAs = 'gemini-pg'
        & id -u $runAs *> $null
        if ($LASTEXITCODE -ne 0) { Invoke-Checked useradd --system --no-create-home --shell /usr/sbin/nologin $runAs | Out-Null }
    }
}

# A command as the server's user (runuser needs no password and no terminal).
function Invoke-AsServerUser {
    if ($runAs) { Invoke-Checked runuser -u $runAs '--' @args } else { Invoke-Checked @args }
}

$folder = Join-Path ([System.IO.Path]::GetTempPath()) ('GeminiImage-pg-' + [guid]::NewGuid().ToString('N').Substring(0, 8))
# The folder stays ours; data/ (initdb's) and run/ (socket, log) belong to the server's user.
$data = Join-Path $folder 'data'
$run = Join-Path $folder 'run'
New-Item -ItemType Directory -Path $folder, $data, $run | Out-Null
$password = -join ((1..24) | ForEach-Object { [char[]]'abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789' | Get-Random })
$pwFile = Join-Path $folder 'pw'
Set-Content -LiteralPath $pwFile -Value $password -NoNewline
Invoke-Checked chmod 755 $folder | Out-Null
Invoke-Checked chmod 644 $pwFile | Out-Null
if ($runAs) { Invoke-Checked chown "${runAs}:" $data $run | Out-Null }
Invoke-Checked chmod 700 $data $run | Out-Null

$listener = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, 0)
$listener.Start(); $port = $listener.LocalEndpoint.Port; $listener.Stop()

$log = Join-Path $run 'server.log'
try {
    Invoke-AsServerUser "$bin/initdb" -D $data -U gemini_admin --auth=scram-sha-256 "--pwfile=$pwFile" -E UTF8 --locale=C.UTF-8 --no-sync | Out-Null
    Remove-Item -LiteralPath $pwFile
    $options = "-p $port -k $run -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300"
    Invoke-AsServerUser "$bin/pg_ctl" -D $data -l $log -o $options -w -t 60 start | Out-Null
}
catch {
    $detail = try { "`n" + ((Invoke-AsServerUser tail -n 20 $log) -join "`n") } catch { '' }
    try { Invoke-AsServerUser rm -rf $data $run | Out-Null } catch { }
    Remove-Item -LiteralPath $folder -Recurse -Force -ErrorAction SilentlyContinue
    throw "The test PostgreSQL server could not be started: $($_.Exception.Message)$detail"
}

$env:PGPASSWORD = $password
try {
    # One -c per statement: psql runs a multi-statement -c in one transaction, which CREATE DATABASE refuses.
    Invoke-Checked $psql -v ON_ERROR_STOP=1 -q -h 127.0.0.1 -p $port -U gemini_admin -d postgres `
        -c 'CREATE DATABASE gemini_test OWNER gemini_admin' `
        -c "CREATE ROLE gemini_limited LOGIN PASSWORD '$password'" `
        -c 'GRANT CONNECT ON DATABASE gemini_test TO gemini_limited' | Out-Null
}
catch {
    try { Invoke-AsServerUser "$bin/pg_ctl" -D $data -m immediate -w stop | Out-Null; Invoke-AsServerUser rm -rf $data $run | Out-Null } catch { }
    Remove-Item -LiteralPath $folder -Recurse -Force -ErrorAction SilentlyContinue
    throw "The test PostgreSQL server started but could not be set up: $($_.Exception.Message)"
}
finally { Remove-Item Env:PGPASSWORD }

$state = [ordered]@{
    Host             = '127.0.0.1'
    Port             = $port
    Database         = 'gemini_test'
    AdminUser        = 'gemini_admin'
    LimitedUser      = 'gemini_limited'
    Password         = $password
    ConnectionString = "Host=127.0.0.1;Port=$port;Database=gemini_test;Username=gemini_admin"
    Folder           = $folder
    PgCtl            = "$bin/pg_ctl"
    Options          = $options
    Psql             = $psql
    RunAs            = $runAs
}
$json = $state | ConvertTo-Json -Compress
Set-Content -LiteralPath (Join-Path $folder 'server.json') -Value $json
Write-Host "PostgreSQL test server on 127.0.0.1:$port (data $data$(if ($runAs) { ", running as $runAs" }))"
# The state holds the (throw-away) password: into the state file when one is named, else to the pipeline only.
if ($StateFile) { Set-Content -LiteralPath $StateFile -Value $json } else { $json }
