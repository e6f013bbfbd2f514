<#
.SYNOPSIS
    Runs the Pester tests in THIS (child) process and writes a JSON summary for build.ps1.

.DESCRIPTION
    build.ps1 -Task Test starts this script in a child `dotnet pwsh -NoProfile`, so the built
    binary module is loaded in a throw-away process. Plain Invoke-Pester exits 0 even when tests
    fail; here the counts go to -SummaryFile and the exit code is 1 on any failure.
    Failed = FailedCount + FailedContainersCount (a test file that cannot be discovered/run)
    + FailedBlocksCount when a failing BeforeAll/AfterAll left no failed test behind.
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)] [string] $PesterManifest,
    # A folder or file of tests, or (starting with @) a text file that lists test files, one per line.
    [Parameter(Mandatory)] [string] $TestPath,
    [Parameter(Mandatory)] [string] $ResultFile,
    [Parameter(Mandatory)] [string] $SummaryFile
)
$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'
if ($PSVersionTable.PSVersion.Major -ge 7) { $PSStyle.OutputRendering = 'PlainText' }
# Child pwsh processes the tests start write plain text too: an escape character in a failure message
# would otherwise make the NUnit XML invalid and lose the whole group's counts.
$env:NO_COLOR = '1'

Import-Module -Name $PesterManifest -Force
# Tests never touch the user's own ledger, budgets or fallback folder.
$env:GEMINI_IMAGE_HOME = Join-Path ([System.IO.Path]::GetTempPath()) ("GeminiImage-tests-" + [guid]::NewGuid().ToString('N').Substring(0, 8))
$config = New-PesterConfiguration
$config.Run.Path = if ($TestPath.StartsWith('@')) { [string[]](Get-Content -LiteralPath $TestPath.Substring(1) | Where-Object { $_ }) } else { $TestPath }
$config.Run.PassThru = $true
$config.Run.Exit = $false
$config.Output.Verbosity = 'Detailed'
$config.Output.RenderMode = 'Plaintext'
# The XML report is written below, so a report that cannot be written never loses the counts.
$config.TestResult.Enabled = $false

$r = Invoke-Pester -Configuration $config
try {
    $r | Export-NUnitReport -Path $ResultFile
} catch {
    Write-Warning "The NUnit report '$ResultFile' could not be written: $($_.Exception.Message)"
}
$failed = $r.FailedCount + $r.FailedContainersCount
# What failed, one line each, so that the end of a CI log names it (build.ps1 prints these before its last line).
function Get-FirstLine($ErrorRecords) {
    $m = @($ErrorRecords)[0]
    $text = if ($m -and $m.Exception) { $m.Exception.Message } else { "$m" }
    (($text -split "`r?`n") | Where-Object { $_.Trim() } | Select-Object -First 1)
}
$failedNames = @(
    foreach ($t in $r.Failed) { "$($t.ExpandedPath): $(Get-FirstLine $t.ErrorRecord)" }
    foreach ($b in $r.FailedBlocks) { "$($b.ExpandedPath) (block): $(Get-FirstLine $b.ErrorRecord)" }
    foreach ($c in $r.FailedContainers) { "$($c.Item) (file): $(Get-FirstLine $c.ErrorRecord)" }
)
if ($r.FailedCount -eq 0) { $failed += $r.FailedBlocksCount }
[ordered]@{
    Result                = "$($r.Result)"
    TotalCount            = $r.TotalCount
    PassedCount           = $r.PassedCount
    FailedCount           = $r.FailedCount
    SkippedCount          = $r.SkippedCount
    NotRunCount           = $r.NotRunCount
    FailedBlocksCount     = $r.FailedBlocksCount
    FailedContainersCount = $r.FailedContainersCount
    Failed                = $failed
    FailedTests           = $failedNames
} | ConvertTo-Json | Set-Content -LiteralPath $SummaryFile -Encoding utf8
exit ([int]($failed -gt 0))
