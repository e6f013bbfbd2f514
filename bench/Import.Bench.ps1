<#
.SYNOPSIS
    Import time: `pwsh -NoProfile -Command 'Import-Module <module>'` against a bare `pwsh -NoProfile -Command 1`, and
    a scheduled task's whole run, `pwsh -Command 'Import-Module <module>; New-GeminiImage ...'` against the emulator
    (started in this process with a small answer, so the figure is start-up, not transfer), printed beside both.

.DESCRIPTION
    Run by `build.ps1 -Task Bench` (after Build) in a child pwsh, or directly:

        dotnet pwsh -NoProfile -File bench/Import.Bench.ps1 -ModulePath output/GeminiImage

    Starts the same PowerShell as this one (under `dotnet pwsh`: dotnet <PSHOME>/pwsh.dll, which is what the pwsh
    launcher does; `dotnet pwsh` itself would add the tool lookup to both sides). Each variant gets its own cache
    folder (XDG_CACHE_HOME) that persists across its runs, so each replays its own startup JIT profile, as a
    scheduled task that runs the same command every few minutes does. Warm-up runs first, then the variants
    alternate; the medians are compared. Target (issues 8 and 17): import <= 1.5 x bare. The end-to-end call has
    no target of its own; it shows what one call costs on top of the import.
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

$quoted = $ModulePath.Replace("'", "''")
$variants = [ordered]@{
    'bare'   = '1'
    'import' = "Import-Module '$quoted'"
    'call'   = "Import-Module '$quoted'; `$null = New-GeminiImage 'a lighthouse at dusk' -OutputDirectory `$env:GEMINI_BENCH_OUT -ErrorAction Stop"
}
# The service the call goes to: the emulator in this process, answering a small PNG at once.
Import-Module $ModulePath
$emu = Start-GeminiEmulator -ImageFile (Join-Path $PSScriptRoot '../tests/unit/data/images/good.png') -NoSessionConfig
$env:GEMINI_BASE_URL = $emu.BaseUri.ToString(); $env:GEMINI_API_KEY = $emu.ApiKey
$env:GEMINI_BENCH_OUT = Join-Path ([System.IO.Path]::GetTempPath()) ("GeminiImage-bench-out-" + [guid]::NewGuid().ToString('N').Substring(0, 8))
$env:GEMINI_IMAGE_HOME = Join-Path $env:GEMINI_BENCH_OUT 'home'
New-Item -ItemType Directory -Path $env:GEMINI_BENCH_OUT | Out-Null
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
    Stop-GeminiEmulator
    Remove-Item -LiteralPath $env:GEMINI_BENCH_OUT -Recurse -Force -ErrorAction SilentlyContinue
    Remove-Item Env:GEMINI_BASE_URL, Env:GEMINI_API_KEY, Env:GEMINI_BENCH_OUT, Env:GEMINI_IMAGE_HOME -ErrorAction SilentlyContinue
}

$bare = Get-Median $times['bare']
$import = Get-Median $times['import']
$ratio = $import / $bare
foreach ($name in $variants.Keys) {
    $t = $times[$name]
    '{0,-7} median {1,6:0} ms   min {2,6:0} ms   max {3,6:0} ms   ({4} runs: pwsh -NoProfile -Command {5})' -f $name, (Get-Median $t), ($t | Measure-Object -Minimum).Minimum, ($t | Measure-Object -Maximum).Maximum, $t.Count, $variants[$name]
}
'Import.Bench: import/bare = {0:0.00} x (target <= {1} x): {2}' -f $ratio, $Target, $(if ($ratio -le $Target) { 'OK' } else { 'OVER TARGET' })
'Import.Bench: import + one New-GeminiImage against the emulator = {0:0} ms = {1:0.00} x bare, {2:0} ms more than the import alone' -f ($call = Get-Median $times['call']), ($call / $bare), ($call - $import)
