<#
.SYNOPSIS
    Benchmark of Invoke-GeminiBatch against the local emulator with real-size images, side by side with the two peers
    a user could write instead. Not a test: it prints a table and writes it to bench/results/. Run it through
    `build.ps1 -Task Bench`, or directly (short runs while developing: -Rows 200 -Sections SideBySide):

        dotnet pwsh -NoProfile -File bench/Invoke-GeminiBatch.Bench.ps1 -ModulePath output/GeminiImage

    The emulator answers every request with the same image: -ImageFile, by default the real 1024x680 PNG Google sent
    in the recorded streamed answer (../shared/fixtures/google-recordings/, 994 KB), else one image the emulator draws
    (incompressible, about 1.1 MB at 1K), served from a file the same way, so that the server does not spend CPU on
    drawing while a client is measured. It runs in this process, as the remote service; each client runs in
    a child process of its own, which reports its own wall time, CPU time (of the run, not of starting up) and peak
    working set (VmHWM). Every client (the peers too) first makes one call of its own, not counted, reported as "first
    call": start-up (code compiled, ledger created, first connection, the emulator's first answer) stays out of the
    measured run, the same for all. Ideals count whole rounds: ceil(rows / at once) x latency.

    Sections (-Sections):
      SideBySide  -Rows rows, -Throttle at once, -LatencyMs per answer: Invoke-GeminiBatch (the default: report and
                  gallery of every image, nothing decoded), Invoke-GeminiBatch -Thumbnail (JPEG previews made too), a
                  60-line Python asyncio + aiohttp script
                  (bench/peers/aiohttp_batch.py, run by Debian's python3 with python3-aiohttp, which is installed if
                  missing and possible, else skipped with a note) and ForEach-Object -Parallel + Invoke-RestMethod.
                  Targets: wall <= 1.10x ideal, CPU per image <= the aiohttp peer's, peak working set <= 200 MB.
                  -BaselineModulePath adds Invoke-GeminiBatch from another build (before/after a change).
      Memory      Peak working set of the module at -MemoryLarge rows vs -MemorySmall rows (low latency): <= 1.2x.
      FourK       -FourKRows rows of drawn 4K PNGs (gemini-3.1-flash-image -ImageSize 4K, several MB each), 16 at
                  once: peak working set <= 400 MB.
      RateLimit   120 requests per minute on the emulator and on the client: achieved rate and 429s.
      Edit        -PipelineFiles real-size PNGs piped to Edit-GeminiImage -ThrottleLimit -PipelineThrottle, -LatencyMs
                  per answer: <= 1.2x the ideal (ceil(files / throttle) x latency); and the same one at a time.
                  Each client makes one call first, not counted (start-up: code compiled, ledger opened, first
                  connection), whose time is reported as "first call".
      New         New-GeminiImage -Count -PipelineThrottle -ThrottleLimit -PipelineThrottle, and -PipelineFiles prompts
                  piped to New-GeminiImage -ThrottleLimit -PipelineThrottle: <= 1.2x the ideal each.
      Stages      Where a row's CPU and allocations go: each stage of a row (HTTP and decoding, provenance, the durable
                  save, the journal, the ledger, a -Thumbnail preview) -StageIterations times in one child process,
                  then whole rows one at a time. Not in the default set (a profile, not a target).

    Results: a markdown table with the date, the rows, the machine and its load average at the start and the end
    goes to -ResultsDir (bench/results/Invoke-GeminiBatch-<stamp>.md, and .json). On a shared machine wall-clock ratios
    follow the load; CPU time per image and peak working set much less.
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)] [string] $ModulePath,
    [string] $ResultsDir = (Join-Path $PSScriptRoot 'results'),
    [ValidateSet('SideBySide', 'Memory', 'FourK', 'RateLimit', 'Edit', 'New', 'Stages')]
    [string[]] $Sections = @('SideBySide', 'Memory', 'FourK', 'RateLimit', 'Edit', 'New'),
    [int] $Rows = 1000,
    [int] $Throttle = 16,
    [int] $LatencyMs = 500,
    [string] $ImageFile,
    [string] $RecordingsDir = (Join-Path $PSScriptRoot '../../shared/fixtures/google-recordings'),
    [int] $RateRows = 100,
    [int] $Rpm = 120,
    [int] $MemorySmall = 1000,
    [int] $MemoryLarge = 10000,
    [int] $MemoryLatencyMs = 10,
    [int] $FourKRows = 64,
    [int] $PipelineFiles = 50,
    [int] $PipelineThrottle = 8,
    [int] $StageIterations = 40,
    # Skip the peers (module rows only).
    [switch] $NoPeers,
    # SideBySide also runs Invoke-GeminiBatch from this other build (an older commit's output/GeminiImage), against
    # the same emulator in the same run: before/after figures of a change. Its default is whatever that build did.
    [string] $BaselineModulePath,
    [string] $BaselineLabel = 'baseline'
)
$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'
if ($PSVersionTable.PSVersion.Major -ge 7) { $PSStyle.OutputRendering = 'PlainText' }
$ModulePath = (Resolve-Path -LiteralPath $ModulePath).ProviderPath

