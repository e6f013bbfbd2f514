<#
.SYNOPSIS
    Publishes a built module folder to a local folder repository with PSResourceGet; the folder then holds the
    Gallery-ready <Name>.<Version>.nupkg.

.DESCRIPTION
    Used by `build.ps1 -Task Package` and tests/pester/Package.Tests.ps1. Register-PSResourceRepository writes to the
    user's PSResourceGet settings, so callers run this in a child pwsh whose HOME / XDG_* / LOCALAPPDATA point at a
    temporary folder (the repository is also unregistered again here). PSResourceGet ships with pwsh 7.4+.
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)] [string] $ModulePath,
    [Parameter(Mandatory)] [string] $RepositoryPath,
    [string] $RepositoryName = ('GeminiImageLocal-' + [guid]::NewGuid().ToString('N').Substring(0, 8))
)
$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'

New-Item -ItemType Directory -Path $RepositoryPath -Force | Out-Null
$manifest = Import-PowerShellDataFile -LiteralPath (Get-ChildItem -LiteralPath $ModulePath -Filter *.psd1 | Select-Object -First 1).FullName
Register-PSResourceRepository -Name $RepositoryName -Uri $RepositoryPath -Trusted
try {
    Publish-PSResource -Path $ModulePath -Repository $RepositoryName
}
finally {
    Unregister-PSResourceRepository -Name $RepositoryName
}
$name = [System.IO.Path]::GetFileName($ModulePath.TrimEnd('/', '\'))
$package = Join-Path $RepositoryPath "$name.$($manifest.ModuleVersion).nupkg"
if (-not (Test-Path -LiteralPath $package)) { throw "Publish-PSResource did not produce $package" }
$package
