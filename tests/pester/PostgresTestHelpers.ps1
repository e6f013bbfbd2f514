<#
    Helpers for the team ledger tests (PostgreSQL). Dot-source AFTER common.ps1 and LedgerTestHelpers.ps1.

      Use-TestPostgres         the test server build.ps1 -Task Test started (GEMINI_TEST_PG names its state file), or
                               one started now with tools/Start-TestPostgres.ps1 (stop it with Stop-OwnedTestPostgres
                               in AfterAll). Sets PGPASSWORD for this process, as a user of the module would.
      New-TestPostgresDatabase a fresh database; returns its connection string (no password) for Set-GeminiConfig -Ledger
                               (Get-TestPostgresDatabaseName gives the database name back).
      Invoke-TestPostgresSql   runs SQL with psql as the admin user; returns the rows as text (-tA).
      Stop-TestPostgresServer / Start-TestPostgresServer   stop and start the same server again (same port and data),
                               for "the server went away" tests: ONLY on a server of the test's own
                               (Start-PrivateTestPostgres / Stop-PrivateTestPostgres). The shared server serves the
                               other Pester group and xUnit at the same moment, and their tests would fail with it.
#>

# Runs tools/Start-TestPostgres.ps1 or tools/Stop-TestPostgres.ps1 with a state file.
function Invoke-TestPostgresTool([string] $Tool, [string] $State) {
    $exe, $prefix = Get-TestPowerShell
    & $exe @($prefix | Where-Object { $_ }) -NoProfile -NonInteractive -File (Join-Path $RepoRoot "tools/$Tool") -StateFile $State | Out-Host
    if ($LASTEXITCODE -ne 0) { throw "tools/$Tool failed (exit code $LASTEXITCODE)." }
}

function New-TestPostgresStateFile { Join-Path ([System.IO.Path]::GetTempPath()) ('gi-pg-' + [guid]::NewGuid().ToString('N') + '.json') }

function Use-TestPostgres {
    $state = $env:GEMINI_TEST_PG
    if (-not $state -or -not (Test-Path -LiteralPath $state)) {
        $state = New-TestPostgresStateFile
        Invoke-TestPostgresTool 'Start-TestPostgres.ps1' $state
        # Global and in the environment: Pester runs each block in its own scope, and later calls must reuse this server.
        $global:GeminiTestPostgresOwned = $state
        $env:GEMINI_TEST_PG = $state
    }
    $pg = Get-Content -LiteralPath $state -Raw | ConvertFrom-Json
    $env:PGPASSWORD = $pg.Password
    $pg
}

function Stop-OwnedTestPostgres {
    $state = Get-Variable -Name GeminiTestPostgresOwned -Scope Global -ValueOnly -ErrorAction SilentlyContinue
    if (-not $state) { return }
    Invoke-TestPostgresTool 'Stop-TestPostgres.ps1' $state
    Remove-Variable -Name GeminiTestPostgresOwned -Scope Global
    if ($env:GEMINI_TEST_PG -eq $state) { Remove-Item Env:GEMINI_TEST_PG }
}

# A server only this test uses, for tests that take the server away. Sets PGPASSWORD to its password until
# Stop-PrivateTestPostgres gives the shared server's back.
function Start-PrivateTestPostgres {
    $state = New-TestPostgresStateFile
    Invoke-TestPostgresTool 'Start-TestPostgres.ps1' $state
    $pg = Get-Content -LiteralPath $state -Raw | ConvertFrom-Json
    $pg | Add-Member -NotePropertyName StateFile -NotePropertyValue $state -PassThru | Add-Member -NotePropertyName SharedPassword -NotePropertyValue $env:PGPASSWORD
    $env:PGPASSWORD = $pg.Password
    $pg
}

function Stop-PrivateTestPostgres([Parameter(Mandatory)] $Pg) {
    try { Invoke-TestPostgresTool 'Stop-TestPostgres.ps1' $Pg.StateFile }
    finally {
        $env:PGPASSWORD = $Pg.SharedPassword
        Remove-Item -LiteralPath $Pg.StateFile -ErrorAction SilentlyContinue
    }
}

function Invoke-TestPostgresSql {
    param([Parameter(Mandatory)] $Pg, [Parameter(Mandatory)] [string] $Database, [Parameter(Mandatory)] [string] $Sql)
    $env:PGPASSWORD = $Pg.Password
    $out = & $Pg.Psql -v ON_ERROR_STOP=1 -q -tA -h $Pg.Host -p $Pg.Port -U $Pg.AdminUser -d $Database -c $Sql 2>&1
    if ($LASTEXITCODE -ne 0) { throw "psql failed: $($out -join ' ')" }
    $out
}

function New-TestPostgresDatabase {
    param([Parameter(Mandatory)] $Pg, [string] $User)
    $name = 'p_' + [guid]::NewGuid().ToString('N')
    Invoke-TestPostgresSql $Pg 'gemini_test' "CREATE DATABASE $name OWNER $($Pg.AdminUser)" | Out-Null
    "Host=$($Pg.Host);Port=$($Pg.Port);Database=$name;Username=$(if ($User) { $User } else { $Pg.AdminUser })"
}

# The database a connection string from New-TestPostgresDatabase names.
function Get-TestPostgresDatabaseName([Parameter(Mandatory)] [string] $Ledger) {
    ($Ledger -split ';' | Where-Object { $_ -like 'Database=*' }) -replace 'Database='
}

function Invoke-TestPgCtl([Parameter(Mandatory)] $Pg, [string[]] $Arguments) {
    $ctl = @($Pg.PgCtl, '-D', (Join-Path $Pg.Folder 'data')) + $Arguments
    $out = if ($Pg.RunAs) { & runuser -u $Pg.RunAs '--' @ctl 2>&1 } else { & $ctl[0] @($ctl[1..($ctl.Count - 1)]) 2>&1 }
    if ($LASTEXITCODE -ne 0) { throw "pg_ctl $($Arguments -join ' ') failed: $($out -join ' ')" }
}

function Stop-TestPostgresServer([Parameter(Mandatory)] $Pg) { Invoke-TestPgCtl $Pg @('-m', 'immediate', '-w', '-t', '30', 'stop') }

function Start-TestPostgresServer([Parameter(Mandatory)] $Pg) {
    Invoke-TestPgCtl $Pg @('-l', (Join-Path $Pg.Folder 'run/server.log'), '-o', $Pg.Options, '-w', '-t', '60', 'start')
}
