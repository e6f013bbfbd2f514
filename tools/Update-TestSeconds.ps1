<#
.SYNOPSIS
    Refreshes tests/pester/test-seconds.json (how build.ps1 -Task Test splits the Pester files between its processes)
    from the NUnit XML of a test run: the seconds each test file took.

.EXAMPLE
    dotnet pwsh -NoProfile -File ./tools/Update-TestSeconds.ps1     # after ./build.ps1 -Task Test on a quiet machine
#>
[CmdletBinding()]
param(
    [string[]] $ResultFile = @(Get-ChildItem -Path (Join-Path $PSScriptRoot '../TestResults') -Filter 'pester*.xml' | ForEach-Object FullName),
    [string] $OutFile = (Join-Path $PSScriptRoot '../tests/pester/test-seconds.json')
)
$ErrorActionPreference = 'Stop'
if (-not $ResultFile) { throw 'No TestResults/pester*.xml: run ./build.ps1 -Task Test first.' }
$seconds = [ordered]@{}
foreach ($file in $ResultFile) {
    foreach ($suite in (Select-Xml -LiteralPath $file -XPath '//test-suite').Node) {
        $name = Split-Path -Leaf $suite.name
        if ($name -like '*.Tests.ps1') { $seconds[$name] = [math]::Round([double]$suite.time, 1) }
    }
}
$sorted = [ordered]@{}
foreach ($name in $seconds.Keys | Sort-Object) { $sorted[$name] = $seconds[$name] }
$sorted | ConvertTo-Json | Set-Content -LiteralPath $OutFile -Encoding utf8
"$($sorted.Count) test files, $([math]::Round(($sorted.Values | Measure-Object -Sum).Sum)) s in all -> $OutFile"
