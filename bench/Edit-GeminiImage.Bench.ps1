<#
.SYNOPSIS
    Edit-GeminiImage -ThrottleLimit: -Files piped real-size images, -LatencyMs per answer, -Throttle at once, beside
    the ideal (ceil(files / throttle) x latency) and the same files one at a time. Target (issue 17): <= 1.2 x ideal.

.DESCRIPTION
    Run by `build.ps1 -Task Bench` (after Build), or directly:

        dotnet pwsh -NoProfile -File bench/Edit-GeminiImage.Bench.ps1 -ModulePath output/GeminiImage

    The emulator runs in this process and answers with its drawn real-size images (about 1.1 MB PNG at 1K); the
    inputs are such images too (one drawn by the emulator, copied -Files times). Each variant runs in a child pwsh,
    timed from the first request to the last result (the import is not counted). Results go to bench/results/.
#>
[CmdletBinding()]
param(
    [string] $ModulePath = (Join-Path $PSScriptRoot '../output/GeminiImage'),
    [string] $ResultsDir = (Join-Path $PSScriptRoot 'results'),
    [int] $Files = 50,
    [int] $Throttle = 8,
    [int] $LatencyMs = 500,
    [double] $Target = 1.2
)
$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'
$ModulePath = (Resolve-Path -LiteralPath $ModulePath).ProviderPath
$exe = [Environment]::ProcessPath
$prefix = @(if ([System.IO.Path]::GetFileNameWithoutExtension($exe) -eq 'dotnet') { Join-Path $PSHOME 'pwsh.dll' })
$work = Join-Path ([System.IO.Path]::GetTempPath()) ("gemini-edit-bench-" + [guid]::NewGuid().ToString('N').Substring(0, 8))
New-Item -ItemType Directory -Path $work | Out-Null
$env:GEMINI_IMAGE_HOME = Join-Path $work 'home'
Import-Module $ModulePath
$emu = Start-GeminiEmulator
$env:GEMINI_BASE_URL = $emu.BaseUri.ToString(); $env:GEMINI_API_KEY = $emu.ApiKey
$load = { if (Test-Path /proc/loadavg) { ((Get-Content /proc/loadavg) -split ' ')[0] } else { '?' } }
try {
    $first = New-GeminiImage 'a harbour at dawn' -OutputDirectory $work
    $emu.Latency = [timespan]::FromMilliseconds($LatencyMs)
    $child = Join-Path $work 'child.ps1'
    @'
param([string] $ModulePath, [string] $In, [string] $Out, [int] $Throttle)
$ErrorActionPreference = 'Stop'; $ProgressPreference = 'SilentlyContinue'
Import-Module $ModulePath
$files = Get-ChildItem -LiteralPath $In -Filter *.png
$w = [Diagnostics.Stopwatch]::StartNew()
$n = @($files | Edit-GeminiImage 'make it night' -OutputDirectory $Out -ThrottleLimit $Throttle).Count
"$n;$($w.Elapsed.TotalSeconds)"
'@ | Set-Content -LiteralPath $child
    $rows = foreach ($limit in $Throttle, 1) {
        $in = Join-Path $work "in-$limit"; $out = Join-Path $work "out-$limit"
        New-Item -ItemType Directory -Path $in, $out | Out-Null
        1..$Files | ForEach-Object { Copy-Item -LiteralPath $first.Path -Destination (Join-Path $in ('photo{0:000}.png' -f $_)) }
        $before = & $load
        $n, $seconds = ((& $exe @prefix -NoProfile -NonInteractive -File $child -ModulePath $ModulePath -In $in -Out $out -Throttle $limit | Select-Object -Last 1) -split ';')
        if ([int]$n -ne $Files) { throw "-ThrottleLimit $limit edited $n of $Files files." }
        $ideal = [math]::Ceiling($Files / $limit) * $LatencyMs / 1000
        [pscustomobject]@{ Run = "Edit-GeminiImage -ThrottleLimit $limit"; Seconds = [math]::Round([double]$seconds, 2); Ideal = $ideal; 'x ideal' = [math]::Round([double]$seconds / $ideal, 2); Load = "$before->$(& $load)" }
    }
}
finally {
    Stop-GeminiEmulator
    Remove-Item Env:GEMINI_BASE_URL, Env:GEMINI_API_KEY -ErrorAction SilentlyContinue
    Remove-Item -LiteralPath $work -Recurse -Force -ErrorAction SilentlyContinue
}
$ratio = $rows[0].'x ideal'
$header = "Edit-GeminiImage bench $(Get-Date -Format 'yyyyMMdd-HHmmss') on $([Environment]::MachineName) ($([Environment]::ProcessorCount) cores): $Files piped real-size PNGs, $LatencyMs ms per answer; load = 1-minute load average before->after."
$text = $header + "`n" + ($rows | Format-Table -AutoSize | Out-String -Width 160) +
    ('Edit-GeminiImage.Bench: -ThrottleLimit {0} = {1:0.00} x ideal (target <= {2} x): {3}; one at a time {4:0.0} s' -f $Throttle, $ratio, $Target, $(if ($ratio -le $Target) { 'OK' } else { 'OVER TARGET' }), $rows[1].Seconds)
New-Item -ItemType Directory -Path $ResultsDir -Force | Out-Null
Set-Content -LiteralPath (Join-Path $ResultsDir "Edit-GeminiImage-$(Get-Date -Format 'yyyyMMdd-HHmmss').txt") -Value $text
$text
