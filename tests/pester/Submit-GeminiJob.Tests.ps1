# Submit-GeminiJob against a real PostgreSQL (the team ledger's server).
BeforeAll {
    . (Join-Path $PSScriptRoot 'common.ps1')
    . (Join-Path $PSScriptRoot 'QueueTestHelpers.ps1')
    $script:Pg, $script:Emulator = Enter-TestQueueSuite
}
AfterAll { Exit-TestQueueSuite }

Describe 'Submit-GeminiJob' {
    BeforeEach { $script:Queue = Reset-TestQueue $Pg $Emulator -Name shop }
    AfterEach { Set-GeminiConfig -Ledger SQLite }

    It 'queues pipeline rows, CSV and JSONL rows with their priority and returns jobs with ids' {
        $inline = 'a red fox', @{ Id = 'sku-2'; Prompt = 'a blue fox'; AspectRatio = '16:9' } | Submit-GeminiJob -Queue shop -Priority High
        $folder = New-TestFolder 'rows'
        Set-Content -LiteralPath (Join-Path $folder 'rows.csv') -Value "Id,Prompt,Tag`nc1,a green fox,x;y`n"
        Set-Content -LiteralPath (Join-Path $folder 'rows.jsonl') -Value '{"Id":"j1","Prompt":"a grey fox","Model":"gemini-2.5-flash-image"}'
        $csv = Submit-GeminiJob -Queue shop -Path (Join-Path $folder 'rows.csv') -Priority Low
        $jsonl = Submit-GeminiJob -Queue shop -Path (Join-Path $folder 'rows.jsonl')

        $inline | Should -HaveCount 2
        $inline.Priority | Should -Be @('High', 'High')
        $inline.State | Should -Be @('Queued', 'Queued')
        $inline[1].RowId | Should -Be 'sku-2'
        $csv.RowId | Should -Be 'c1'
        $csv.Priority | Should -Be 'Low'
        $jsonl.Priority | Should -Be 'Normal'
        $jsonl.MaxAttempts | Should -Be 3
        @($inline.Id) + $csv.Id + $jsonl.Id | Select-Object -Unique | Should -HaveCount 4
        Invoke-TestPostgresSql $Pg $Queue.Database "SELECT string_agg(priority::text, ',' ORDER BY id) FROM gemini_job" | Should -Be '0,0,2,1'
        # Nothing is sent at submit time.
        $Emulator.RequestCount | Should -Be 0
    }

    It 'returns the existing job for a duplicate of a queued, running or done job, and queues a dead one again' {
        $first = 'a duplicate fox' | Submit-GeminiJob -Queue shop
        $again = @{ Id = 'other-id'; Prompt = 'a   duplicate fox ' } | Submit-GeminiJob -Queue shop -Priority High
        $again.Id | Should -Be $first.Id
        $again.Existing | Should -BeTrue
        $first.Existing | Should -BeFalse

        $null = Start-GeminiWorker -Queue shop -Drain
        $done = 'a duplicate fox' | Submit-GeminiJob -Queue shop
        $done.Id | Should -Be $first.Id
        $done.State | Should -Be 'Done'

        $null = Invoke-TestEmulatorControl $Emulator faults -Method Post -Body @{ kind = 'PromptBlocked' }
        $blocked = 'a blocked fox' | Submit-GeminiJob -Queue shop
        $null = Start-GeminiWorker -Queue shop -Drain -WarningAction SilentlyContinue
        (Get-GeminiJob -Id $blocked.Id).State | Should -Be 'Dead'
        $anew = 'a blocked fox' | Submit-GeminiJob -Queue shop
        $anew.Id | Should -Not -Be $blocked.Id
        $anew.Existing | Should -BeFalse
    }

    It 'takes -DedupKey instead of the cache key' {
        $a = 'one fox' | Submit-GeminiJob -Queue shop -DedupKey order-17
        $b = 'another fox' | Submit-GeminiJob -Queue shop -DedupKey order-17
        $b.Id | Should -Be $a.Id
        $b.Existing | Should -BeTrue
        $a.DedupKey | Should -Be 'order-17'
    }

    It 'takes a row''s DedupKey column before -DedupKey and the cache key' {
        $folder = New-TestFolder 'dedup'
        Set-Content -LiteralPath (Join-Path $folder 'rows.csv') -Value "Id,Prompt,DedupKey`nr1,a fox,sku-1`nr2,a different fox,sku-1`nr3,a third fox,`n"
        $jobs = Submit-GeminiJob -Queue shop -Path (Join-Path $folder 'rows.csv') -DedupKey batch-7
        $jobs[0].DedupKey | Should -Be 'sku-1'
        $jobs[1].Id | Should -Be $jobs[0].Id
        $jobs[1].Existing | Should -BeTrue
        $jobs[2].DedupKey | Should -Be 'batch-7'
        $piped = @{ Prompt = 'a piped fox'; DedupKey = 'sku-1' } | Submit-GeminiJob -Queue shop
        $piped.Id | Should -Be $jobs[0].Id
    }

    It 'charges each job to its project (the row''s Project column, else -Project, else the worker''s -Project) in the ledger' {
        $jobs = @{ Id = 'own'; Prompt = 'a shop fox'; Project = 'Shop' }, @{ Id = 'given'; Prompt = 'a web fox' } |
            Submit-GeminiJob -Queue shop -Project ' Web '
        $jobs.Project | Should -Be @('Shop', 'Web')
        $plain = @{ Id = 'plain'; Prompt = 'a plain fox' } | Submit-GeminiJob -Queue shop
        $plain.Project | Should -BeNullOrEmpty
        $null = Start-GeminiWorker -Queue shop -Drain -Project Worker
        (Get-GeminiJob -Id $jobs[0].Id).Project | Should -Be 'Shop'
        Invoke-TestPostgresSql $Pg $Queue.Database "SELECT string_agg(row_id || '=' || project, ',' ORDER BY row_id) FROM gemini_usage WHERE status = 'Success'" |
            Should -Be "job-$($jobs[0].Id)=Shop,job-$($jobs[1].Id)=Web,job-$($plain.Id)=Worker"
    }

    It 'refuses an invalid row at submit time with its id as the target, and queues the valid ones' {
        $err = $null
        $jobs = @{ Id = 'ok'; Prompt = 'a fine fox' }, @{ Id = 'bad'; Prompt = 'x'; AspectRatio = '7:3' }, @{ Id = 'empty'; Prompt = ' ' } |
            Submit-GeminiJob -Queue shop -ErrorVariable err -ErrorAction SilentlyContinue
        $jobs.RowId | Should -Be 'ok'
        $err | Should -HaveCount 2
        $err[0].FullyQualifiedErrorId | Should -BeLike 'GeminiImage.InvalidAspectRatio*'
        $err[0].TargetObject | Should -Be 'bad'
        $err[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
        $err[1].FullyQualifiedErrorId | Should -BeLike 'GeminiImage.EmptyPrompt*'
        $err[1].TargetObject | Should -Be 'empty'
        Invoke-TestPostgresSql $Pg $Queue.Database 'SELECT count(*) FROM gemini_job' | Should -Be '1'
    }

    It 'refuses an OutFile outside the queue''s output root' {
        $err = $null
        $null = @{ Id = 'out'; Prompt = 'a fox'; OutFile = '../escape.png' } | Submit-GeminiJob -Queue shop -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -BeLike 'GeminiImage.PathOutsideRoot*'
        $err[0].TargetObject | Should -Be 'out'
        Invoke-TestPostgresSql $Pg $Queue.Database 'SELECT count(*) FROM gemini_job' | Should -Be '0'
    }

    It 'refuses an unknown queue (QueueNotFound, ObjectNotFound, the name as target)' {
        $err = { 'a fox' | Submit-GeminiJob -Queue nosuch } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -BeLike 'GeminiImage.QueueNotFound*'
        $err.CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $err.TargetObject | Should -Be 'nosuch'
        "$err" | Should -Match 'New-GeminiQueue'
    }

    It 'needs the team database: with the SQLite ledger it is TeamLedgerRequired' {
        Set-GeminiConfig -Ledger SQLite
        $err = { 'a fox' | Submit-GeminiJob -Queue shop } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -BeLike 'GeminiImage.TeamLedgerRequired*'
        $err.CategoryInfo.Category | Should -Be 'InvalidArgument'
    }

    It 'queues nothing with -WhatIf' {
        $out = 'a fox' | Submit-GeminiJob -Queue shop -WhatIf
        $out | Should -BeNullOrEmpty
        Invoke-TestPostgresSql $Pg $Queue.Database 'SELECT count(*) FROM gemini_job' | Should -Be '0'
    }
}
