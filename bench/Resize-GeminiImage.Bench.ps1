<#
.SYNOPSIS
    Benchmark (not a test): Resize-GeminiImage to the Amazon preset vs ImageMagick, same files, same run.

.DESCRIPTION
    1. Makes -Count 1024x1024 PNG inputs: a few distinct images from the local emulator (New-GeminiImage,
       so they carry GeminiImage provenance), copied round-robin to -Count files.
    2. GeminiImage: a fresh child pwsh imports the module, warms up on one extra file, then runs ONE
       Resize-GeminiImage -Preset Amazon over all files (a single process). Reports images/second and the
       process's peak working set (VmHWM on Linux), with the peak before the run for reference.
    3. ImageMagick, when a real `convert` is on PATH: `convert in.png -resize 1500x1500 -background white
       -gravity center -extent 1500x1500 out.png` once per file (a process per image, as in the issue), and
       the same operation with `mogrify` over all files in one process. Peak memory is the largest max RSS of
       a sample of runs under /usr/bin/time (when present). Skipped with a message when `convert` is missing
       or is not ImageMagick.
    4. Writes a markdown table (and a JSON file) to -ResultsPath and prints the table.

    Run through the build:  dotnet pwsh -NoProfile -File ./build.ps1 -Task Bench
    or directly after a build:  dotnet pwsh -NoProfile -File ./bench/Resize-GeminiImage.Bench.ps1
#>
[CmdletBinding()]
param(
    [string] $ModulePath = (Join-Path $PSScriptRoot '../output/GeminiImage'),
    [int] $Count = 200,
    [string] $ResultsPath = (Join-Path $PSScriptRoot 'results'),
    [string] $WorkPath,
    # internal: child mode, measures Resize-GeminiImage over the files listed in this file
    [string] $MeasureList,
    [string] $MeasureOutput
)

Set-StrictMode -Version 3.0
$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'
if ($PSVersionTable.PSVersion.Major -ge 7) { $PSStyle.OutputRendering = 'PlainText' }

function Get-PeakBytes { [System.Diagnostics.Process]::GetCurrentProcess().Refresh(); [System.Diagnostics.Process]::GetCurrentProcess().PeakWorkingSet64 }

# ---- child mode: the measured single process ---------------------------------------------------------
if ($MeasureList) {
    Import-Module -Name $ModulePath -Force
    $files = @(Get-Content -LiteralPath $MeasureList)
    $warm = Join-Path $MeasureOutput 'warmup'
    Resize-GeminiImage -LiteralPath $files[0] -Preset Amazon -OutputDirectory $warm -Force | Out-Null
    Remove-Item -LiteralPath $warm -Recurse -Force
    [GC]::Collect()
    $before = Get-PeakBytes
    $sw = [System.Diagnostics.Stopwatch]::StartNew()
    $results = @(Resize-GeminiImage -LiteralPath $files -Preset Amazon -OutputDirectory $MeasureOutput)
    $sw.Stop()
    [pscustomobject]@{
        Count       = $results.Count
        Seconds     = $sw.Elapsed.TotalSeconds
        PeakBytes   = Get-PeakBytes
        BeforeBytes = $before
        Sizes       = @($results | ForEach-Object { "$($_.Width)x$($_.Height)" } | Select-Object -Unique)
        OutBytes    = ($results | Measure-Object SizeBytes -Sum).Sum
    } | ConvertTo-Json -Compress
    return
}

