# Remove-GeminiJob against a real PostgreSQL.
BeforeAll {
    . (Join-Path $PSScriptRoot 'common.ps1')
    . (Join-Path $PSScriptRoot 'QueueTestHelpers.ps1')
    $script:Pg, $script:Emulator = Enter-TestQueueSuite
}
AfterAll { Exit-TestQueueSuite }

Describe 'Remove-GeminiJob' {
    BeforeEach { $script:Queue = Reset-TestQueue $Pg $Emulator -Name shop }
    AfterEach { Set-GeminiConfig -Ledger SQLite }

    It 'removes jobs (piped), keeps them with -WhatIf, and writes them with -PassThru' {
        $jobs = 'fox one', 'fox two' | Submit-GeminiJob -Queue shop
        $jobs | Remove-GeminiJob -WhatIf
        (Get-GeminiJob -Queue shop) | Should -HaveCount 2
        $removed = $jobs[0] | Remove-GeminiJob -PassThru
        $removed.Id | Should -Be $jobs[0].Id
        (Get-GeminiJob -Queue shop).Id | Should -Be $jobs[1].Id
    }

    It 'refuses a running job without -Force (JobRunning, ResourceBusy)' {
        $job = 'a busy fox' | Submit-GeminiJob -Queue shop
        $jobQueue = (Get-GeminiType 'GeminiImage.Engine.Queue.JobQueue')::Open($Queue.ConnectionString)
        $null = $jobQueue.Claim('shop', 'elsewhere:1', [TimeSpan]::FromMinutes(5))
        $err = $null
        Remove-GeminiJob -Id $job.Id -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -BeLike 'GeminiImage.JobRunning*'
        $err[0].CategoryInfo.Category | Should -Be 'ResourceBusy'
        $err[0].TargetObject | Should -Be $job.Id
        Remove-GeminiJob -Id $job.Id -Force
        Get-GeminiJob -Queue shop | Should -BeNullOrEmpty
    }
}
