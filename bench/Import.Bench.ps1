<#
.SYNOPSIS
    Import time: `pwsh -NoProfile -Command 'Import-Module <module>'` against a bare `pwsh -NoProfile -Command 1`.

.DESCRIPTION
    Run by `build.ps1 -Task Bench` (after Build) in a child pwsh, or directly:

        dotnet pwsh -NoProfile -File bench/Import.Bench.ps1 -ModulePath output/GeminiImage

    Starts the same PowerShell as this one (under `dotnet pwsh`: dotnet <PSHOME>/pwsh.dll, which is what the pwsh
    launcher does; `dotnet pwsh` itself would add the tool lookup to both sides). Each variant gets its own cache
    folder (XDG_CACHE_HOME) that persists across its runs, so each replays its own startup JIT profile, as a
    scheduled task that runs the same command every few minutes does. Warm-up runs first, then the variants
    alternate; the medians are compared. Target (issue 8): import <= 1.5 x bare.
#>
[CmdletBinding()]
param(
    [string] $ModulePath = (Join-Path $PSScriptRoot '../output/GeminiImage'),
    [int] $Runs = 15,
    [int] $WarmUp = 2,
    [double] $Target = 1.5
)
$ErrorActionPreference = 'Stop'
$ModulePath = (Resolve-Path -LiteralPath $ModulePath).ProviderPath
$exe = [Environment]::ProcessPath
$prefix = @(if ([System.IO.Path]::GetFileNameWithoutExtension($exe) -eq 'dotnet') { Join-Path $PSHOME 'pwsh.dll' })

$variants = [ordered]@{
    'bare'   = '1'
    'import' = "Import-Module '$($ModulePath.Replace("'", "''"))'"
}
$caches = @{}
$times = @{}
foreach ($name in $variants.Keys) {
    $caches[$name] = Join-Path ([System.IO.Path]::GetTempPath()) ("GeminiImage-bench-$name-" + [guid]::NewGuid().ToString('N').Substring(0, 8))
    New-Item -ItemType Directory -Path $caches[$name] | Out-Null
    $times[$name] = [System.Collections.Generic.List[double]]::new()
}

function Measure-Once([string] $Name) {
    $saved = $env:XDG_CACHE_HOME
    $env:XDG_CACHE_HOME = $caches[$Name]
    try {
        $sw = [System.Diagnostics.Stopwatch]::StartNew()
        $out = & $exe @prefix -NoProfile -NonInteractive -Command $variants[$Name] 2>&1
        $sw.Stop()
        if ($LASTEXITCODE -ne 0) { throw "'$($variants[$Name])' failed ($LASTEXITCODE): $out" }
        $sw.Elapsed.TotalMilliseconds
    }
    finally { $env:XDG_CACHE_HOME = $saved }
}

function Get-Median([double[]] $Values) {
    $sorted = $Values | Sort-Object
    $n = $sorted.Count
    if ($n % 2) { $sorted[($n - 1) / 2] } else { ($sorted[$n / 2 - 1] + $sorted[$n / 2]) / 2 }
}

try {
    for ($i = 0; $i -lt $WarmUp; $i++) { foreach ($name in $variants.Keys) { $null = Measure-Once $name } }
    for ($i = 0; $i -lt $Runs; $i++) { foreach ($name in $variants.Keys) { $times[$name].Add((Measure-Once $name)) } }
}
finally {
    foreach ($c in $caches.Values) { Remove-Item -LiteralPath $c -Recurse -Force -ErrorAction SilentlyContinue }
}

$bare = Get-Median $times['bare']
$import = Get-Median $times['import']
$ratio = $import / $bare
foreach ($name in $variants.Keys) {
    $t = $times[$name]
    '{0,-7} median {1,6:0} ms   min {2,6:0} ms   max {3,6:0} ms   ({4} runs: pwsh -NoProfile -Command {5})' -f $name, (Get-Median $t), ($t | Measure-Object -Minimum).Minimum, ($t | Measure-Object -Maximum).Maximum, $t.Count, $variants[$name]
}
'Import.Bench: import/bare = {0:0.00} x (target <= {1} x): {2}' -f $ratio, $Target, $(if ($ratio -le $Target) { 'OK' } else { 'OVER TARGET' })
