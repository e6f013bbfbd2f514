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
    [string] $ResultsDir = (Join-Path $PSScriptRoot 'results'),
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
# (see the child script below for why the prompts repeat)
function New-Rows([int] $Count, [string] $Prefix) { 1..$Count | ForEach-Object { [pscustomobject]@{ Id = "$Prefix$_"; Prompt = "bench image $Prefix $($_ % 16)" } } }

try {
    # The emulator stands in for a remote service: it stays in this process, and each client under test runs in a
    # child process of its own (its own CPU time, garbage collector and peak working set).
    $exe = (Get-Process -Id $PID).Path
    $prefix = @(if ([IO.Path]::GetFileNameWithoutExtension($exe) -eq 'dotnet') { [Environment]::GetCommandLineArgs()[0] })
    $child = Join-Path $work 'client-child.ps1'
    @'
param([string] $ModulePath, [string] $Kind, [int] $Count, [string] $Out, [int] $Throttle)
$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'
Import-Module $ModulePath
# Sixteen distinct prompts: the emulator caches the images it draws (up to 32), so its PNG rendering does not compete
# with the client for the CPU. Every row is still a separate request, response, file, journal line and ledger record.
# The rows are streamed, not held in a variable, so the peak working set is the client's own.
function Get-Rows { 1..$Count | ForEach-Object { [pscustomobject]@{ Id = "r$_"; Prompt = "bench image $($_ % 16)" } } }
$w = [Diagnostics.Stopwatch]::StartNew()
if ($Kind -eq 'Module') {
    $n = (Get-Rows | Invoke-GeminiBatch -OutputDirectory $Out -ThrottleLimit $Throttle | Where-Object Status -eq Succeeded | Measure-Object).Count
}
else {
    # What a user would write without the module: the same rows, throttle and endpoint.
    New-Item -ItemType Directory -Path $Out -Force | Out-Null
    $uri = "$($env:GEMINI_BASE_URL)v1beta/models/gemini-2.5-flash-image:generateContent"
    $key = $env:GEMINI_API_KEY
    $n = (Get-Rows | ForEach-Object -ThrottleLimit $Throttle -Parallel {
        $body = @{ contents = @(@{ role = 'user'; parts = @(@{ text = $_.Prompt }) }); generationConfig = @{ responseModalities = @('TEXT', 'IMAGE') } } | ConvertTo-Json -Depth 6
        $r = Invoke-RestMethod -Uri $using:uri -Method Post -Body $body -ContentType 'application/json' -Headers @{ 'x-goog-api-key' = $using:key }
        $part = $r.candidates[0].content.parts | Where-Object { $_.inlineData } | Select-Object -First 1
        [IO.File]::WriteAllBytes((Join-Path $using:Out "$($_.Id).png"), [Convert]::FromBase64String($part.inlineData.data))
        1
    } | Measure-Object).Count
}
$seconds = $w.Elapsed.TotalSeconds
[GC]::Collect()
"$n;$((Get-Process -Id $PID).PeakWorkingSet64);$seconds"
'@ | Set-Content -LiteralPath $child
    $env:GEMINI_BASE_URL = $emu.BaseUri.ToString(); $env:GEMINI_API_KEY = $emu.ApiKey
    function Invoke-Client([string] $Kind, [int] $Count) {
        $emu.Reset()
        $out = Join-Path $work "$Kind-$Count"
        $line = & $exe @prefix -NoProfile -NonInteractive -File $child -ModulePath $ModulePath -Kind $Kind -Count $Count -Out $out -Throttle $Throttle | Select-Object -Last 1
        Remove-Item -LiteralPath $out -Recurse -Force -ErrorAction SilentlyContinue
        $n, $peak, $secs = "$line" -split ';'
        if ([int]$n -ne $Count) { throw "$Kind run of $Count rows completed $n rows ($line)" }
        [pscustomobject]@{ Seconds = [double]$secs; Peak = [long]$peak }
    }

    # ---- 1. throughput
    $emu.Latency = [timespan]::FromMilliseconds($LatencyMs)
    $module = Invoke-Client Module $Rows
    $ideal = $Rows / $Throttle * $LatencyMs / 1000
    $ratio = $module.Seconds / $ideal
    Add-Result "Invoke-GeminiBatch $Rows rows, throttle $Throttle, ${LatencyMs} ms" ('{0:0.00} s (ideal {1:0.00} s) = {2:0.000}x' -f $module.Seconds, $ideal, $ratio) '<= 1.10x ideal' ($ratio -le 1.10)

    # ---- 4. plain PowerShell, same emulator, rows, throttle and latency
    $plain = Invoke-Client Plain $Rows
    Add-Result "ForEach-Object -Parallel + Invoke-RestMethod" ('{0:0.00} s ({1:0.000}x ideal); module/plain = {2:0.00}' -f $plain.Seconds, ($plain.Seconds / $ideal), ($module.Seconds / $plain.Seconds)) 'side by side' $true

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

    # ---- 3. memory: peak working set of the client process, 10,000 vs 1,000 rows at low latency
    $emu.Latency = [timespan]::FromMilliseconds($MemoryLatencyMs)
    $peaks = @{}
    foreach ($count in $MemorySmall, $MemoryLarge) {
        $m = Invoke-Client Module $count
        $peaks[$count] = $m.Peak
        Add-Result "Peak working set, $count rows (${MemoryLatencyMs} ms)" ('{0:0} MB in {1:0.0} s' -f ($m.Peak / 1MB), $m.Seconds) 'reference' $true
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
