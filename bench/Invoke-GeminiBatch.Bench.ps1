<#
.SYNOPSIS
    Benchmark of Invoke-GeminiBatch against the local emulator (issue 4). Not a test: it prints a table
    and writes it to bench/results/. Run it through `build.ps1 -Task Bench`.

    1. Throughput: 1,000 rows, -ThrottleLimit 16, 500 ms emulator latency, against the ideal rows / throttle x latency.
    2. Rate limit: 120 requests per minute on the emulator and on the client: achieved rate and 429s.
    3. Memory: peak working set of a child process running 10,000 rows vs 1,000 rows (low latency).
    4. The plain-PowerShell batch (ForEach-Object -Parallel over Invoke-RestMethod, same throttle and latency).
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)] [string] $ModulePath,
    [Parameter(Mandatory)] [string] $ResultsDir,
    [int] $Rows = 1000,
    [int] $Throttle = 16,
    [int] $LatencyMs = 500,
    [int] $RateRows = 100,
    [int] $Rpm = 120,
    [int] $MemorySmall = 1000,
    [int] $MemoryLarge = 10000,
    [int] $MemoryLatencyMs = 10
)
$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'
if ($PSVersionTable.PSVersion.Major -ge 7) { $PSStyle.OutputRendering = 'PlainText' }

$work = Join-Path ([IO.Path]::GetTempPath()) ("gemini-bench-" + [guid]::NewGuid().ToString('N').Substring(0, 8))
New-Item -ItemType Directory -Path $work -Force | Out-Null
$env:GEMINI_IMAGE_HOME = Join-Path $work 'home'   # keep the user's ledger out of it
Import-Module $ModulePath -Force
$emu = Start-GeminiEmulator
$results = [System.Collections.Generic.List[object]]::new()
function Add-Result([string] $Measure, [string] $Value, [string] $Target, [bool] $Pass) {
    $results.Add([pscustomobject]@{ Measure = $Measure; Value = $Value; Target = $Target; Pass = $Pass })
    Write-Host ("{0,-48} {1,-34} {2,-22} {3}" -f $Measure, $Value, $Target, $(if ($Pass) { 'ok' } else { 'MISSED' }))
}
# Sixteen distinct prompts: the emulator caches the images it draws (up to 32), so its own PNG rendering does not
# compete with the client for the CPU. Every row is still a separate request, response, file and ledger record.
function New-Rows([int] $Count, [string] $Prefix) { 1..$Count | ForEach-Object { [pscustomobject]@{ Id = "$Prefix$_"; Prompt = "bench image $Prefix $($_ % 16)" } } }