# ---- parent ---------------------------------------------------------------------------------------------
$RepoRoot = (Resolve-Path -LiteralPath (Join-Path $PSScriptRoot '..')).ProviderPath
if (-not (Test-Path -LiteralPath (Join-Path $ModulePath 'GeminiImage.psd1'))) { throw "No built module at $ModulePath; run build.ps1 -Task Build first." }
$ModulePath = (Resolve-Path -LiteralPath $ModulePath).ProviderPath
if (-not $WorkPath) { $WorkPath = Join-Path ([System.IO.Path]::GetTempPath()) ('GeminiImage-bench-' + [guid]::NewGuid().ToString('N').Substring(0, 8)) }
$inDir = Join-Path $WorkPath 'in'
$ourDir = Join-Path $WorkPath 'out-geminiimage'
$imDir = Join-Path $WorkPath 'out-convert'
$mogDir = Join-Path $WorkPath 'out-mogrify'
New-Item -ItemType Directory -Path $inDir, $ourDir, $imDir, $mogDir -Force | Out-Null

function Format-MB([double] $bytes) { '{0:N0} MB' -f ($bytes / 1MB) }

# The same pwsh as this one for the child: `dotnet pwsh` (repo tool manifest) when that is how we run.
function Invoke-Child([string[]] $Arguments) {
    $self = [System.Diagnostics.Process]::GetCurrentProcess().MainModule.FileName
    if ([System.IO.Path]::GetFileNameWithoutExtension($self) -eq 'dotnet') {
        Push-Location -LiteralPath $RepoRoot
        try { & dotnet pwsh -NoProfile -NonInteractive -File $PSCommandPath @Arguments } finally { Pop-Location }
    }
    else { & $self -NoProfile -NonInteractive -File $PSCommandPath @Arguments }
    if ($LASTEXITCODE -ne 0) { throw "benchmark child failed with exit code $LASTEXITCODE" }
}

# A real ImageMagick convert: reports ImageMagick, and preferably a native binary rather than a script stand-in.
function Find-ImageMagick([string] $Name) {
    $found = $null
    foreach ($cmd in @(Get-Command -Name $Name -CommandType Application -All -ErrorAction SilentlyContinue)) {
        $version = try { (& $cmd.Source -version 2>$null | Select-Object -First 1) } catch { $null }
        if ("$version" -notmatch '^Version: ImageMagick') { continue }
        $target = (Get-Item -LiteralPath $cmd.Source).ResolvedTarget
        if (-not $target) { $target = $cmd.Source }
        $head = [byte[]]::new(4)
        $fs = [System.IO.File]::OpenRead($target); try { [void]$fs.Read($head, 0, 4) } finally { $fs.Dispose() }
        $native = ($head[0] -eq 0x7F -and $head[1] -eq 0x45) -or ($head[0] -eq 0x4D -and $head[1] -eq 0x5A)  # ELF or MZ
        $info = [pscustomobject]@{ Path = $target; Version = "$version"; Native = $native }
        if ($native) { return $info }
        if (-not $found) { $found = $info }
    }
    $found
}

Write-Host "==> Inputs: $Count 1024x1024 PNGs in $inDir"
Import-Module -Name $ModulePath -Force
$emulator = Start-GeminiEmulator
try {
    $distinct = @(1..8 | ForEach-Object { New-GeminiImage "benchmark product shot $_" -AspectRatio 1:1 -OutputDirectory $WorkPath })
}
finally { Stop-GeminiEmulator }
$files = for ($i = 0; $i -lt $Count; $i++) {
    $dest = Join-Path $inDir ('img{0:d3}.png' -f $i)
    Copy-Item -LiteralPath $distinct[$i % $distinct.Count].Path -Destination $dest
    $dest
}
$extra = Join-Path $WorkPath 'warmup.png'
Copy-Item -LiteralPath $distinct[0].Path -Destination $extra
$inputBytes = (Get-ChildItem -LiteralPath $inDir | Measure-Object Length -Sum).Sum
$firstSize = "$($distinct[0].Width)x$($distinct[0].Height)"
if ($firstSize -ne '1024x1024') { throw "the emulator made $firstSize images, expected 1024x1024" }

