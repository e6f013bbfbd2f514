# Get-GeminiJob against a real PostgreSQL; jobs are run by an in-process worker against the emulator.
BeforeAll {
    . (Join-Path $PSScriptRoot 'common.ps1')
    . (Join-Path $PSScriptRoot 'QueueTestHelpers.ps1')
    $script:Pg, $script:Emulator = Enter-TestQueueSuite
}
AfterAll { Exit-TestQueueSuite }

Describe 'Get-GeminiJob' {
    BeforeEach { $script:Queue = Reset-TestQueue $Pg $Emulator -Name shop }
    AfterEach { Set-GeminiConfig -Ledger SQLite }

    It 'lists jobs by queue and state, newest first, and by id from the pipeline' {
        $null = Invoke-TestEmulatorControl $Emulator faults -Method Post -Body @{ kind = 'PromptBlocked'; promptContains = 'blocked' }
        $jobs = 'a done fox', 'a blocked fox' | Submit-GeminiJob -Queue shop
        $null = Start-GeminiWorker -Queue shop -Drain -WarningAction SilentlyContinue
        $waiting = 'a waiting fox' | Submit-GeminiJob -Queue shop -Priority Low

        (Get-GeminiJob -Queue shop).Id | Should -Be @($waiting.Id, $jobs[1].Id, $jobs[0].Id)
        (Get-GeminiJob -Queue shop -State Queued).Id | Should -Be $waiting.Id
        $done = Get-GeminiJob -Queue shop -State Done
        $done.Id | Should -Be $jobs[0].Id
        $done.Path | Should -Exist
        $done.ResponseId | Should -Not -BeNullOrEmpty
        $dead = Get-GeminiJob -Queue shop -State Dead
        $dead.Id | Should -Be $jobs[1].Id
        $dead.ErrorId | Should -BeLike 'GeminiImage.*'
        $dead.Error | Should -Not -BeNullOrEmpty
        ($jobs | Get-GeminiJob).State | Should -Be @('Done', 'Dead')
        (Get-GeminiJob -Queue shop -First 1).Id | Should -Be $waiting.Id
        # The default view fits 80 columns.
        ((Get-GeminiJob -Queue shop | Format-Table | Out-String -Width 200) -split "`n" | ForEach-Object { $_.TrimEnd().Length } | Measure-Object -Maximum).Maximum | Should -BeLessOrEqual 80
    }

    It 'says which id or queue is not there (JobNotFound, QueueNotFound: ObjectNotFound)' {
        $err = $null
        $null = Get-GeminiJob -Id 999999 -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -BeLike 'GeminiImage.JobNotFound*'
        $err[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $err[0].TargetObject | Should -Be 999999
        $null = Get-GeminiJob -Queue nosuch -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -BeLike 'GeminiImage.QueueNotFound*'
        $err[0].TargetObject | Should -Be 'nosuch'
    }
}