$work = Join-Path ([IO.Path]::GetTempPath()) ("gemini-bench-" + [guid]::NewGuid().ToString('N').Substring(0, 8))
New-Item -ItemType Directory -Path $work -Force | Out-Null
$env:GEMINI_IMAGE_HOME = Join-Path $work 'home'   # keep the user's ledger out of it
Import-Module $ModulePath -Force
$results = [System.Collections.Generic.List[object]]::new()
$notes = [System.Collections.Generic.List[string]]::new()
function Get-Load([switch] $All) { if (Test-Path /proc/loadavg) { ((Get-Content /proc/loadavg) -split ' ')[0..$(if ($All) { 2 } else { 0 })] -join ' ' } else { '?' } }
$loadAtStart = Get-Load -All
$boundAtStart = @{} + $PSBoundParameters
$startedUtc = [datetime]::UtcNow
function Add-Result([string] $Section, [string] $Client, [double] $WallIdeal, [double] $CpuMs, [double] $PeakMB, [string] $Target, [bool] $Pass, [string] $Note = '') {
    $row = [pscustomobject]@{ Section = $Section; Client = $Client; 'Wall/ideal' = $(if ($WallIdeal) { '{0:0.00}' -f $WallIdeal } else { '' }); 'CPU/image' = $(if ($CpuMs) { '{0:0.0} ms' -f $CpuMs } else { '' }); 'Peak WS' = $(if ($PeakMB) { '{0:0} MB' -f $PeakMB } else { '' }); Target = $Target; Pass = $(if ($Pass) { 'ok' } else { 'MISSED' }); Note = $Note }
    $results.Add($row)
    Write-Host ("{0,-10} {1,-44} {2,6} {3,10} {4,8}  {5,-28} {6,-6} {7}" -f $row.Section, $row.Client, $row.'Wall/ideal', $row.'CPU/image', $row.'Peak WS', $row.Target, $row.Pass, $row.Note)
}

# The image every answer carries: a real one from Google when the recordings are at hand.
if (-not $ImageFile -and (Test-Path -LiteralPath $RecordingsDir)) {
    $recording = Get-ChildItem -LiteralPath $RecordingsDir -Filter '*ResponseModalityImage*.json' | Select-Object -First 1
    if ($recording) {
        $json = Get-Content -LiteralPath $recording.FullName -Raw | ConvertFrom-Json
        $part = $json.interactions.response.bodySegments.candidates.content.parts | Where-Object { $_.inlineData } | Select-Object -First 1
        $ImageFile = Join-Path $work ('google-' + ($part.inlineData.mimeType -replace '^image/', 'recorded.'))
        [IO.File]::WriteAllBytes($ImageFile, [Convert]::FromBase64String($part.inlineData.data))
    }
}
# Without a recording: one image the emulator draws (incompressible, about 1.1 MB at 1K), then served from a file like
# a recording, so that the server (this process, on the same cores as the clients) does not draw an image per distinct
# prompt (about 100 ms of CPU each) while the client is measured. FourK still draws its 4K images.
if (-not $ImageFile) {
    $drawing = Start-GeminiEmulator
    try {
        $env:GEMINI_BASE_URL = $drawing.BaseUri.ToString(); $env:GEMINI_API_KEY = $drawing.ApiKey
        $drawn = (New-GeminiImage 'a harbour at dawn' -Model gemini-2.5-flash-image -OutputDirectory $work).Path
    }
    finally { Stop-GeminiEmulator }
    $ImageFile = Join-Path $work 'drawn-1k.png'
    Move-Item -LiteralPath $drawn -Destination $ImageFile
}
$imageNote = if ($ImageFile) { "answers: $([IO.Path]::GetFileName($ImageFile)), $('{0:N0}' -f (Get-Item -LiteralPath $ImageFile).Length) bytes" } else { 'answers: drawn by the emulator (about 1.1 MB PNG at 1K)' }
$emu = if ($ImageFile) { Start-GeminiEmulator -ImageFile $ImageFile } else { Start-GeminiEmulator }