try {
    # ---- 1. throughput
    $emu.Reset(); $emu.Latency = [timespan]::FromMilliseconds($LatencyMs)
    $rowsIn = New-Rows $Rows 't'
    $out = Join-Path $work 'throughput'
    $watch = [Diagnostics.Stopwatch]::StartNew()
    $done = $rowsIn | Invoke-GeminiBatch -OutputDirectory $out -ThrottleLimit $Throttle | Measure-Object
    $watch.Stop()
    $ideal = $Rows / $Throttle * $LatencyMs / 1000
    $ratio = $watch.Elapsed.TotalSeconds / $ideal
    Add-Result "Invoke-GeminiBatch $Rows rows, throttle $Throttle, ${LatencyMs} ms" ('{0:0.00} s (ideal {1:0.00} s) = {2:0.000}x' -f $watch.Elapsed.TotalSeconds, $ideal, $ratio) '<= 1.10x ideal' ($ratio -le 1.10 -and $done.Count -eq $Rows)
    $moduleSeconds = $watch.Elapsed.TotalSeconds

    # ---- 4. plain PowerShell, same emulator, throttle and latency
    $emu.Reset()
    $plainOut = Join-Path $work 'plain'
    New-Item -ItemType Directory -Path $plainOut -Force | Out-Null
    $uri = "$($emu.BaseUri)v1beta/models/gemini-2.5-flash-image:generateContent"
    $key = $emu.ApiKey
    $watch = [Diagnostics.Stopwatch]::StartNew()
    $rowsIn | ForEach-Object -ThrottleLimit $Throttle -Parallel {
        $body = @{ contents = @(@{ role = 'user'; parts = @(@{ text = $_.Prompt }) }); generationConfig = @{ responseModalities = @('TEXT', 'IMAGE') } } | ConvertTo-Json -Depth 6
        $r = Invoke-RestMethod -Uri $using:uri -Method Post -Body $body -ContentType 'application/json' -Headers @{ 'x-goog-api-key' = $using:key }
        $part = $r.candidates[0].content.parts | Where-Object { $_.inlineData } | Select-Object -First 1
        [IO.File]::WriteAllBytes((Join-Path $using:plainOut "$($_.Id).png"), [Convert]::FromBase64String($part.inlineData.data))
    }
    $watch.Stop()
    $plainSeconds = $watch.Elapsed.TotalSeconds
    Add-Result "ForEach-Object -Parallel + Invoke-RestMethod" ('{0:0.00} s; module/plain = {1:0.00}' -f $plainSeconds, ($moduleSeconds / $plainSeconds)) 'side by side' $true

    # ---- 2. rate limit on both sides
    $emu.Reset(); $emu.Latency = [timespan]::FromMilliseconds($LatencyMs); $emu.RequestsPerMinuteLimit = $Rpm
    Set-GeminiConfig -RequestsPerMinute $Rpm
    $errs = $null
    $rate = New-Rows $RateRows 'q' | Invoke-GeminiBatch -OutputDirectory (Join-Path $work 'rate') -ThrottleLimit $Throttle -ErrorVariable errs -ErrorAction SilentlyContinue
    Set-GeminiConfig -RequestsPerMinute 0
    $emu.RequestsPerMinuteLimit = 0
    $gen = @($emu.Requests | Where-Object { $_.Path -like '*:generateContent' -and $_.StatusCode -eq 200 } | Sort-Object Time)
    $span = ($gen[-1].Time - $gen[0].Time).TotalMinutes
    $achieved = ($gen.Count - 1) / $span
    $serverSide429 = @($emu.Requests | Where-Object StatusCode -eq 429).Count
    $user429 = @($errs | Where-Object { "$($_.FullyQualifiedErrorId)" -like 'GeminiImage.RateLimited*' }).Count + @($rate | Where-Object ErrorId -like '*RateLimited*').Count
    Add-Result "Rate limit $Rpm rpm (emulator and client), $RateRows rows" ('{0:0.0} rpm = {1:0.0}%; 429: {2} at server, {3} to user' -f $achieved, ($achieved / $Rpm * 100), $serverSide429, $user429) '>= 95%, no 429 to user' (($achieved / $Rpm) -ge 0.95 -and $user429 -eq 0 -and @($rate | Where-Object Status -eq Succeeded).Count -eq $RateRows)

    # ---- 3. memory: each size in its own child process (peak working set is per process)
    $emu.Reset(); $emu.Latency = [timespan]::FromMilliseconds($MemoryLatencyMs)
    $exe = (Get-Process -Id $PID).Path
    $prefix = @(if ([IO.Path]::GetFileNameWithoutExtension($exe) -eq 'dotnet') { [Environment]::GetCommandLineArgs()[0] })
    $child = Join-Path $work 'memory-child.ps1'
    @'
param([string] $ModulePath, [int] $Count, [string] $Out, [int] $Throttle)
$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'
Import-Module $ModulePath
$w = [Diagnostics.Stopwatch]::StartNew()
$n = (1..$Count | ForEach-Object { [pscustomobject]@{ Id = "m$_"; Prompt = "memory image $($_ % 16)" } } | Invoke-GeminiBatch -OutputDirectory $Out -ThrottleLimit $Throttle | Measure-Object).Count
[GC]::Collect()
$p = Get-Process -Id $PID
"$n;$($p.PeakWorkingSet64);$($w.Elapsed.TotalSeconds)"
'@ | Set-Content -LiteralPath $child
    $env:GEMINI_BASE_URL = $emu.BaseUri.ToString(); $env:GEMINI_API_KEY = $emu.ApiKey
    $peaks = @{}
    foreach ($count in $MemorySmall, $MemoryLarge) {
        $emu.Reset()
        $line = & $exe @prefix -NoProfile -NonInteractive -File $child -ModulePath $ModulePath -Count $count -Out (Join-Path $work "memory-$count") -Throttle $Throttle | Select-Object -Last 1
        $n, $peak, $secs = $line -split ';'
        if ([int]$n -ne $count) { throw "memory run of $count rows returned $n results" }
        $peaks[$count] = [long]$peak
        Add-Result "Peak working set, $count rows (${MemoryLatencyMs} ms)" ('{0:0} MB in {1:0.0} s' -f ($peak / 1MB), [double]$secs) 'reference' $true
        Remove-Item -LiteralPath (Join-Path $work "memory-$count") -Recurse -Force -ErrorAction SilentlyContinue
    }
    $memRatio = $peaks[$MemoryLarge] / $peaks[$MemorySmall]
    Add-Result "Peak working set $MemoryLarge / $MemorySmall rows" ('{0:0.00}x' -f $memRatio) '<= 1.20x' ($memRatio -le 1.20)
}
finally {
    Stop-GeminiEmulator
    Remove-Item Env:GEMINI_BASE_URL, Env:GEMINI_API_KEY -ErrorAction SilentlyContinue
    Remove-Item -LiteralPath $work -Recurse -Force -ErrorAction SilentlyContinue
}

New-Item -ItemType Directory -Path $ResultsDir -Force | Out-Null
$stamp = Get-Date -Format 'yyyyMMdd-HHmmss'
$table = $results | Format-Table -AutoSize | Out-String -Width 200
$load = if (Test-Path /proc/loadavg) { " load average at the end: $((Get-Content /proc/loadavg) -replace ' \d+/.*$', '')" } else { '' }
$header = "Invoke-GeminiBatch benchmark $stamp on $([Environment]::MachineName) ($([Environment]::ProcessorCount) cores, PowerShell $($PSVersionTable.PSVersion));$load"
Set-Content -LiteralPath (Join-Path $ResultsDir "Invoke-GeminiBatch-$stamp.txt") -Value ($header + "`n" + $table)
$results | ConvertTo-Json | Set-Content -LiteralPath (Join-Path $ResultsDir "Invoke-GeminiBatch-$stamp.json")
Write-Host $header
Write-Host $table
if ($results | Where-Object { -not $_.Pass }) { exit 2 }
