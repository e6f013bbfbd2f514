# Restart-GeminiJob against a real PostgreSQL.
BeforeAll {
    . (Join-Path $PSScriptRoot 'common.ps1')
    . (Join-Path $PSScriptRoot 'QueueTestHelpers.ps1')
    $script:Pg, $script:Emulator = Enter-TestQueueSuite
}
AfterAll { Exit-TestQueueSuite }

Describe 'Restart-GeminiJob' {
    BeforeEach { $script:Queue = Reset-TestQueue $Pg $Emulator -Name shop }
    AfterEach { Set-GeminiConfig -Ledger SQLite }

    It 'puts dead letters back with fresh attempts, and a worker then runs them' {
        $null = Invoke-TestEmulatorControl $Emulator faults -Method Post -Body @{ kind = 'Unavailable503'; count = 2 }
        $job = 'a stubborn fox' | Submit-GeminiJob -Queue shop -MaxAttempts 2
        $null = Start-GeminiWorker -Queue shop -Drain -MaxRetries 0 -RetryDelaySec 0 -WarningAction SilentlyContinue
        (Get-GeminiJob -Id $job.Id).State | Should -Be 'Dead'

        Get-GeminiJob -Queue shop -State Dead | Restart-GeminiJob -WhatIf | Should -BeNullOrEmpty
        (Get-GeminiJob -Id $job.Id).State | Should -Be 'Dead'
        $restarted = Get-GeminiJob -Queue shop -State Dead | Restart-GeminiJob
        $restarted.State | Should -Be 'Queued'
        $restarted.Attempts | Should -Be 0
        $done = Start-GeminiWorker -Queue shop -Drain
        $done.State | Should -Be 'Done'
        $Emulator.RequestCount | Should -Be 3
    }

    It 'refuses a job that is not dead (JobNotDead, InvalidOperation) and an unknown one (JobNotFound)' {
        $job = 'a waiting fox' | Submit-GeminiJob -Queue shop
        $err = $null
        $null = Restart-GeminiJob -Id $job.Id -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -BeLike 'GeminiImage.JobNotDead*'
        $err[0].CategoryInfo.Category | Should -Be 'InvalidOperation'
        $err[0].TargetObject | Should -Be $job.Id
        $null = Restart-GeminiJob -Id 999999 -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -BeLike 'GeminiImage.JobNotFound*'
    }
}
