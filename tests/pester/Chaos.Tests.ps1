<#
    The chaos run: one figure for people who run batches unattended. 300 rows against the emulator, about 15 % of
    them faulted at random with every kind of failure it can make, thumbnails and report on; the batch process is
    killed part way and the batch is run again. Then: every row ended clearly, every image the emulator answered is
    on disk or in the fallback folder, nothing that succeeded was asked for again, the ledger matches what the
    emulator billed, and no half-written file is left anywhere.

    The kill comes while requests are in flight but none is between "answer received" and "saved": new requests
    are held at the server first (a long latency), and the kill waits until every answer sent has been saved. A kill
    in that instant would lose a paid image whatever the client does; that is what the journal cannot help with.
#>
BeforeAll {
    . (Join-Path $PSScriptRoot 'common.ps1')
    . (Join-Path $PSScriptRoot 'LedgerTestHelpers.ps1')
    $script:TestHome = Enter-TestGeminiHome
    $script:Emulator = Start-TestEmulator
    $script:FaultType = Get-GeminiType 'GeminiImage.Emulator.EmulatorFault'
    $script:KindType = Get-GeminiType 'GeminiImage.Emulator.EmulatorFaultKind'

    function New-Fault([string] $Kind, [string] $PromptContains, [double] $RetryDelaySec = 1) {
        $fault = $FaultType::new([Enum]::Parse($KindType, $Kind))
        $fault.PromptContains = $PromptContains
        $fault.RetryDelay = [timespan]::FromSeconds($RetryDelaySec)
        $fault
    }

    # Files a killed writer could leave half-written: our temporary names, anywhere under the folder.
    function Get-HalfWritten([string] $Folder) {
        if (Test-Path -LiteralPath $Folder) { @(Get-ChildItem -LiteralPath $Folder -Recurse -Force -File | Where-Object Name -like '.*.tmp') }
        else { @() }
    }

    function Get-SavedImageCount([string] $Out, [string] $Fallback) {
        $onDisk = @(Get-ChildItem -LiteralPath $Out -Filter '*.png' -File -ErrorAction SilentlyContinue).Count
        $kept = if (Test-Path -LiteralPath $Fallback) { @(Get-ChildItem -LiteralPath $Fallback -File | Where-Object Name -notlike '.*').Count } else { 0 }
        $onDisk + $kept
    }
}
AfterAll {
    Stop-GeminiEmulator
    Exit-TestGeminiHome
}

