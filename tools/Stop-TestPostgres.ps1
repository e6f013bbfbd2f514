<#
.SYNOPSIS
    Stops a server started by Start-TestPostgres.ps1 and removes its folder.
.PARAMETER StateFile
    The -StateFile given to Start-TestPostgres.ps1 (or the server.json in its folder).
#>
[CmdletBinding()]
param([Parameter(Mandatory)] [string] $StateFile)
Set-StrictMode -Version 3.0
$ErrorActionPreference = 'Stop'
$PSNativeCommandUseErrorActionPreference = $false

if (-not (Test-Path -LiteralPath $StateFile)) { Write-Host "No PostgreSQL test server state at $StateFile; nothing to stop."; return }
$state = Get-Content -LiteralPath $StateFile -Raw | ConvertFrom-Json
$data = Join-Path $state.Folder 'data'
if (Test-Path -LiteralPath $data) {
    $stop = @($state.PgCtl, '-D', $data, '-m', 'immediate', '-w', '-t', '30', 'stop')
    if ($state.RunAs) { $out = & runuser -u $state.RunAs '--' @stop 2>&1 } else { $out = & $stop[0] @($stop[1..($stop.Count - 1)]) 2>&1 }
    if ($LASTEXITCODE -ne 0) { Write-Warning "pg_ctl stop exited with ${LASTEXITCODE}: $($out -join ' ')" }
}
# data/ and run/ belong to the server's user.
$owned = @($data, (Join-Path $state.Folder 'run'))
if ($state.RunAs) { & runuser -u $state.RunAs '--' rm -rf @owned 2>&1 | Out-Null } else { & rm -rf @owned }
Remove-Item -LiteralPath $state.Folder -Recurse -Force -ErrorAction SilentlyContinue
if ((Resolve-Path -LiteralPath $StateFile -ErrorAction SilentlyContinue) -and -not $StateFile.StartsWith($state.Folder)) {
    Remove-Item -LiteralPath $StateFile -Force -ErrorAction SilentlyContinue
}
Write-Host "PostgreSQL test server on port $($state.Port) stopped."
