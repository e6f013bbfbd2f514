# Start-GeminiWorker: workers in separate processes (as on separate machines) over one queue in a real PostgreSQL,
# against the emulator over HTTP with small images and low latency; faults scripted through its control API.
BeforeAll {
    . (Join-Path $PSScriptRoot 'common.ps1')
    . (Join-Path $PSScriptRoot 'QueueTestHelpers.ps1')
    $script:Pg, $script:Emulator = Enter-TestQueueSuite
}
AfterAll { Exit-TestQueueSuite }

Describe 'Start-GeminiWorker' {
    AfterEach { Set-GeminiConfig -Ledger SQLite }

    It 'runs 120 jobs of two producers with three workers (one killed mid-job): each Done or Dead once, High before Low, nothing paid twice but retries' {
        $queue = Reset-TestQueue $Pg $Emulator -Name load
        $Emulator.Latency = [TimeSpan]::FromMilliseconds(20)
        # 10 % of the jobs meet scripted faults: 6 fail once (503), 4 are blocked (not retryable), 2 fail every time;
        # and one job is slow, so that the worker that takes it is killed in the middle of it.
        $faults = @(1..6 | ForEach-Object { @{ kind = 'Unavailable503'; promptContains = "flaky-$_ " } }) +
            @(1..4 | ForEach-Object { @{ kind = 'PromptBlocked'; promptContains = "blocked-$_ " } }) +
            @(1..2 | ForEach-Object { @{ kind = 'Unavailable503'; count = 3; promptContains = "doomed-$_ " } }) +
            @(@{ kind = 'Slow'; delay = 300000; promptContains = 'slow job' })
        $null = Invoke-TestEmulatorControl $Emulator faults -Method Post -Body $faults

        # Two producers at once (threads of this process), each: 20 Low, then 20 Normal, then 20 High jobs, with the
        # faulted prompts spread over the lanes. Low goes in first, so only priority makes High finish earlier.
        $slow = 'slow job' | Submit-GeminiJob -Queue load -Priority Normal
        $marks = @(@{ Normal = 'flaky'; High = 'blocked' }, @{ Low = 'flaky'; High = 'doomed' })
        $producers = 0..1 | ForEach-Object {
            Start-ThreadJob -ArgumentList $ModulePath, $_, $marks[$_] -ScriptBlock {
                param($modulePath, $p, $marks)
                Import-Module $modulePath
                $first = @{ flaky = 3 * $p; blocked = 0; doomed = 0 }
                $count = @{ flaky = 3; blocked = 4; doomed = 2 }
                foreach ($lane in 'Low', 'Normal', 'High') {
                    $rows = 1..20 | ForEach-Object {
                        $mark = $marks[$lane]
                        if ($mark -and $_ -le $count[$mark]) { "$mark-$($first[$mark] + $_) p$p $lane $_" } else { "p$p $lane $_" }
                    }
                    $null = $rows | Submit-GeminiJob -Queue load -Priority $lane
                }
            }
        }
        $null = $producers | Wait-Job | Receive-Job -ErrorAction Stop
        $producers | Remove-Job

        # Three workers in their own processes, as on three machines.
        $worker = 'Start-GeminiWorker -Queue load -ThrottleLimit 2 -Drain -LeaseSec 3 -RetryDelaySec 0.2 -MaxRetries 0 -Until (Get-Date).AddMinutes(3) -WarningAction SilentlyContinue | Select-Object Id, State | ConvertTo-Json -Compress'
        $workers = 1..3 | ForEach-Object { Start-TestQueueProcess -Queue $queue -Emulator $Emulator -Script $worker }
        Wait-TestCondition -TimeoutSec 120 -Because 'the slow job to run and ten jobs to be done' {
            (Get-GeminiJob -Id $slow.Id).State -eq 'Running' -and @(Get-GeminiJob -Queue load -State Done).Count -ge 10
        }
        $holder = [int]((Get-GeminiJob -Id $slow.Id).Worker -split ':')[-1]
        $killed = $workers | Where-Object { $_.Process.Id -eq $holder }
        $killed | Should -HaveCount 1
        $killed.Process.Kill()
        $survivors = $workers | Where-Object { $_ -ne $killed }
        $results = $survivors | ForEach-Object { Wait-TestQueueProcess $_ -TimeoutSec 180 }
        $results | ForEach-Object { $_.ExitCode | Should -Be 0 -Because $_.Output }

        $jobs = Get-GeminiJob -Queue load
        $jobs | Should -HaveCount 121
        $jobs | Where-Object State -notin 'Done', 'Dead' | Should -BeNullOrEmpty
        # Exactly once: each job came out of exactly one worker, and has one paid ledger line when done.
        $reported = @($results | ForEach-Object { $_.Output | ConvertFrom-Json } | ForEach-Object { $_ })
        $byKilled = @($jobs | Where-Object Worker -like "*:$holder")
        (@($reported.Id) + @($byKilled.Id) | Sort-Object) | Should -Be ($jobs.Id | Sort-Object)
        $paid = Invoke-TestPostgresSql $Pg $queue.Database "SELECT row_id, count(*) FROM gemini_usage WHERE status = 'Success' GROUP BY row_id HAVING count(*) > 1"
        $paid | Should -BeNullOrEmpty
        (Invoke-TestPostgresSql $Pg $queue.Database "SELECT count(*) FROM gemini_usage WHERE status = 'Success' AND batch_id = 'queue:load' AND machine_name = '$([Environment]::MachineName)'") | Should -Be ($jobs | Where-Object State -eq Done).Count

        # The killed worker's job was taken over and finished.
        $slowJob = $jobs | Where-Object Id -eq $slow.Id
        $slowJob.State | Should -Be 'Done'
        $slowJob.Attempts | Should -Be 2

        # High before Low, on average (the Low jobs were submitted first).
        $done = $jobs | Where-Object { $_.State -eq 'Done' -and $_.Id -ne $slow.Id }
        $high = ($done | Where-Object Priority -eq High | ForEach-Object { $_.FinishedUtc.Ticks } | Measure-Object -Average).Average
        $low = ($done | Where-Object Priority -eq Low | ForEach-Object { $_.FinishedUtc.Ticks } | Measure-Object -Average).Average
        $high | Should -BeLessThan $low

        # The emulator billed a job more than once only when it was retried after a failure.
        # A reclaim never sends more than the attempts; besides the faulted jobs and the slow one, at most the job in
        # the killed worker's other slot was attempted twice.
        $calls = Get-TestEmulatorCalls $Emulator
        foreach ($job in $jobs) {
            $calls[$job.Prompt] | Should -BeLessOrEqual $job.Attempts -Because "job $($job.Id) '$($job.Prompt)'"
            if ($job.Attempts -eq 1) { $calls[$job.Prompt] | Should -Be 1 -Because "job $($job.Id) '$($job.Prompt)'" }
        }
        $retried = @($jobs | Where-Object Attempts -gt 1)
        @($retried | Where-Object Prompt -match '^(flaky|doomed)-|slow job').Count | Should -Be 9
        @($retried | Where-Object Prompt -notmatch '^(flaky|doomed)-|slow job').Count | Should -BeLessOrEqual 1

        # Dead letters carry their errors: blocked at once, doomed after 3 attempts.
        $dead = $jobs | Where-Object State -eq Dead
        $dead | Should -HaveCount 6
        $dead | ForEach-Object { $_.ErrorId | Should -BeLike 'GeminiImage.*'; $_.Error | Should -Not -BeNullOrEmpty }
        # A doomed job the killed worker held in its last attempt is claimed once more (attempt 4 of 3) and given up
        # without being sent again (WorkerLost); either way no doomed job is sent more than its 3 attempts.
        foreach ($doomed in $dead | Where-Object Prompt -like 'doomed-*') {
            $calls[$doomed.Prompt] | Should -BeLessOrEqual 3 -Because "job $($doomed.Id) '$($doomed.Prompt)'"
            if ($doomed.Attempts -eq 4) { $doomed.ErrorId | Should -Be 'GeminiImage.WorkerLost' }
            else { $doomed.Attempts | Should -Be 3 }
        }
        @($dead | Where-Object Prompt -like 'doomed-*') | Should -HaveCount 2
        ($dead | Where-Object Prompt -like 'blocked-*').Attempts | Should -Be @(1, 1, 1, 1)
        (Get-GeminiQueue load).Dead | Should -Be 6
    }

    It 'marks a reclaimed job done from the ledger when its answer was saved before its worker died, without paying again' {
        $queue = Reset-TestQueue $Pg $Emulator -Name shop
        $job = 'a saved fox' | Submit-GeminiJob -Queue shop
        # A worker claims it (1 s lease), is paid, saves the image and writes its ledger line, then dies before it can
        # mark the job done.
        $jobQueue = (Get-GeminiType 'GeminiImage.Engine.Queue.JobQueue')::Open($queue.ConnectionString)
        $claimed = $jobQueue.Claim('shop', 'dead-machine:1', [TimeSpan]::FromSeconds(1))
        $claimed.Job.Id | Should -Be $job.Id
        $saved = Join-Path $queue.OutputRoot 'job-saved.png'
        Copy-Item -LiteralPath (Join-Path $RepoRoot 'tests/unit/data/images/good.png') -Destination $saved
        Invoke-TestPostgresSql $Pg $queue.Database @"
INSERT INTO gemini_usage (record_id, utc_time, cmdlet, operation, model, status, image_count, cost_micros, batch_id, row_id, output_path, response_id, machine_name)
VALUES ('rec-1', now(), 'Start-GeminiWorker', 'Batch', 'gemini-2.5-flash-image', 'Success', 1, 39000, 'queue:shop', 'job-$($job.Id)', '$saved', 'resp-saved', 'dead-machine')
"@ | Out-Null

        $warnings = $null
        $done = Start-GeminiWorker -Queue shop -Drain -WarningVariable warnings -WarningAction SilentlyContinue
        $done.Id | Should -Be $job.Id
        $done.State | Should -Be 'Done'
        $done.ResponseId | Should -Be 'resp-saved'
        $done.Path | Should -Be $saved
        $done.Cost | Should -Be 0.039
        "$warnings" | Should -Match 'not being sent again|without being sent again'
        $Emulator.RequestCount | Should -Be 0
        (Get-GeminiJob -Id $job.Id).Attempts | Should -Be 2
    }

    It 'marks a reclaimed job done when its paid answer still waits in this machine''s pending file (recorded while the server was away)' {
        $queue = Reset-TestQueue $Pg $Emulator -Name shop
        $job = 'a pending fox' | Submit-GeminiJob -Queue shop
        $jobQueue = (Get-GeminiType 'GeminiImage.Engine.Queue.JobQueue')::Open($queue.ConnectionString)
        $null = $jobQueue.Claim('shop', 'this-machine:1', [TimeSpan]::FromSeconds(1))
        $saved = Join-Path $queue.OutputRoot 'job-pending.png'
        Copy-Item -LiteralPath (Join-Path $RepoRoot 'tests/unit/data/images/good.png') -Destination $saved
        # The dead worker's ledger line could not reach the server: it went to the pending file of this data folder.
        $record = (Get-GeminiType 'GeminiImage.Engine.Ledger.UsageRecord')::new()
        $record.Cmdlet = 'Start-GeminiWorker'; $record.Operation = 'Batch'; $record.Model = 'gemini-2.5-flash-image'
        $record.Status = 'Success'; $record.ImageCount = 1; $record.CostUsd = 0.039; $record.BatchId = 'queue:shop'
        $record.RowId = "job-$($job.Id)"; $record.OutputPath = $saved; $record.ResponseId = 'resp-pending'
        $away = (Get-GeminiType 'GeminiImage.Engine.Ledger.PostgresLedger')::new("Host=127.0.0.1;Port=1;Database=gone;Username=u;Timeout=2")
        $away.Append($record).Stored | Should -BeFalse
        Test-Path -LiteralPath $away.PendingPath | Should -BeTrue
        Start-Sleep -Milliseconds 1100   # the dead worker's lease runs out

        $done = Start-GeminiWorker -Queue shop -Drain -WarningAction SilentlyContinue
        $done.State | Should -Be 'Done'
        $done.ResponseId | Should -Be 'resp-pending'
        $done.Path | Should -Be $saved
        $Emulator.RequestCount | Should -Be 0
        # The record is in the ledger once, not left pending.
        Invoke-TestPostgresSql $Pg $queue.Database "SELECT count(*) FROM gemini_usage WHERE response_id = 'resp-pending'" | Should -Be 1
    }

    It 'refuses to start without write access to the output root (OutputRootNotWritable, WriteError), claiming nothing' {
        $unwritable = New-UnwritableTestFolder
        if (-not $unwritable) { Set-ItResult -Skipped -Because 'this machine cannot make a folder nobody may write'; return }
        try {
            $null = Reset-TestQueue $Pg $Emulator -Name locked -OutputRoot $unwritable
            $job = 'a locked fox' | Submit-GeminiJob -Queue locked
            $err = { Start-GeminiWorker -Queue locked -Drain } | Should -Throw -PassThru
            $err.FullyQualifiedErrorId | Should -BeLike 'GeminiImage.OutputRootNotWritable*'
            $err.CategoryInfo.Category | Should -Be 'WriteError'
            $err.TargetObject | Should -Be $unwritable
            (Get-GeminiJob -Id $job.Id).State | Should -Be 'Queued'
            $Emulator.RequestCount | Should -Be 0
        }
        finally { Remove-SpecialTestFolder $unwritable }
    }

    It 'refuses an unknown queue (QueueNotFound) and runs nothing with -WhatIf' {
        $null = Reset-TestQueue $Pg $Emulator -Name shop
        $err = { Start-GeminiWorker -Queue nosuch -Drain } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -BeLike 'GeminiImage.QueueNotFound*'
        $err.CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $err.TargetObject | Should -Be 'nosuch'

        $job = 'a careful fox' | Submit-GeminiJob -Queue shop
        Start-GeminiWorker -Queue shop -Drain -WhatIf | Should -BeNullOrEmpty
        (Get-GeminiJob -Id $job.Id).State | Should -Be 'Queued'
        $Emulator.RequestCount | Should -Be 0
    }

    It 'stops after -MaxJobs, High before Normal before Low and oldest first' {
        $null = Reset-TestQueue $Pg $Emulator -Name shop
        $low = 'low fox' | Submit-GeminiJob -Queue shop -Priority Low
        $normal = 'normal fox 1', 'normal fox 2' | Submit-GeminiJob -Queue shop
        $high = 'high fox' | Submit-GeminiJob -Queue shop -Priority High
        $done = Start-GeminiWorker -Queue shop -MaxJobs 3 -ThrottleLimit 1
        $done.Id | Should -Be @($high.Id, $normal[0].Id, $normal[1].Id)
        (Get-GeminiJob -Id $low.Id).State | Should -Be 'Queued'
        # The ledger line of each call carries the queue, the job and this machine.
        $ledger = Get-GeminiUsage | Where-Object BatchId -eq 'queue:shop'
        @($ledger.RowId | Sort-Object) | Should -Be @($done.Id | Sort-Object | ForEach-Object { "job-$_" })
        $ledger.MachineName | Select-Object -Unique | Should -Be ([Environment]::MachineName)
    }

    It 'pauses while the database is away and resumes when it is back: every job done once, nothing lost' {
        # A server of its own: this test takes it away, and the shared one serves other runners at the same moment.
        $own = Start-PrivateTestPostgres
        try {
            $queue = Reset-TestQueue $own $Emulator -Name outage
            $Emulator.Latency = [TimeSpan]::FromMilliseconds(150)
            $jobs = 1..16 | ForEach-Object { "outage fox $_" } | Submit-GeminiJob -Queue outage
            # The worker runs on a thread of this process (its own runspace), so the test can take the server away meanwhile.
            $worker = Start-ThreadJob -ArgumentList $ModulePath -ScriptBlock {
                param($modulePath)
                Import-Module $modulePath
                Start-GeminiWorker -Queue outage -ThrottleLimit 2 -Drain -LeaseSec 5 -Until (Get-Date).AddMinutes(3)
            }
            try {
                $count = { [int](Invoke-TestPostgresSql $own $queue.Database "SELECT count(*) FROM gemini_job WHERE state = 'Done'") }
                Wait-TestCondition -TimeoutSec 120 -Because 'a few jobs to be done' { (& $count) -ge 3 }
                # A clean stop (as for maintenance): the test server commits asynchronously, and a crash-like stop would
                # lose its last commits, which no worker can make up for.
                Invoke-TestPgCtl $own @('-m', 'fast', '-w', '-t', '30', 'stop')
                try {
                    Wait-TestCondition -TimeoutSec 60 -Because 'the worker to pause' { "$($worker.Warning)" -match 'pauses' }
                }
                finally { Start-TestPostgresServer $own }
                $null = $worker | Wait-Job -Timeout 180
                $worker.State | Should -Be 'Completed'
                $warnings = $null
                $done = $worker | Receive-Job -ErrorAction Stop -WarningVariable warnings -WarningAction SilentlyContinue
            }
            finally { $worker | Remove-Job -Force }
            "$warnings" | Should -Match 'is back; the worker resumes'
            "$warnings" | Should -Not -Match 'taken over'
            $done | Should -HaveCount 16

            Invoke-TestPostgresSql $own $queue.Database "SELECT count(*) FROM gemini_job WHERE state = 'Done'" | Should -Be '16'
            $calls = Get-TestEmulatorCalls $Emulator
            foreach ($job in $jobs) { $calls[$job.Prompt] | Should -BeLessOrEqual ([int](Invoke-TestPostgresSql $own $queue.Database "SELECT attempts FROM gemini_job WHERE id = $($job.Id)")) }
            # Each paid call is in the ledger once (records written while it was away were kept and added after).
            Invoke-TestPostgresSql $own $queue.Database "SELECT count(DISTINCT row_id) FROM gemini_usage WHERE status = 'Success' AND batch_id = 'queue:outage'" | Should -Be '16'
        }
        finally { Set-GeminiConfig -Ledger SQLite; Stop-PrivateTestPostgres $own }
    }

    It 'stops on Ctrl+C in the middle of a job, which goes back to the queue with the attempt not counted' {
        $null = Reset-TestQueue $Pg $Emulator -Name shop
        $null = Invoke-TestEmulatorControl $Emulator faults -Method Post -Body @{ kind = 'Slow'; delay = 60000 }
        $job = 'a slow fox' | Submit-GeminiJob -Queue shop
        $ps = [powershell]::Create()
        try {
            # One script, not AddStatement: a stopped multi-statement PowerShell goes on to its next statement on a
            # thread-pool thread, which throws (and ends the host) once the runspace is disposed.
            $null = $ps.AddScript("Import-Module '$ModulePath'; Start-GeminiWorker -Queue shop")
            $handle = $ps.BeginInvoke()
            Wait-TestCondition -Because 'the worker to send the job' { $Emulator.RequestCount -ge 1 }
            $watch = [Diagnostics.Stopwatch]::StartNew()
            $ps.Stop()
            $watch.Elapsed.TotalSeconds | Should -BeLessThan 10
            $handle.IsCompleted | Should -BeTrue
        }
        finally { $ps.Dispose() }
        $back = Get-GeminiJob -Id $job.Id
        $back.State | Should -Be 'Queued'
        $back.Attempts | Should -Be 0
    }
}