try {
    $exe = [Environment]::ProcessPath
    $prefix = @(if ([IO.Path]::GetFileNameWithoutExtension($exe) -eq 'dotnet') { Join-Path $PSHOME 'pwsh.dll' })
    $child = Join-Path $work 'client-child.ps1'
    @'
param([string] $ModulePath, [string] $Kind, [int] $Count, [string] $Out, [int] $Throttle, [string] $Model, [string] $ImageSize, [string] $In)
$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'
if ($Kind -ne 'Plain') { Import-Module $ModulePath }
# Sixteen distinct prompts (the emulator caches what it draws). Every row is still a separate request, response, file,
# journal line and ledger record. The rows are streamed, not held in a variable, so the peak working set is the client's own.
function Get-Rows { 1..$Count | ForEach-Object { [pscustomobject]@{ Id = "r$_"; Prompt = "bench image $($_ % 16)" } } }
$me = [Diagnostics.Process]::GetCurrentProcess()
# Every client first makes one call of its own, not counted, the same way (the Python peer too): what the first call
# of a process pays once (the code compiled, the ledger created, the first connection, and the emulator's own first
# answer) is start-up, measured on its own and reported as "first call" (issue 17 point 5 measures start-up).
$first = 0
$w = [Diagnostics.Stopwatch]::StartNew()
$warm = Join-Path ([IO.Path]::GetDirectoryName($Out)) ("warm-up-" + [IO.Path]::GetFileName($Out))
$warmExtra = @{}
if ($Kind -eq 'ModuleThumbnail') { $warmExtra.Thumbnail = $true }
if ($Model) { $warmExtra.Model = $Model }
if ($ImageSize) { $warmExtra.ImageSize = $ImageSize }
if ($Kind -eq 'Edit') { $null = Get-ChildItem -LiteralPath $In -Filter *.png | Select-Object -First 1 | Edit-GeminiImage 'warm up' -OutputDirectory $warm }
elseif ($Kind -like 'Module*') { $null = [pscustomobject]@{ Id = 'warm-up'; Prompt = 'warm up' } | Invoke-GeminiBatch -OutputDirectory $warm @warmExtra }
elseif ($Kind -eq 'Plain') {
    $body = @{ contents = @(@{ role = 'user'; parts = @(@{ text = 'warm up' }) }); generationConfig = @{ responseModalities = @('TEXT', 'IMAGE') } } | ConvertTo-Json -Depth 6
    $null = Invoke-RestMethod -MaximumRetryCount 2 -RetryIntervalSec 1 -Uri "$($env:GEMINI_BASE_URL)v1beta/models/gemini-2.5-flash-image:generateContent" -Method Post -Body $body -ContentType 'application/json' -Headers @{ 'x-goog-api-key' = $env:GEMINI_API_KEY }
}
else { $null = New-GeminiImage 'warm up' -OutputDirectory $warm }
$first = $w.Elapsed.TotalSeconds
Remove-Item -LiteralPath $warm -Recurse -Force -ErrorAction SilentlyContinue
$cpu = $me.TotalProcessorTime
$w = [Diagnostics.Stopwatch]::StartNew()
if ($Kind -like 'Module*') {
    $extra = @{}
    if ($Kind -eq 'ModuleThumbnail') { $extra.Thumbnail = $true }
    if ($Model) { $extra.Model = $Model }
    if ($ImageSize) { $extra.ImageSize = $ImageSize }
    $n = (Get-Rows | Invoke-GeminiBatch -OutputDirectory $Out -ThrottleLimit $Throttle @extra | Where-Object Status -eq Succeeded | Measure-Object).Count
}
elseif ($Kind -eq 'Edit') {
    $n = @(Get-ChildItem -LiteralPath $In -Filter *.png | Edit-GeminiImage 'make it night' -OutputDirectory $Out -ThrottleLimit $Throttle).Count
}
elseif ($Kind -eq 'NewCount') {
    $n = @(New-GeminiImage 'a lighthouse' -Count $Count -OutputDirectory $Out -ThrottleLimit $Throttle).Count
}
elseif ($Kind -eq 'NewPipeline') {
    $n = @(1..$Count | ForEach-Object { "bench image $_" } | New-GeminiImage -OutputDirectory $Out -ThrottleLimit $Throttle).Count
}
else {
    # What a user would write without the module: the same rows, throttle and endpoint.
    New-Item -ItemType Directory -Path $Out -Force | Out-Null
    $uri = "$($env:GEMINI_BASE_URL)v1beta/models/gemini-2.5-flash-image:generateContent"
    $key = $env:GEMINI_API_KEY
    $n = (Get-Rows | ForEach-Object -ThrottleLimit $Throttle -Parallel {
        $body = @{ contents = @(@{ role = 'user'; parts = @(@{ text = $_.Prompt }) }); generationConfig = @{ responseModalities = @('TEXT', 'IMAGE') } } | ConvertTo-Json -Depth 6
        $r = Invoke-RestMethod -MaximumRetryCount 2 -RetryIntervalSec 1 -Uri $using:uri -Method Post -Body $body -ContentType 'application/json' -Headers @{ 'x-goog-api-key' = $using:key }
        $part = $r.candidates[0].content.parts | Where-Object { $_.inlineData } | Select-Object -First 1
        [IO.File]::WriteAllBytes((Join-Path $using:Out "$($_.Id).png"), [Convert]::FromBase64String($part.inlineData.data))
        1
    } | Measure-Object).Count
}
$seconds = $w.Elapsed.TotalSeconds
$me.Refresh()
$cpuSeconds = ($me.TotalProcessorTime - $cpu).TotalSeconds
"$n;$($me.PeakWorkingSet64);$seconds;$cpuSeconds;$first"
'@ | Set-Content -LiteralPath $child
    $env:GEMINI_BASE_URL = $emu.BaseUri.ToString(); $env:GEMINI_API_KEY = $emu.ApiKey

    $python = '/usr/bin/python3'
    function Test-Aiohttp { (Test-Path $python) -and $(& $python -c 'import aiohttp' 2>$null; $LASTEXITCODE -eq 0) }
    function Initialize-Aiohttp {
        if (Test-Aiohttp) { return $true }
        if ((Get-Command apt-get -ErrorAction SilentlyContinue) -and (& id -u) -eq '0') {
            Write-Host 'Installing python3-aiohttp (Debian) for the Python peer...'
            & apt-get update -qq *> $null
            $env:DEBIAN_FRONTEND = 'noninteractive'
            & apt-get install -y -qq python3-aiohttp *> $null
        }
        Test-Aiohttp
    }

    # One client run in a child process: wall and CPU seconds of the run, peak working set, and the load around it.
    function Invoke-Client([string] $Kind, [int] $Count, [string] $Model, [string] $ImageSize, [string] $In, [int] $ClientThrottle = $Throttle, [string] $Module = $ModulePath) {
        $emu.Reset()
        $out = Join-Path $work "$Kind-$Count-$ClientThrottle"
        $load = Get-Load
        if ($Kind -eq 'Python') {
            $rowsFile = Join-Path $work "rows-$Count.tsv"
            [IO.File]::WriteAllLines($rowsFile, [string[]](1..$Count | ForEach-Object { "r$_`tbench image $($_ % 16)" }))
            $line = & $python (Join-Path $PSScriptRoot 'peers/aiohttp_batch.py') $rowsFile $out $Throttle 'gemini-2.5-flash-image' | Select-Object -Last 1
        }
        else {
            $line = & $exe @prefix -NoProfile -NonInteractive -File $child -ModulePath $Module -Kind $Kind -Count $Count -Out $out -Throttle $ClientThrottle -Model $Model -ImageSize $ImageSize -In $In | Select-Object -Last 1
        }
        Remove-Item -LiteralPath $out -Recurse -Force -ErrorAction SilentlyContinue
        $n, $peak, $secs, $cpu, $first = "$line" -split ';'
        # A peer that loses rows (e.g. a connection reset under load) is reported, not fatal; the module must finish them all.
        if ("$n" -notmatch '^\d+$' -or [int]$n -ne $Count) {
            if ($Kind -ne 'Python' -and $Kind -ne 'Plain') { throw "$Kind run of $Count rows completed $n rows ($line)" }
            $notes.Add("$Kind completed $n of $Count rows ($line).")
            return [pscustomobject]@{ Seconds = 0; PeakMB = 0; CpuMsPerImage = 0; Load = "load $load->$(Get-Load); FAILED"; Note = "load $load->$(Get-Load); FAILED" }
        }
        [pscustomobject]@{ Seconds = [double]$secs; PeakMB = [long]$peak / 1MB; CpuMsPerImage = [double]$cpu * 1000 / $Count; Load = "load $load->$(Get-Load)"; FirstCall = [double]"0$first"
            Note = 'first call (not counted) {0:0.00} s; load {1}->{2}' -f [double]"0$first", $load, (Get-Load) }
    }

    if ('SideBySide' -in $Sections) {
        $emu.Latency = [timespan]::FromMilliseconds($LatencyMs)
        # Whole rounds, as the issue states it (1,000 rows, 16 at once: 63 rounds of 500 ms, 31.5 s) and as the pipeline
        # sections count: the last round takes its full latency however few rows it holds.
        $ideal = [math]::Ceiling($Rows / $Throttle) * $LatencyMs / 1000
        Write-Host "Side by side: $Rows rows, $Throttle at once, $LatencyMs ms per answer (ideal $ideal s); $imageNote"
        $module = Invoke-Client Module $Rows
        $peerCpu = $null
        $python = if (-not $NoPeers -and (Initialize-Aiohttp)) { $python } else { $null }
        if ($python) { $py = Invoke-Client Python $Rows; $peerCpu = $py.CpuMsPerImage }
        elseif (-not $NoPeers) { $notes.Add('The Python peer was skipped: python3-aiohttp is not installed and could not be (needs apt-get as root).') }
        $ratio = $module.Seconds / $ideal
        $cpuOk = $null -eq $peerCpu -or $module.CpuMsPerImage -le $peerCpu
        Add-Result 'SideBySide' 'Invoke-GeminiBatch (report, gallery)' $ratio $module.CpuMsPerImage $module.PeakMB '<=1.10x, CPU<=aiohttp, <=200MB' ($ratio -le 1.10 -and $cpuOk -and $module.PeakMB -le 200) $module.Note
        $thumb = Invoke-Client ModuleThumbnail $Rows
        Add-Result 'SideBySide' 'Invoke-GeminiBatch -Thumbnail (previews)' ($thumb.Seconds / $ideal) $thumb.CpuMsPerImage $thumb.PeakMB 'reference' $true $thumb.Note
        if ($BaselineModulePath) {
            $base = Invoke-Client Module $Rows -Module (Resolve-Path -LiteralPath $BaselineModulePath).ProviderPath
            Add-Result 'SideBySide' "Invoke-GeminiBatch at $BaselineLabel (its default)" ($base.Seconds / $ideal) $base.CpuMsPerImage $base.PeakMB 'before/after' $true $base.Note
        }
        if ($python) { Add-Result 'SideBySide' 'Python asyncio + aiohttp (60 lines)' ($py.Seconds / $ideal) $py.CpuMsPerImage $py.PeakMB 'peer' $true $py.Note }
        if (-not $NoPeers) {
            $plain = Invoke-Client Plain $Rows
            Add-Result 'SideBySide' 'ForEach-Object -Parallel + Invoke-RestMethod' ($plain.Seconds / $ideal) $plain.CpuMsPerImage $plain.PeakMB 'peer' $true $plain.Note
        }
    }

    if ('Memory' -in $Sections) {
        $emu.Latency = [timespan]::FromMilliseconds($MemoryLatencyMs)
        $peaks = @{}
        foreach ($count in $MemorySmall, $MemoryLarge) {
            $m = Invoke-Client Module $count
            $peaks[$count] = $m.PeakMB
            Add-Result 'Memory' "Invoke-GeminiBatch $count rows, ${MemoryLatencyMs} ms" 0 $m.CpuMsPerImage $m.PeakMB 'reference' $true ('{0:0.0} s; {1}' -f $m.Seconds, $m.Load)
        }
        $memRatio = $peaks[$MemoryLarge] / $peaks[$MemorySmall]
        Add-Result 'Memory' "Peak $MemoryLarge / $MemorySmall rows = $('{0:0.00}x' -f $memRatio)" 0 0 0 '<= 1.20x' ($memRatio -le 1.20)
    }

    if ('FourK' -in $Sections) {
        # Drawn 4K answers (several MB each), whatever -ImageFile says.
        $emu.ImageFile = [NullString]::Value   # $null would arrive as ""
        $emu.Latency = [timespan]::FromMilliseconds($LatencyMs)
        $k = Invoke-Client Module $FourKRows 'gemini-3.1-flash-image' '4K'
        $ideal4k = [math]::Ceiling($FourKRows / $Throttle) * $LatencyMs / 1000
        Add-Result 'FourK' "Invoke-GeminiBatch $FourKRows rows of 4K PNG" ($k.Seconds / $ideal4k) $k.CpuMsPerImage $k.PeakMB '<= 400 MB' ($k.PeakMB -le 400) $k.Note
        if ($ImageFile) { $emu.ImageFile = $ImageFile }
    }

    # Pipelines with -ThrottleLimit (issue 17 point 4): each variant against its ideal, ceil(items / throttle) x latency.
    function Add-PipelineResult([string] $Section, [string] $Client, [object] $Run, [int] $Items, [int] $Limit) {
        $idealP = [math]::Ceiling($Items / $Limit) * $LatencyMs / 1000
        $ratioP = $Run.Seconds / $idealP
        Add-Result $Section $Client $ratioP $Run.CpuMsPerImage $Run.PeakMB $(if ($Limit -gt 1) { '<= 1.20x ideal' } else { 'reference' }) ($Limit -eq 1 -or $ratioP -le 1.20) ('{0:0.00} s, ideal {1:0.00} s; first call of the process (one item, not counted) {2:0.00} s; {3}' -f $Run.Seconds, $idealP, $Run.FirstCall, $Run.Load)
    }

    if ('Edit' -in $Sections) {
        $emu.Latency = [timespan]::FromMilliseconds($LatencyMs)
        $in = Join-Path $work 'edit-in'
        New-Item -ItemType Directory -Path $in -Force | Out-Null
        # Real-size inputs: the answer image itself (the recorded one, or one the emulator draws).
        1..$PipelineFiles | ForEach-Object { Copy-Item -LiteralPath $ImageFile -Destination (Join-Path $in ('photo{0:000}.png' -f $_)) }
        foreach ($limit in $PipelineThrottle, 1) {
            $e = Invoke-Client Edit $PipelineFiles -In $in -ClientThrottle $limit
            Add-PipelineResult 'Edit' "$PipelineFiles piped files | Edit-GeminiImage -ThrottleLimit $limit" $e $PipelineFiles $limit
        }
    }

    if ('New' -in $Sections) {
        $emu.Latency = [timespan]::FromMilliseconds($LatencyMs)
        $c = Invoke-Client NewCount ($PipelineThrottle * 2) -ClientThrottle $PipelineThrottle
        Add-PipelineResult 'New' "New-GeminiImage -Count $($PipelineThrottle * 2) -ThrottleLimit $PipelineThrottle" $c ($PipelineThrottle * 2) $PipelineThrottle
        $p = Invoke-Client NewPipeline $PipelineFiles -ClientThrottle $PipelineThrottle
        Add-PipelineResult 'New' "$PipelineFiles prompts | New-GeminiImage -ThrottleLimit $PipelineThrottle" $p $PipelineFiles $PipelineThrottle
    }

    if ('Stages' -in $Sections) {
        $emu.Latency = [timespan]::Zero
        $stagesChild = Join-Path $work 'stages-child.ps1'
        @'
param([string] $ModulePath, [string] $Out, [int] $N)
$ErrorActionPreference = 'Stop'; $ProgressPreference = 'SilentlyContinue'
Import-Module $ModulePath
New-Item -ItemType Directory -Path $Out -Force | Out-Null
# The engine lives in the module's own load context: its types are reached through the loaded assembly.
$null = Get-GeminiUsage
$asm = [AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { $_.GetName().Name -eq 'GeminiImage.Engine' } | Select-Object -First 1
function T([string] $Name) { $asm.GetType("GeminiImage.Engine.$Name", $true) }
$me = [Diagnostics.Process]::GetCurrentProcess()
# CPU and wall time and bytes allocated per call of $Body (after one warm-up call), as "name;cpu ms;wall ms;KB".
function Measure-Stage([string] $Name, [int] $Times, [scriptblock] $Body) {
    & $Body 0
    [GC]::Collect()
    $me.Refresh(); $cpu = $me.TotalProcessorTime; $alloc = [GC]::GetTotalAllocatedBytes($true); $w = [Diagnostics.Stopwatch]::StartNew()
    for ($i = 1; $i -le $Times; $i++) { & $Body $i }
    $wall = $w.Elapsed.TotalMilliseconds / $Times
    $me.Refresh()
    '{0};{1:0.00};{2:0.00};{3:0}' -f $Name, (($me.TotalProcessorTime - $cpu).TotalMilliseconds / $Times), $wall, (([GC]::GetTotalAllocatedBytes($true) - $alloc) / $Times / 1KB)
}
$options = (T Api.GeminiClientOptions)::new(); $options.BaseUri = [uri]$env:GEMINI_BASE_URL; $options.ApiKey = $env:GEMINI_API_KEY
$client = (T Api.GeminiClient)::new($options, $null)
$request = (T Api.GenerateContentRequest)::new()
$content = (T Api.Content)::new(); $content.Role = 'user'
$content.Parts = [Activator]::CreateInstance([Collections.Generic.List`1].MakeGenericType((T Api.Part)))
$content.Parts.Add((T Api.Part)::FromText('bench image 1')); $request.Contents.Add($content)
$script:answer = $null
Measure-Stage 'HTTP, JSON and base64 (GeminiClient.GenerateContentAsync)' $N { $script:answer = $client.GenerateContentAsync('gemini-2.5-flash-image', $request, [Threading.CancellationToken]::None).GetAwaiter().GetResult() }
$image = $script:answer.Images[0]
$provenance = (T Imaging.ImageProvenance)::new(); $provenance.Prompt = 'bench image 1'; $provenance.Model = 'gemini-2.5-flash-image'; $provenance.CreatedUtc = [datetime]::UtcNow
Measure-Stage 'Provenance: chunks read and checked (ProvenanceWriter.Prepare)' $N { $null = (T Imaging.ProvenanceWriter)::Prepare($image.Data, $image.MimeType, $provenance) }
$write = (T Imaging.ProvenanceWriter)::Prepare($image.Data, $image.MimeType, $provenance)
Measure-Stage 'Durable save with provenance (WriteAtomic, one fsync)' $N { param($i) $null = (T Generation.OutputWriter)::WriteAtomic((Join-Path $Out "d$i.png"), $write, $true, $true) }
Measure-Stage 'The same save without fsync' $N { param($i) $null = (T Generation.OutputWriter)::WriteAtomic((Join-Path $Out "n$i.png"), $write, $true, $false) }
Measure-Stage 'JPEG preview (-Thumbnail)' ([math]::Max(1, [int]($N / 4))) { param($i) $null = (T Batch.BatchThumbnails)::TryCreate((Join-Path $Out 'd1.png'), $Out, "t$i") }
$journal = (T Batch.BatchJournal)::Open((Join-Path $Out 'journal'))
$row = (T Batch.BatchRowResult)::new(); $row.Id = 'r'; $row.Prompt = 'bench image 1'; $row.Path = (Join-Path $Out 'd1.png')
Measure-Stage 'Journal line (one fsync when alone)' $N { $journal.Append($row) }
$journal.Dispose()
$ledger = (T Ledger.UsageLedger)::new($null)
$record = { $r = (T Ledger.UsageRecord)::new(); $r.Model = 'gemini-2.5-flash-image'; $r.CostUsd = 0.039; $r.Cmdlet = 'bench'; $null = $ledger.Append($r) }
Measure-Stage 'Ledger record, file opened per record' $N $record
$held = $ledger.KeepOpen()
Measure-Stage 'Ledger record, held open (as in a batch)' $N $record
$held.Dispose()
$rows = 1..$N | ForEach-Object { [pscustomobject]@{ Id = "w$_"; Prompt = "bench image $($_ % 16)" } }
$me.Refresh(); $cpu = $me.TotalProcessorTime; $alloc = [GC]::GetTotalAllocatedBytes($true); $w = [Diagnostics.Stopwatch]::StartNew()
$null = $rows | Invoke-GeminiBatch -OutputDirectory (Join-Path $Out 'batch') -ThrottleLimit 1
$me.Refresh()
'{0};{1:0.00};{2:0.00};{3:0}' -f "Whole rows: Invoke-GeminiBatch -ThrottleLimit 1, $N rows (per row)", (($me.TotalProcessorTime - $cpu).TotalMilliseconds / $N), ($w.Elapsed.TotalMilliseconds / $N), (([GC]::GetTotalAllocatedBytes($true) - $alloc) / $N / 1KB)
'@ | Set-Content -LiteralPath $stagesChild
        $emu.Reset()
        $load = Get-Load
        $lines = & $exe @prefix -NoProfile -NonInteractive -File $stagesChild -ModulePath $ModulePath -Out (Join-Path $work 'stages') -N $StageIterations
        foreach ($line in @($lines | Where-Object { "$_" -match ';' })) {
            $name, $cpuMs, $wallMs, $kb = "$line" -split ';'
            Add-Result 'Stages' $name 0 ([double]$cpuMs) 0 'profile' $true ('wall {0} ms; {1} KB allocated' -f $wallMs, $kb)
        }
        $notes.Add("Stages: one child process, $StageIterations calls per stage, answers with no latency; load $load->$(Get-Load).")
    }

    if ('RateLimit' -in $Sections) {
        $emu.Reset(); $emu.Latency = [timespan]::FromMilliseconds($LatencyMs); $emu.RequestsPerMinuteLimit = $Rpm
        Set-GeminiConfig -RequestsPerMinute $Rpm
        $errs = $null
        $rate = 1..$RateRows | ForEach-Object { [pscustomobject]@{ Id = "q$_"; Prompt = "bench image q $($_ % 16)" } } |
            Invoke-GeminiBatch -OutputDirectory (Join-Path $work 'rate') -ThrottleLimit $Throttle -ErrorVariable errs -ErrorAction SilentlyContinue
        Set-GeminiConfig -RequestsPerMinute 0
        $emu.RequestsPerMinuteLimit = 0
        $gen = @($emu.Requests | Where-Object { $_.Path -like '*:generateContent' -and $_.StatusCode -eq 200 } | Sort-Object Time)
        $achieved = ($gen.Count - 1) / ($gen[-1].Time - $gen[0].Time).TotalMinutes
        $serverSide429 = @($emu.Requests | Where-Object StatusCode -eq 429).Count
        $user429 = @($errs | Where-Object { "$($_.FullyQualifiedErrorId)" -like 'GeminiImage.RateLimited*' }).Count + @($rate | Where-Object ErrorId -like '*RateLimited*').Count
        Add-Result 'RateLimit' "$Rpm rpm (emulator and client), $RateRows rows" 0 0 0 '>= 95%, no 429 to user' (($achieved / $Rpm) -ge 0.95 -and $user429 -eq 0 -and @($rate | Where-Object Status -eq Succeeded).Count -eq $RateRows) ('{0:0.0} rpm = {1:0.0}%; 429: {2} at server, {3} to user' -f $achieved, ($achieved / $Rpm * 100), $serverSide429, $user429)
    }
}
finally {
    Stop-GeminiEmulator
    Remove-Item Env:GEMINI_BASE_URL, Env:GEMINI_API_KEY -ErrorAction SilentlyContinue
    Remove-Item -LiteralPath $work -Recurse -Force -ErrorAction SilentlyContinue
}

New-Item -ItemType Directory -Path $ResultsDir -Force | Out-Null
$stamp = Get-Date -Format 'yyyyMMdd-HHmmss'
$loadAtEnd = Get-Load -All
# Markdown: what ran, where, and how busy the machine was, then one table row per measurement.
$cell = { param($v) "$v" -replace '\|', '/' }
$md = [System.Collections.Generic.List[string]]::new()
$md.Add("# Invoke-GeminiBatch benchmark $stamp")
$md.Add('')
$md.Add("- Date (UTC): $($startedUtc.ToString('yyyy-MM-dd HH:mm:ss')) to $([datetime]::UtcNow.ToString('HH:mm:ss'))")
$md.Add("- Machine: $([Environment]::MachineName), $([Environment]::ProcessorCount) cores, PowerShell $($PSVersionTable.PSVersion), $([Runtime.InteropServices.RuntimeInformation]::OSDescription)")
$md.Add("- Load average (1/5/15 min): $loadAtStart at the start, $loadAtEnd at the end; per run in Note (1 min, before->after)")
$md.Add("- Sections: $($Sections -join ', '); SideBySide $Rows rows, $Throttle at once, $LatencyMs ms per answer; Memory $MemorySmall vs $MemoryLarge rows at $MemoryLatencyMs ms; FourK $FourKRows rows; Edit/New $PipelineFiles items at -ThrottleLimit $PipelineThrottle")
$md.Add("- Images: $imageNote")
$md.Add('- CPU/image: CPU time of the client''s run (not its start-up) / rows. Peak WS: the client process''s peak working set (VmHWM).')
$md.Add('- Parameters: `' + (($boundAtStart.GetEnumerator() | Sort-Object Key | ForEach-Object { "-$($_.Key) $($_.Value -join ',')" }) -join ' ') + '`')
$md.Add('')
$md.Add('| Section | Client | Wall/ideal | CPU/image | Peak WS | Target | Pass | Note |')
$md.Add('|---|---|---|---|---|---|---|---|')
foreach ($r in $results) { $md.Add('| ' + (($r.Section, $r.Client, $r.'Wall/ideal', $r.'CPU/image', $r.'Peak WS', $r.Target, $r.Pass, $r.Note | ForEach-Object { & $cell $_ }) -join ' | ') + ' |') }
if ($notes.Count) { $md.Add(''); foreach ($n in $notes) { $md.Add("- $n") } }
$text = $md -join "`n"
Set-Content -LiteralPath (Join-Path $ResultsDir "Invoke-GeminiBatch-$stamp.md") -Value $text
$results | ConvertTo-Json | Set-Content -LiteralPath (Join-Path $ResultsDir "Invoke-GeminiBatch-$stamp.json")
Write-Host $text
if ($results | Where-Object Pass -ne 'ok') { exit 2 }