Describe 'Chaos: a batch under mixed faults, killed and run again' {
    It 'ends every row clearly, loses no paid image, pays nothing twice and leaves no half-written file' {
        $clock = [Diagnostics.Stopwatch]::StartNew()
        $work = New-TestFolder 'chaos'
        $out = Join-Path $work 'out'
        $fallback = Join-Path $TestHome 'fallback'
        $rowCount = 300
        $rows = 1..$rowCount | ForEach-Object { [pscustomobject]@{ Id = 'c{0:000}' -f $_; Prompt = 'chaos picture {0:000} of a lighthouse' -f $_ } }
        $csv = Join-Path $work 'rows.csv'
        $rows | Export-Csv -LiteralPath $csv -NoTypeInformation

        # 15 % of the rows, picked at random (the seed is printed so a failure can be replayed), get one fault each;
        # the kinds are dealt round so that every kind the emulator can make is in the storm.
        $seed = Get-Random -Maximum 100000
        Write-Host "chaos seed: $seed"
        $random = [Random]::new($seed)
        $kinds = @(
            @('RateLimited429', 1), @('RateLimited429', 0), @('ServerError500', 1), @('Unavailable503', 1), @('Hang', 1),
            @('DroppedConnection', 1), @('TruncatedBody', 1), @('MalformedBody', 1), @('ImageSafety', 1), @('PromptBlocked', 1), @('TextOnly', 1)
        )
        $faulted = @(1..$rowCount | Sort-Object { $random.Next() } | Select-Object -First ([int]($rowCount * 0.15)))
        for ($i = 0; $i -lt $faulted.Count; $i++) {
            $kind = $kinds[$i % $kinds.Count]
            $Emulator.EnqueueFault((New-Fault $kind[0] ('picture {0:000} ' -f $faulted[$i]) $kind[1]))
        }
        $Emulator.Latency = [timespan]::FromMilliseconds(50)

        # ---- run 1, in another process, killed part way
        $child = Join-Path $work 'child.ps1'
        @"
`$ErrorActionPreference = 'Continue'
Import-Module '$ModulePath'
Invoke-GeminiBatch -Path '$csv' -OutputDirectory '$out' -ThrottleLimit 6 -TimeoutSec 15 -Thumbnail -ErrorAction SilentlyContinue | Out-Null
"@ | Set-Content -LiteralPath $child
        $exe = [Environment]::ProcessPath
        $prefix = @(if ([IO.Path]::GetFileNameWithoutExtension($exe) -eq 'dotnet') { Join-Path $PSHOME 'pwsh.dll' })
        $saved = $env:GEMINI_BASE_URL, $env:GEMINI_API_KEY
        $env:GEMINI_BASE_URL = $Emulator.BaseUri.ToString(); $env:GEMINI_API_KEY = $Emulator.ApiKey
        try {
            $process = Start-Process -FilePath $exe -ArgumentList ($prefix + @('-NoProfile', '-NonInteractive', '-File', $child)) -PassThru `
                -RedirectStandardOutput (Join-Path $work 'child.out') -RedirectStandardError (Join-Path $work 'child.err')
        }
        finally { $env:GEMINI_BASE_URL, $env:GEMINI_API_KEY = $saved }

        $journal = Join-Path $out 'batch-journal.jsonl'
        $lines = { if (Test-Path -LiteralPath $journal) { @(Get-Content -LiteralPath $journal | Where-Object { $_ }).Count } else { 0 } }
        $deadline = [DateTime]::UtcNow.AddSeconds(150)
        while ([DateTime]::UtcNow -lt $deadline -and -not $process.HasExited -and (& $lines) -lt 90) { Start-Sleep -Milliseconds 200 }
        $process.HasExited | Should -BeFalse -Because "the batch must still be running when it is killed (stderr: $(Get-Content (Join-Path $work 'child.err') -Raw))"

        # Hold every new request at the server, then wait until each image already answered is saved and journaled.
        $Emulator.Latency = [timespan]::FromMinutes(30)
        $stableSince = [DateTime]::UtcNow; $last = -1
        $deadline = [DateTime]::UtcNow.AddSeconds(60)
        while ([DateTime]::UtcNow -lt $deadline) {
            $answered = @($Emulator.Requests | Where-Object ImagesReturned -gt 0).Count
            $now = & $lines
            if ($now -ne $last) { $last = $now; $stableSince = [DateTime]::UtcNow }
            if ($answered -eq (Get-SavedImageCount $out $fallback) -and ([DateTime]::UtcNow - $stableSince).TotalSeconds -ge 1.5) { break }
            Start-Sleep -Milliseconds 200
        }
        $quiet = [DateTime]::UtcNow -lt $deadline
        $inFlight = @($Emulator.Requests | Where-Object StatusCode -eq 0).Count
        $process.Kill()
        $process.WaitForExit()
        $quiet | Should -BeTrue -Because 'every image answered before the kill should have been saved within a minute'
        $inFlight | Should -BeGreaterThan 0 -Because 'the kill should find requests in flight'

        $firstRun = @($Emulator.Requests).Count
        $doneBefore = @{}
        Get-Content -LiteralPath $journal | Where-Object { $_ } | ForEach-Object {
            try { $r = $_ | ConvertFrom-Json; $doneBefore[$r.id] = $r.status } catch { }   # a torn last line is allowed
        }
        $succeededBefore = @($doneBefore.Keys | Where-Object { $doneBefore[$_] -eq 'Succeeded' })
        $succeededBefore.Count | Should -BeGreaterThan 0
        $succeededBefore.Count | Should -BeLessThan $rowCount

        # ---- run 2, here, to the end
        $Emulator.Latency = [timespan]::FromMilliseconds(50)
        $results = @(Invoke-GeminiBatch -Path $csv -OutputDirectory $out -ThrottleLimit 6 -TimeoutSec 15 -Thumbnail -ErrorAction SilentlyContinue)
        $requests = @($Emulator.Requests)

        # every row ends clearly
        $results.Count | Should -Be $rowCount
        @($results.Id | Sort-Object -Unique).Count | Should -Be $rowCount
        foreach ($r in $results) {
            $r.Status | Should -BeIn @('Succeeded', 'Failed', 'Blocked') -Because "row $($r.Id) must end clearly"
            if ($r.Status -ne 'Succeeded') { $r.ErrorId | Should -BeLike 'GeminiImage.*' -Because "row $($r.Id) ($($r.Status)): $($r.Error)" }
        }
        @($results | Where-Object Status -eq 'Succeeded').Count | Should -BeGreaterThan ($rowCount * 0.8)

        # nothing paid for is lost: every image answered is on disk or in the fallback folder
        $imageAnswers = @($requests | Where-Object ImagesReturned -gt 0)
        $lost = foreach ($q in $imageAnswers) {
            $id = 'c' + ($q.Prompt -replace '^.*picture (\d{3}) .*$', '$1')
            if (-not (Test-Path -LiteralPath (Join-Path $out "$id.png"))) {
                $r = $results | Where-Object Id -eq $id
                "$id answered at $($q.Time.ToString('HH:mm:ss.fff')) (fault $($q.Fault)) but not on disk; row $($r.Status) $($r.ErrorId) $($r.Error)"
            }
        }
        $lost | Should -BeNullOrEmpty
        # nothing is paid twice: no row got two images, and no row that had succeeded was asked for again
        $twice = @($imageAnswers | Group-Object Prompt | Where-Object Count -gt 1 | ForEach-Object { "$($_.Name): " + (($_.Group | ForEach-Object { "$($_.Time.ToString('HH:mm:ss.fff')) $($_.Fault)" }) -join ', ') })
        $twice | Should -BeNullOrEmpty
        Get-SavedImageCount $out $fallback | Should -Be $imageAnswers.Count

        $again = @($requests | Select-Object -Skip $firstRun | ForEach-Object { if ($_.Prompt -match 'picture (\d{3}) ') { 'c' + $Matches[1] } })
        @($again | Where-Object { $_ -in $succeededBefore }) | Should -BeNullOrEmpty
        @($results | Where-Object { $_.Id -in $succeededBefore -and -not $_.FromJournal }) | Should -BeNullOrEmpty

        # the ledger equals what the emulator billed: one success per image answer, at the cost of its usageMetadata;
        # answers without an image (blocks, text only) are billed as blocked records
        $prices = Get-CatalogPrices
        $billed = @{ Image = [decimal]0; NoImage = [decimal]0 }
        foreach ($q in $requests | Where-Object Usage) {
            $u = $q.Usage; $p = $prices[$q.Model]
            $cost = [math]::Round(([decimal]$u.PromptTokenCount * $p.Input + ([decimal]$u.TextOutputTokenCount + $u.ThoughtsTokenCount) * $p.TextOutput + [decimal]$u.ImageOutputTokenCount * $p.ImageOutput) / 1000000, 6)
            $billed[$(if ($q.ImagesReturned -gt 0) { 'Image' } else { 'NoImage' })] += $cost
        }
        $ledger = @(Get-GeminiUsage)
        $success = @($ledger | Where-Object Status -eq 'Success')
        $success.Count | Should -Be $imageAnswers.Count
        Get-DecimalSum $success | Should -Be $billed.Image
        Get-DecimalSum @($ledger | Where-Object Status -eq 'Blocked') | Should -Be $billed.NoImage

        # no half-written file anywhere; every image and thumbnail reads whole
        Get-HalfWritten $out | Should -BeNullOrEmpty
        Get-HalfWritten $fallback | Should -BeNullOrEmpty
        foreach ($file in Get-ChildItem -LiteralPath $out -Recurse -File -Include '*.png', '*.jpg') {
            { [SixLabors.ImageSharp.Image]::Identify($file.FullName).Width } | Should -Not -Throw -Because $file.Name
            [SixLabors.ImageSharp.Image]::Identify($file.FullName) | Should -Not -BeNullOrEmpty -Because $file.Name
        }
        $report = Get-Content -LiteralPath (Join-Path $out 'batch-report.json') -Raw | ConvertFrom-Json
        $report.summary.total | Should -Be $rowCount
        $report.summary.succeeded | Should -Be @($results | Where-Object Status -eq 'Succeeded').Count
        Join-Path $out 'batch-report.html' | Should -Exist
        Write-Host ("chaos run: {0} rows, {1} faulted, {2} requests, {3} succeeded, {4:0.0} s" -f $rowCount, $faulted.Count, $requests.Count, $report.summary.succeeded, $clock.Elapsed.TotalSeconds)
    }
}
