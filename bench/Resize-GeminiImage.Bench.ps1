<#
.SYNOPSIS
    Benchmark (not a test): Resize-GeminiImage on real photos beside ImageMagick, same files, same run.

.DESCRIPTION
    1. Inputs: the real 1024x680 PNG photo Google returned in the streamed image recording
       (-RecordingPath, default ../shared/fixtures/google-recordings), and photos made from it with ImageMagick
       (mirrored; 680x1024 portrait; 680x680 square; 2048x1360; the original as a quality-92 JPEG), copied round-robin
       to -Count files.
    2. ImageMagick: when no native ImageMagick `convert` is on PATH, installs the Debian package with apt-get
       (as root); without it only GeminiImage's figures are printed.
    3. For each -Preset (default Amazon, Shopify, Instagram), with the preset's own output (JPEG, quality 85):
       - GeminiImage: a fresh child pwsh warms up on one file, then runs ONE Resize-GeminiImage over all files at
         its default -ThrottleLimit. Wall time, CPU time and the process's peak memory (VmHWM).
       - ImageMagick `convert`, one process per image (the same geometry and -quality 85), each under
         /usr/bin/time for its CPU time and peak memory; and `mogrify` over the whole folder in one process.
       - Output size: mean bytes per file. Fidelity: mean PSNR of each tool's JPEG against the same tool's lossless
         (PNG) rendering of the same resize, over the distinct inputs: what the JPEG encoding lost, at equal
         -quality (the tools resample with different filters, so each is compared with itself).
    4. All presets in one call (each source decoded once) beside the sum of the per-preset convert runs.
    5. PNG output (the issue's "before" case): Amazon -Format Png over -PngCount files beside convert to PNG.
    Writes a markdown table and the raw rows (JSON) to -ResultsPath and prints the table. The ratio of
    GeminiImage to convert within one run is the figure to read; absolute times depend on the machine's load.

    Run through the build:  dotnet pwsh -NoProfile -File ./build.ps1 -Task Bench
    or directly after a build:  dotnet pwsh -NoProfile -File ./bench/Resize-GeminiImage.Bench.ps1
#>
[CmdletBinding()]
param(
    [string] $ModulePath = (Join-Path $PSScriptRoot '../output/GeminiImage'),
    [int] $Count = 30,
    [int] $PngCount = 10,
    [string[]] $Preset = @('Amazon', 'Shopify', 'Instagram'),
    [string] $RecordingPath,
    [string] $ResultsPath = (Join-Path $PSScriptRoot 'results'),
    [string] $WorkPath,
    # internal: child mode, measures one Resize-GeminiImage over the files listed in this file
    [string] $MeasureList,
    [string] $MeasureOutput,
    [string] $MeasureFormat
)

Set-StrictMode -Version 3.0
$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'
if ($PSVersionTable.PSVersion.Major -ge 7) { $PSStyle.OutputRendering = 'PlainText' }
# -Preset a,b,c reaches a child (-File) as one string
$Preset = @($Preset | ForEach-Object { $_ -split ',' } | ForEach-Object { $_.Trim() } | Where-Object { $_ })

# Peak resident memory of this process: VmHWM on Linux, the peak working set elsewhere.
function Get-PeakBytes {
    if (Test-Path -LiteralPath '/proc/self/status') {
        $line = Get-Content -LiteralPath '/proc/self/status' | Where-Object { $_ -like 'VmHWM:*' }
        if ($line) { return [long](($line -split '\s+')[1]) * 1KB }
    }
    $self = [System.Diagnostics.Process]::GetCurrentProcess(); $self.Refresh(); $self.PeakWorkingSet64
}

# ---- child mode: the measured single process ---------------------------------------------------------
if ($MeasureList) {
    Import-Module -Name $ModulePath -Force
    $files = @(Get-Content -LiteralPath $MeasureList)
    $extra = @{}
    if ($MeasureFormat) { $extra.Format = $MeasureFormat }
    $warm = Join-Path $MeasureOutput 'warmup'
    Resize-GeminiImage -LiteralPath $files[0] -Preset $Preset -OutputDirectory $warm @extra | Out-Null
    Remove-Item -LiteralPath $warm -Recurse -Force
    $files = @($files | Select-Object -Skip 1)
    [GC]::Collect()
    $self = [System.Diagnostics.Process]::GetCurrentProcess()
    $cpu = $self.TotalProcessorTime
    $sw = [System.Diagnostics.Stopwatch]::StartNew()
    $results = @(Resize-GeminiImage -LiteralPath $files -Preset $Preset -OutputDirectory $MeasureOutput @extra)
    $sw.Stop()
    $self.Refresh()
    [pscustomobject]@{
        Count      = $results.Count
        Seconds    = $sw.Elapsed.TotalSeconds
        CpuSeconds = ($self.TotalProcessorTime - $cpu).TotalSeconds
        PeakBytes  = Get-PeakBytes
        OutBytes   = ($results | Measure-Object SizeBytes -Sum).Sum
        Formats    = @($results.Format | Select-Object -Unique)
    } | ConvertTo-Json -Compress
    return
}

# ---- parent ---------------------------------------------------------------------------------------------
$RepoRoot = (Resolve-Path -LiteralPath (Join-Path $PSScriptRoot '..')).ProviderPath
if (-not (Test-Path -LiteralPath (Join-Path $ModulePath 'GeminiImage.psd1'))) { throw "No built module at $ModulePath; run build.ps1 -Task Build first." }
$ModulePath = (Resolve-Path -LiteralPath $ModulePath).ProviderPath
if (-not $WorkPath) { $WorkPath = Join-Path ([System.IO.Path]::GetTempPath()) ('GeminiImage-bench-' + [guid]::NewGuid().ToString('N').Substring(0, 8)) }
New-Item -ItemType Directory -Path $WorkPath -Force | Out-Null
$time = '/usr/bin/time'
$hasTime = Test-Path -LiteralPath $time

function Format-MB([double] $bytes) { '{0:N0} MB' -f ($bytes / 1MB) }
function Format-KB([double] $bytes) { '{0:N0} KB' -f ($bytes / 1KB) }

# The same pwsh as this one for the child: `dotnet pwsh` (repo tool manifest) when that is how we run.
function Invoke-Child([string[]] $Arguments) {
    $self = [System.Diagnostics.Process]::GetCurrentProcess().MainModule.FileName
    if ([System.IO.Path]::GetFileNameWithoutExtension($self) -eq 'dotnet') {
        Push-Location -LiteralPath $RepoRoot
        try { $out = & dotnet pwsh -NoProfile -NonInteractive -File $PSCommandPath @Arguments } finally { Pop-Location }
    }
    else { $out = & $self -NoProfile -NonInteractive -File $PSCommandPath @Arguments }
    if ($LASTEXITCODE -ne 0) { throw "benchmark child failed with exit code $LASTEXITCODE" }
    $out | Select-Object -Last 1 | ConvertFrom-Json
}

# GeminiImage over $Files (the first is the warm-up) into a fresh folder.
function Measure-Ours([string[]] $Files, [string[]] $Presets, [string] $Name, [string] $Format) {
    $list = Join-Path $WorkPath "$Name.txt"
    $out = Join-Path $WorkPath "out-$Name"
    New-Item -ItemType Directory -Path $out -Force | Out-Null
    Set-Content -LiteralPath $list -Value $Files
    $arguments = @('-ModulePath', $ModulePath, '-MeasureList', $list, '-MeasureOutput', $out, '-Preset', ($Presets -join ','))
    if ($Format) { $arguments += @('-MeasureFormat', $Format) }
    $r = Invoke-Child $arguments
    $r | Add-Member -NotePropertyName Folder -NotePropertyValue $out -PassThru
}

# A real ImageMagick: reports ImageMagick and is a native binary (not a script stand-in).
function Find-ImageMagick([string] $Name) {
    foreach ($cmd in @(Get-Command -Name $Name -CommandType Application -All -ErrorAction SilentlyContinue)) {
        $target = (Get-Item -LiteralPath $cmd.Source).ResolvedTarget
        if (-not $target) { $target = $cmd.Source }
        while ((Get-Item -LiteralPath $target).LinkType) { $target = (Get-Item -LiteralPath $target).ResolvedTarget }
        $head = [byte[]]::new(4)
        $fs = [System.IO.File]::OpenRead($target); try { [void]$fs.Read($head, 0, 4) } finally { $fs.Dispose() }
        if (-not ($head[0] -eq 0x7F -and $head[1] -eq 0x45)) { continue } # ELF
        $version = try { (& $target -version 2>$null | Select-Object -First 1) } catch { $null }
        if ("$version" -match '^Version: ImageMagick') { return [pscustomobject]@{ Path = $target; Version = "$version" } }
    }
    # Debian installs the binaries as convert-im6.q16 etc. behind alternatives; look there when PATH only has a stand-in
    foreach ($candidate in @("/usr/bin/$Name-im6.q16", "/usr/bin/$Name-im7.q16")) {
        if (Test-Path -LiteralPath $candidate) {
            $version = (& $candidate -version 2>$null | Select-Object -First 1)
            if ("$version" -match '^Version: ImageMagick') { return [pscustomobject]@{ Path = $candidate; Version = "$version" } }
        }
    }
    $null
}

function Install-ImageMagick {
    if (-not (Get-Command apt-get -ErrorAction SilentlyContinue)) { Write-Host '    no apt-get: cannot install ImageMagick'; return }
    if ((& id -u) -ne '0') { Write-Host '    not root: cannot install ImageMagick with apt-get'; return }
    Write-Host '==> Installing ImageMagick (apt-get install imagemagick)'
    $env:DEBIAN_FRONTEND = 'noninteractive'
    & apt-get install -y --no-install-recommends imagemagick | Out-Null
    if ($LASTEXITCODE -ne 0) {
        & apt-get update | Out-Null
        & apt-get install -y --no-install-recommends imagemagick | Out-Null
    }
    if ($LASTEXITCODE -ne 0) { Write-Host "    apt-get failed with exit code $LASTEXITCODE" }
}

# ---- inputs -----------------------------------------------------------------------------------------------
if (-not $RecordingPath) {
    $RecordingPath = @('../shared/fixtures/google-recordings', '../../shared/fixtures/google-recordings') |
        ForEach-Object { Join-Path $RepoRoot $_ } | Where-Object { Test-Path -LiteralPath $_ } | Select-Object -First 1
    if (-not $RecordingPath) { throw 'No google-recordings folder next to the repository; give -RecordingPath.' }
}
$recording = Get-ChildItem -LiteralPath $RecordingPath -Filter '*StreamResponseModalityImage*.json' | Select-Object -First 1
if (-not $recording) { throw "No streamed image recording (*StreamResponseModalityImage*.json) in $RecordingPath" }
$photo = Join-Path $WorkPath 'photo.png'
$json = Get-Content -Raw -LiteralPath $recording.FullName | ConvertFrom-Json -Depth 64
# Strict mode: a chunk may lack candidates, content or parts (e.g. the last one, with only usageMetadata).
function Get-JsonMember([object] $Object, [string] $Name) { if ($null -ne $Object -and $Object.PSObject.Properties[$Name]) { $Object.$Name } }
$inline = foreach ($segment in $json.interactions[0].response.bodySegments) {
    foreach ($candidate in @(Get-JsonMember $segment 'candidates')) {
        foreach ($part in @(Get-JsonMember (Get-JsonMember $candidate 'content') 'parts')) { Get-JsonMember $part 'inlineData' }
    }
}
$png = @($inline | Where-Object mimeType -eq 'image/png')[0]
[System.IO.File]::WriteAllBytes($photo, [Convert]::FromBase64String($png.data))

$im = Find-ImageMagick 'convert'
if (-not $im) { Install-ImageMagick; $im = Find-ImageMagick 'convert' }
$mog = if ($im) { Find-ImageMagick 'mogrify' }
$compare = if ($im) { Find-ImageMagick 'compare' }

Import-Module -Name $ModulePath -Force
$info = Get-GeminiImageInfo -LiteralPath $photo
if ("$($info.Width)x$($info.Height)" -ne '1024x680') { throw "the recording's photo is $($info.Width)x$($info.Height), expected 1024x680" }

$distinctDir = Join-Path $WorkPath 'distinct'
New-Item -ItemType Directory -Path $distinctDir -Force | Out-Null
$distinct = [System.Collections.Generic.List[string]]::new()
$distinct.Add((Copy-Item -LiteralPath $photo -Destination (Join-Path $distinctDir 'photo.png') -PassThru).FullName)
if ($im) {
    foreach ($variant in @(
            @{ Name = 'mirrored.png'; Args = @('-flop') }
            @{ Name = 'portrait.png'; Args = @('-rotate', '90') }
            @{ Name = 'square.png'; Args = @('-gravity', 'center', '-crop', '680x680+0+0', '+repage') }
            @{ Name = 'large.png'; Args = @('-resize', '200%') }
            @{ Name = 'photo-q92.jpg'; Args = @('-quality', '92') })) {
        $dest = Join-Path $distinctDir $variant.Name
        & $im.Path $photo @($variant.Args) $dest
        if ($LASTEXITCODE -ne 0) { throw "convert failed making $($variant.Name)" }
        $distinct.Add($dest)
    }
}
$inDir = Join-Path $WorkPath 'in'
New-Item -ItemType Directory -Path $inDir -Force | Out-Null
# the first file is the warm-up (GeminiImage: JIT; ImageMagick: file cache), not counted
$all = for ($i = 0; $i -le $Count; $i++) {
    $src = $distinct[$i % $distinct.Count]
    $dest = Join-Path $inDir ('img{0:d3}{1}' -f $i, [System.IO.Path]::GetExtension($src))
    Copy-Item -LiteralPath $src -Destination $dest
    $dest
}
$files = @($all | Select-Object -Skip 1)
$inputBytes = ($files | ForEach-Object { (Get-Item -LiteralPath $_).Length } | Measure-Object -Sum).Sum
Write-Host "==> Inputs: $Count files from $($distinct.Count) distinct photos ($(Format-MB $inputBytes)) in $inDir"

# ---- ImageMagick helpers ----------------------------------------------------------------------------------
function Get-ImArgs([object] $P) {
    $size = "$($P.Width)x$($P.Height)"
    if ("$($P.SuggestedMode)" -eq 'Cover') { @('-resize', "$size^", '-gravity', 'center', '-extent', $size) }
    else { @('-resize', $size, '-background', 'white', '-gravity', 'center', '-extent', $size) }
}

# convert once per file; CPU and peak memory of each process from /usr/bin/time.
function Measure-Convert([string[]] $Inputs, [string[]] $ImArgs, [string] $Folder, [string] $Extension) {
    New-Item -ItemType Directory -Path $Folder -Force | Out-Null
    $stats = Join-Path $WorkPath 'time.txt'
    & $im.Path $all[0] @ImArgs (Join-Path $Folder "warmup$Extension") # file cache, as GeminiImage's warm-up
    $cpu = 0.0; $peak = 0L
    $sw = [System.Diagnostics.Stopwatch]::StartNew()
    foreach ($f in $Inputs) {
        $out = Join-Path $Folder ([System.IO.Path]::GetFileNameWithoutExtension($f) + $Extension)
        if ($hasTime) { & $time -f '%U %S %M' -o $stats $im.Path $f @ImArgs $out } else { & $im.Path $f @ImArgs $out }
        if ($LASTEXITCODE -ne 0) { throw "convert failed on $f" }
        if ($hasTime) {
            $u, $s, $m = (Get-Content -LiteralPath $stats | Select-Object -Last 1) -split ' '
            $cpu += [double]$u + [double]$s
            $peak = [Math]::Max($peak, [long]$m * 1KB)
        }
    }
    $sw.Stop()
    Remove-Item -LiteralPath (Join-Path $Folder "warmup$Extension") -Force
    $bytes = (Get-ChildItem -LiteralPath $Folder -File | Measure-Object Length -Sum).Sum
    [pscustomobject]@{ Count = $Inputs.Count; Seconds = $sw.Elapsed.TotalSeconds; CpuSeconds = $(if ($hasTime) { $cpu }); PeakBytes = $(if ($hasTime) { $peak }); OutBytes = $bytes }
}

function Measure-Mogrify([string[]] $Inputs, [string[]] $ImArgs, [string] $Folder, [string] $Format) {
    New-Item -ItemType Directory -Path $Folder -Force | Out-Null
    $stats = Join-Path $WorkPath 'time.txt'
    $sw = [System.Diagnostics.Stopwatch]::StartNew()
    if ($hasTime) { & $time -f '%U %S %M' -o $stats $mog.Path -path $Folder -format $Format @ImArgs @Inputs }
    else { & $mog.Path -path $Folder -format $Format @ImArgs @Inputs }
    $sw.Stop()
    if ($LASTEXITCODE -ne 0) { throw 'mogrify failed' }
    $cpu = $null; $peak = $null
    if ($hasTime) {
        $u, $s, $m = (Get-Content -LiteralPath $stats | Select-Object -Last 1) -split ' '
        $cpu = [double]$u + [double]$s; $peak = [long]$m * 1KB
    }
    $bytes = (Get-ChildItem -LiteralPath $Folder -File | Measure-Object Length -Sum).Sum
    [pscustomobject]@{ Count = $Inputs.Count; Seconds = $sw.Elapsed.TotalSeconds; CpuSeconds = $cpu; PeakBytes = $peak; OutBytes = $bytes }
}

# Mean PSNR (dB) of each JPEG against the PNG of the same name in the same folder.
function Get-MeanPsnr([string] $Folder) {
    if (-not $compare) { return $null }
    $values = foreach ($jpg in Get-ChildItem -LiteralPath $Folder -Filter '*.jpg') {
        $ref = [System.IO.Path]::ChangeExtension($jpg.FullName, '.png')
        if (-not (Test-Path -LiteralPath $ref)) { continue }
        # compare writes the metric to stderr (and exits 1 when the images differ)
        $text = (& $compare.Path -metric PSNR $jpg.FullName $ref 'null:' 2>&1 | ForEach-Object { "$_" }) -join ' ' 
        if ($text -match '([0-9.]+)') { [double]$Matches[1] }
    }
    if ($values) { ($values | Measure-Object -Average).Average }
}

# Fidelity: each tool's JPEG and its lossless rendering of the distinct photos.
function Measure-Fidelity([object] $P, [string] $Name) {
    $ours = Join-Path $WorkPath "fidelity-ours-$Name"
    foreach ($format in 'Jpeg', 'Png') {
        Resize-GeminiImage -LiteralPath $distinct -Preset $P.Name -Format $format -Suffix '' -OutputDirectory $ours -Force | Out-Null
    }
    $theirs = Join-Path $WorkPath "fidelity-im-$Name"
    New-Item -ItemType Directory -Path $theirs -Force | Out-Null
    $imArgs = Get-ImArgs $P
    foreach ($f in $distinct) {
        $base = Join-Path $theirs ([System.IO.Path]::GetFileNameWithoutExtension($f))
        & $im.Path $f @imArgs -quality $P.Quality "$base.jpg"
        & $im.Path $f @imArgs "$base.png"
    }
    [pscustomobject]@{ Ours = Get-MeanPsnr $ours; Theirs = Get-MeanPsnr $theirs }
}

# ---- runs ---------------------------------------------------------------------------------------------------
$rows = [System.Collections.Generic.List[object]]::new()
function Add-Row([string] $Case, [string] $Tool, [object] $M, [object] $Psnr, [string] $Note) {
    $row = [pscustomobject]@{
        Case = $Case; Tool = $Tool; Outputs = $M.Count; Seconds = $M.Seconds; Rate = $M.Count / $M.Seconds
        CpuPerOutput = $(if ($null -ne $M.CpuSeconds) { $M.CpuSeconds / $M.Count }); MeanBytes = $M.OutBytes / $M.Count
        Psnr = $Psnr; PeakBytes = $M.PeakBytes; Note = $Note
    }
    $rows.Add($row)
    Write-Host ("    {0,-34} {1,6:N2} outputs/s  {2,8}  {3,7}  {4}" -f $Tool, $row.Rate, (Format-KB $row.MeanBytes),
        $(if ($null -ne $row.PeakBytes) { Format-MB $row.PeakBytes } else { '' }), $(if ($null -ne $Psnr) { '{0:N2} dB' -f $Psnr } else { '' }))
}

# The engine's presets (sizes, modes, quality), so the ImageMagick commands stay in step with them.
$presetType = [AppDomain]::CurrentDomain.GetAssemblies() | ForEach-Object { $_.GetType('GeminiImage.Engine.Imaging.PlatformPresets', $false) } | Where-Object { $_ } | Select-Object -First 1
$presets = $Preset
$presetObjects = @($presets | ForEach-Object { $presetType::Get($_) })
$convertTotal = [pscustomobject]@{ Seconds = 0.0; CpuSeconds = 0.0; OutBytes = 0L; Count = 0; PeakBytes = 0L }
foreach ($p in $presetObjects) {
    $case = "$($p.Name) ($($p.Width)x$($p.Height), $($p.SuggestedMode), JPEG q$($p.Quality))"
    Write-Host "==> $case"
    $fidelity = if ($im) { Measure-Fidelity $p $p.Name.ToLowerInvariant() }
    $ours = Measure-Ours -Files $all -Presets @($p.Name) -Name "ours-$($p.Name)"
    if ("$($ours.Formats)" -ne 'JPEG') { throw "GeminiImage wrote $($ours.Formats) for $($p.Name), expected JPEG" }
    Add-Row $case 'GeminiImage (1 process)' $ours $(if ($fidelity) { $fidelity.Ours }) 'default -ThrottleLimit'
    if ($im) {
        $imArgs = @(Get-ImArgs $p) + @('-quality', "$($p.Quality)")
        $c = Measure-Convert -Inputs $files -ImArgs $imArgs -Folder (Join-Path $WorkPath "out-convert-$($p.Name)") -Extension '.jpg'
        Add-Row $case 'ImageMagick convert (1 per image)' $c $fidelity.Theirs 'peak: largest single process'
        $convertTotal.Seconds += $c.Seconds; $convertTotal.CpuSeconds += $c.CpuSeconds; $convertTotal.OutBytes += $c.OutBytes
        $convertTotal.Count += $c.Count; $convertTotal.PeakBytes = [Math]::Max($convertTotal.PeakBytes, [long]$c.PeakBytes)
        if ($mog) {
            $m = Measure-Mogrify -Inputs $files -ImArgs $imArgs -Folder (Join-Path $WorkPath "out-mogrify-$($p.Name)") -Format 'jpg'
            Add-Row $case 'ImageMagick mogrify (1 process)' $m $fidelity.Theirs ''
        }
    }
}

if ($presetObjects.Count -gt 1) {
    $case = "$($presets -join ' + ') in one call (decode once)"
    Write-Host "==> $case"
    $ours = Measure-Ours -Files $all -Presets $presets -Name 'ours-all'
    Add-Row $case 'GeminiImage (1 process)' $ours $null 'each source decoded once'
    if ($im) { Add-Row $case 'ImageMagick convert (1 per image)' $convertTotal $null 'sum of the runs above' }
}

if ($PngCount -gt 0) {
    $amazon = $presetType::Get('Amazon')
    $case = "Amazon as PNG (-Format Png), $PngCount files"
    Write-Host "==> $case"
    $some = @($all | Select-Object -First ($PngCount + 1))
    $ours = Measure-Ours -Files $some -Presets @('Amazon') -Name 'ours-png' -Format 'Png'
    Add-Row $case 'GeminiImage (1 process)' $ours $null 'PNG, compression level 2'
    if ($im) {
        $c = Measure-Convert -Inputs @($some | Select-Object -Skip 1) -ImArgs (Get-ImArgs $amazon) -Folder (Join-Path $WorkPath 'out-convert-png') -Extension '.png'
        Add-Row $case 'ImageMagick convert (1 per image)' $c $null 'PNG, ImageMagick default (zlib 7)'
    }
}

# ---- report ---------------------------------------------------------------------------------------------
$cpu = try { ((Get-Content /proc/cpuinfo -ErrorAction Stop | Where-Object { $_ -like 'model name*' } | Select-Object -First 1) -split ':', 2)[1].Trim() } catch { 'unknown CPU' }
$load = try { (Get-Content /proc/loadavg -ErrorAction Stop) -split ' ' | Select-Object -First 3 } catch { @() }
$stamp = Get-Date
$lines = [System.Collections.Generic.List[string]]::new()
$lines.Add("# Resize-GeminiImage benchmark, $($stamp.ToString('yyyy-MM-dd HH:mm'))")
$lines.Add('')
$lines.Add("$Count inputs ($(Format-MB $inputBytes)) made from the real 1024x680 PNG photo in $($recording.Name): $(($distinct | ForEach-Object { [System.IO.Path]::GetFileName($_) }) -join ', '), round-robin. Each tool also resized one more file first (warm-up, not counted).")
$lines.Add("Machine: $([Environment]::ProcessorCount) logical CPUs ($cpu), $([System.Runtime.InteropServices.RuntimeInformation]::OSDescription), load average at the end $($load -join ' '); PowerShell $($PSVersionTable.PSVersion), GeminiImage $((Get-Module GeminiImage).Version)$(if ($im) { ", $($im.Version -replace '^Version: ', '' -replace ' https?://\S+', '')" }).")
$lines.Add('')
$lines.Add('| Case | Tool | Outputs | Seconds | Outputs/s | GeminiImage vs this | CPU s/output | Mean size | PSNR | Peak memory | Note |')
$lines.Add('| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |')
foreach ($r in $rows) {
    $ourRow = $rows | Where-Object { $_.Case -eq $r.Case -and $_.Tool -like 'GeminiImage*' } | Select-Object -First 1
    $lines.Add(('| {0} | {1} | {2} | {3:N1} | {4:N2} | {5} | {6} | {7} | {8} | {9} | {10} |' -f $r.Case, $r.Tool, $r.Outputs, $r.Seconds, $r.Rate,
            $(if ($r -eq $ourRow) { '' } else { '{0:N2}x' -f ($ourRow.Rate / $r.Rate) }),
            $(if ($null -ne $r.CpuPerOutput) { '{0:N3}' -f $r.CpuPerOutput } else { 'n/a' }), (Format-KB $r.MeanBytes),
            $(if ($null -ne $r.Psnr) { '{0:N2} dB' -f $r.Psnr } else { '' }),
            $(if ($null -ne $r.PeakBytes) { Format-MB $r.PeakBytes } else { 'n/a' }), $r.Note))
}
if (-not $im) { $lines.Add(''); $lines.Add('ImageMagick skipped: no native `convert` on PATH and it could not be installed with apt-get.') }
$lines.Add('')
$lines.Add('"GeminiImage vs this" = GeminiImage outputs/s divided by the tool''s (above 1: GeminiImage is faster). CPU s/output: user + system time.')
$lines.Add('PSNR: mean over the distinct photos of each tool''s JPEG against its own PNG of the same resize (the loss of the JPEG encoding at the same -quality; higher is closer).')
$lines.Add('Peak memory: GeminiImage is the whole pwsh process (runtime, module, warm-up and run, VmHWM); convert is the largest single process.')
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
