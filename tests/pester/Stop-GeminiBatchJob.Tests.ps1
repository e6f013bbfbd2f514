BeforeAll {
    . (Join-Path $PSScriptRoot 'common.ps1')
    . (Join-Path $PSScriptRoot 'HelpExamples.ps1')
    . (Join-Path $PSScriptRoot 'BatchJobHelpers.ps1')
    $script:OldHome = $env:GEMINI_IMAGE_HOME
    $env:GEMINI_IMAGE_HOME = New-TestFolder 'stop-batch-home'
    $script:Emulator = Start-TestEmulator
    function Get-CancelCount { @($Emulator.Requests | Where-Object { $_.Method -eq 'POST' -and $_.Path -like '*:cancel' }).Count }
}
AfterAll {
    Stop-GeminiEmulator
    $env:GEMINI_IMAGE_HOME = $script:OldHome
}

Describe 'Stop-GeminiBatchJob' {
    BeforeEach {
        $Emulator.Reset()
        $script:Work = New-TestFolder 'stop-batch'
    }

    It 'cancels the job and returns nothing; -PassThru returns it cancelled' {
        $a = New-TestServerJob $Emulator $Work -Hold -Name 'a.csv'
        Stop-GeminiBatchJob $a.Name | Should -BeNullOrEmpty
        Get-CancelCount | Should -Be 1
        (Get-GeminiBatchJob $a.Name).State | Should -Be 'Cancelled'

        $b = New-TestServerJob $Emulator (New-TestFolder 'b') -Hold
        $stopped = Stop-GeminiBatchJob $b.Id -PassThru
        $stopped.GetType().FullName | Should -Be 'GeminiImage.Engine.Batch.GeminiBatchJob'
        $stopped.Name | Should -Be $b.Name
        $stopped.State | Should -Be 'Cancelled'
        $stopped.Done | Should -BeTrue
    }

    It '-WhatIf sends no cancel request; -Confirm:$false cancels without asking' {
        $job = New-TestServerJob $Emulator $Work -Hold
        Stop-GeminiBatchJob $job.Name -WhatIf
        Get-CancelCount | Should -Be 0
        (Get-GeminiBatchJob $job.Name).State | Should -Be 'Pending'
        Stop-GeminiBatchJob $job.Name -Confirm:$false
        (Get-GeminiBatchJob $job.Name).State | Should -Be 'Cancelled'
    }

    It 'takes names by value and jobs by property name' {
        $a = New-TestServerJob $Emulator $Work -Hold -Name 'a.csv'
        $b = New-TestServerJob $Emulator (New-TestFolder 'b') -Hold
        ($a | Stop-GeminiBatchJob -PassThru).State | Should -Be 'Cancelled'
        ($b.Name | Stop-GeminiBatchJob -PassThru).State | Should -Be 'Cancelled'
        Get-CancelCount | Should -Be 2
    }

    It 'an unknown job is an ObjectNotFound error with the name as target; the next piped job is still cancelled' {
        $job = New-TestServerJob $Emulator $Work -Hold
        $err = $null
        $out = 'batches/no-such-job', $job.Name | Stop-GeminiBatchJob -PassThru -ErrorVariable err -ErrorAction SilentlyContinue
        @($out).Name | Should -Be @($job.Name)
        $err | Should -HaveCount 1
        $err[0].FullyQualifiedErrorId | Should -BeLike 'GeminiImage.*,GeminiImage.Cmdlets.Commands.StopGeminiBatchJobCommand'
        "$($err[0].CategoryInfo.Category)" | Should -Be 'ObjectNotFound'
        $err[0].TargetObject | Should -Be 'batches/no-such-job'
    }

    It 'refuses an empty name before asking the service' {
        { Stop-GeminiBatchJob -Name '' } | Should -Throw -ErrorId 'ParameterArgumentValidationError*'
        $Emulator.RequestCount | Should -Be 0
    }

    It 'help example 1 cancels the job' {
        $job = New-TestServerJob $Emulator $Work -Hold
        $r = Invoke-HelpExample Stop-GeminiBatchJob 1 -In $Work -Replace @{ 'batches/abc123' = $job.Name }
        $r.Errors | Should -BeNullOrEmpty
        $r.Output | Should -BeNullOrEmpty
        (Get-GeminiBatchJob $job.Name).State | Should -Be 'Cancelled'
    }

    It 'help example 2 cancels every pending job and only those, showing their new state' {
        $pending = New-TestServerJob $Emulator $Work -Hold -Name 'pending.csv'
        $running = New-TestServerJob $Emulator (New-TestFolder 'running') -Hold
        $null = $Emulator.AdvanceBatch($running.Name)
        $r = Invoke-HelpExample Stop-GeminiBatchJob 2 -In $Work
        $r.Errors | Should -BeNullOrEmpty
        @($r.Output).Name | Should -Be @($pending.Name)
        $r.Output[0].State | Should -Be 'Cancelled'
        (Get-GeminiBatchJob $running.Name).State | Should -Be 'Running'
    }
}