Write-Host "==> GeminiImage: Resize-GeminiImage -Preset Amazon over $Count files (child pwsh)"
$list = Join-Path $WorkPath 'files.txt'
# The child warms up on the first file of its list (into a folder it then deletes), then resizes the whole list.
Set-Content -LiteralPath $list -Value (@($extra) + $files)
$json = Invoke-Child @('-ModulePath', $ModulePath, '-MeasureList', $list, '-MeasureOutput', $ourDir) | Select-Object -Last 1
$ours = $json | ConvertFrom-Json
if ($ours.Count -ne $Count + 1) { throw "GeminiImage resized $($ours.Count) files, expected $($Count + 1)" }
$ourRate = ($Count + 1) / $ours.Seconds
Write-Host ("    {0:N1} images/s, {1:N1} s, peak {2} (before the run {3})" -f $ourRate, $ours.Seconds, (Format-MB $ours.PeakBytes), (Format-MB $ours.BeforeBytes))

$rows = [System.Collections.Generic.List[object]]::new()
$rows.Add([pscustomobject]@{
        Tool = 'GeminiImage Resize-GeminiImage (1 process)'; Images = $Count + 1; Seconds = $ours.Seconds; Rate = $ourRate
        Peak = $ours.PeakBytes; Note = "peak of the pwsh process; $(Format-MB $ours.BeforeBytes) before the run (pwsh + module)"
    })

$im = Find-ImageMagick 'convert'
$imNote = $null
if (-not $im) {
    $imNote = 'ImageMagick skipped: no `convert` on PATH reports ImageMagick (missing, or a stand-in).'
    Write-Host "==> $imNote"
}
else {
    if (-not $im.Native) { Write-Host "    note: $($im.Path) is not a native binary; using it because it reports ImageMagick" }
    Write-Host "==> ImageMagick: $($im.Version) ($($im.Path)), one convert per file"
    $imArgs = @('-resize', '1500x1500', '-background', 'white', '-gravity', 'center', '-extent', '1500x1500')
    $all = @($extra) + $files
    $sw = [System.Diagnostics.Stopwatch]::StartNew()
    foreach ($f in $all) {
        & $im.Path $f @imArgs (Join-Path $imDir ([System.IO.Path]::GetFileName($f)))
        if ($LASTEXITCODE -ne 0) { throw "convert failed on $f" }
    }
    $sw.Stop()
    $imSeconds = $sw.Elapsed.TotalSeconds
    $check = Get-GeminiImageInfo -LiteralPath (Join-Path $imDir 'img000.png')
    if ("$($check.Width)x$($check.Height)" -ne '1500x1500') { throw "convert wrote $($check.Width)x$($check.Height)" }

    $imPeak = $null
    $time = '/usr/bin/time'
    if (Test-Path -LiteralPath $time) {
        $imPeak = 0
        foreach ($f in $files | Select-Object -First 10) {
            $tmp = Join-Path $WorkPath 'time.txt'
            & $time -f '%M' -o $tmp $im.Path $f @imArgs (Join-Path $WorkPath 'probe.png')
            $kb = [long](Get-Content -LiteralPath $tmp | Select-Object -Last 1)
            if ($kb * 1KB -gt $imPeak) { $imPeak = $kb * 1KB }
        }
    }
    $rows.Add([pscustomobject]@{
            Tool = 'ImageMagick convert (1 process per image)'; Images = $all.Count; Seconds = $imSeconds; Rate = $all.Count / $imSeconds
            Peak = $imPeak; Note = if ($null -ne $imPeak) { 'largest max RSS of one convert (10 sampled)' } else { 'no /usr/bin/time: memory not measured' }
        })
    Write-Host ("    {0:N1} images/s, {1:N1} s" -f ($all.Count / $imSeconds), $imSeconds)

    $mog = Find-ImageMagick 'mogrify'
    if ($mog) {
        Write-Host "==> ImageMagick: mogrify, all files in one process"
        $sw = [System.Diagnostics.Stopwatch]::StartNew()
        if (Test-Path -LiteralPath $time) {
            $tmp = Join-Path $WorkPath 'time-mogrify.txt'
            & $time -f '%M' -o $tmp $mog.Path -path $mogDir @imArgs @all
            $mogPeak = [long](Get-Content -LiteralPath $tmp | Select-Object -Last 1) * 1KB
        }
        else { & $mog.Path -path $mogDir @imArgs @all; $mogPeak = $null }
        $sw.Stop()
        if ($LASTEXITCODE -ne 0) { throw 'mogrify failed' }
        $rows.Add([pscustomobject]@{
                Tool = 'ImageMagick mogrify (1 process)'; Images = $all.Count; Seconds = $sw.Elapsed.TotalSeconds; Rate = $all.Count / $sw.Elapsed.TotalSeconds
                Peak = $mogPeak; Note = 'same operation, single process'
            })
        Write-Host ("    {0:N1} images/s, {1:N1} s" -f ($all.Count / $sw.Elapsed.TotalSeconds), $sw.Elapsed.TotalSeconds)
    }
}

# ---- report ---------------------------------------------------------------------------------------------
$cpu = try { ((Get-Content /proc/cpuinfo -ErrorAction Stop | Where-Object { $_ -like 'model name*' } | Select-Object -First 1) -split ':', 2)[1].Trim() } catch { 'unknown CPU' }
$stamp = Get-Date
$lines = [System.Collections.Generic.List[string]]::new()
$lines.Add("# Resize-GeminiImage benchmark, $($stamp.ToString('yyyy-MM-dd HH:mm'))")
$lines.Add('')
$lines.Add("$Count + 1 (warm-up) 1024x1024 PNG inputs ($(Format-MB $inputBytes) in total; emulator images with provenance) resized to the Amazon preset (1500x1500, Pad on white, PNG out).")
$lines.Add("Machine: $([Environment]::ProcessorCount) logical CPUs ($cpu), $([System.Runtime.InteropServices.RuntimeInformation]::OSDescription); PowerShell $($PSVersionTable.PSVersion), GeminiImage $((Get-Module GeminiImage).Version).")
$lines.Add('')
$lines.Add('| Tool | Images | Seconds | Images/s | Peak memory | vs GeminiImage (speed) | Note |')
$lines.Add('| --- | ---: | ---: | ---: | ---: | ---: | --- |')
foreach ($r in $rows) {
    $ratio = '{0:N2}x' -f ($ourRate / $r.Rate)
    $lines.Add(('| {0} | {1} | {2:N1} | {3:N1} | {4} | {5} | {6} |' -f $r.Tool, $r.Images, $r.Seconds, $r.Rate,
            $(if ($null -ne $r.Peak) { Format-MB $r.Peak } else { 'n/a' }), $(if ($r -eq $rows[0]) { '1.00x' } else { "GeminiImage is $ratio" }), $r.Note))
}
if ($imNote) { $lines.Add(''); $lines.Add($imNote) }
$lines.Add('')
$lines.Add('"GeminiImage is Nx" = GeminiImage images/s divided by the tool''s images/s (above 1: GeminiImage is faster).')
$lines.Add('Peak memory: GeminiImage is the whole pwsh process (runtime + module + the run); ImageMagick is one process.')
$table = $lines -join [Environment]::NewLine

New-Item -ItemType Directory -Path $ResultsPath -Force | Out-Null
$name = 'Resize-GeminiImage-' + $stamp.ToString('yyyyMMdd-HHmmss')
Set-Content -LiteralPath (Join-Path $ResultsPath "$name.md") -Value $table -Encoding utf8
$rows | ConvertTo-Json | Set-Content -LiteralPath (Join-Path $ResultsPath "$name.json") -Encoding utf8
Write-Host ''
Write-Host $table
Write-Host ''
Write-Host "==> Wrote $(Join-Path $ResultsPath "$name.md")"
Remove-Item -LiteralPath $WorkPath -Recurse -Force -ErrorAction SilentlyContinue
