BeforeAll {
    . (Join-Path $PSScriptRoot 'common.ps1')
    . (Join-Path $PSScriptRoot 'HelpExamples.ps1')
    . (Join-Path $PSScriptRoot 'BatchJobHelpers.ps1')
    $script:OldHome = $env:GEMINI_IMAGE_HOME
    $env:GEMINI_IMAGE_HOME = New-TestFolder 'get-batch-home'
    $script:Emulator = Start-TestEmulator
}
AfterAll {
    Stop-GeminiEmulator
    $env:GEMINI_IMAGE_HOME = $script:OldHome
}

Describe 'Get-GeminiBatchJob' {
    BeforeEach {
        $Emulator.Reset()
        $script:Work = New-TestFolder 'get-batch'
    }

    It 'returns the job with its state, counts and model, and what this machine knows of it' {
        $job = New-TestServerJob $Emulator $Work -Hold
        $got = Get-GeminiBatchJob $job.Name
        @($got).Count | Should -Be 1
        $got.GetType().FullName | Should -Be 'GeminiImage.Engine.Batch.GeminiBatchJob'
        $got.Name | Should -Be $job.Name
        $got.Name | Should -BeLike 'batches/*'
        $got.Id | Should -Be $job.Name.Substring('batches/'.Length)
        $got.State | Should -Be 'Pending'
        $got.Done | Should -BeFalse
        $got.Model | Should -Be 'gemini-3.1-flash-image'
        $got.RequestCount | Should -Be 2
        $got.PendingCount | Should -Be 2
        $got.CreateTime | Should -Not -BeNullOrEmpty
        $got.EndTime | Should -BeNullOrEmpty
        $got.InputMode | Should -Be 'Inline'
        $got.OutputDirectory | Should -Be (Join-Path $Work 'out')
        $got.Error | Should -BeNullOrEmpty

        $null = $Emulator.AdvanceBatch($job.Name)
        (Get-GeminiBatchJob $job.Name).State | Should -Be 'Running'
        $null = $Emulator.AdvanceBatch($job.Name)
        $done = Get-GeminiBatchJob $job.Name
        $done.State | Should -Be 'Succeeded'
        $done.Done | Should -BeTrue
        $done.SucceededCount | Should -Be 2
        $done.EndTime | Should -Not -BeNullOrEmpty
    }

    It 'without -Name lists every job, newest first' {
        $first = New-TestServerJob $Emulator $Work -Hold -Name 'first.csv'
        $second = New-TestServerJob $Emulator (New-TestFolder 'second') -Hold
        $all = @(Get-GeminiBatchJob)
        $all.Name | Should -Be @($second.Name, $first.Name)
        $all | ForEach-Object { $_.State | Should -Be 'Pending' }
    }

    It 'takes the bare id, several names, names by value, and jobs by property name' {
        $a = New-TestServerJob $Emulator $Work -Hold -Name 'a.csv'
        $b = New-TestServerJob $Emulator (New-TestFolder 'b') -Hold
        (Get-GeminiBatchJob $a.Id).Name | Should -Be $a.Name
        (Get-GeminiBatchJob $a.Name, $b.Name).Name | Should -Be @($a.Name, $b.Name)
        ($a.Name, $b.Id | Get-GeminiBatchJob).Name | Should -Be @($a.Name, $b.Name)
        ($a, $b | Get-GeminiBatchJob).Name | Should -Be @($a.Name, $b.Name)
        ([pscustomobject]@{ Name = $b.Name } | Get-GeminiBatchJob).Name | Should -Be $b.Name
    }

    It 'an unknown job is a non-terminating ObjectNotFound error with the name as target; the other names still come back' {
        $job = New-TestServerJob $Emulator $Work -Hold
        $err = $null
        $got = Get-GeminiBatchJob 'batches/no-such-job', $job.Name -ErrorVariable err -ErrorAction SilentlyContinue
        @($got).Name | Should -Be @($job.Name)
        $err | Should -HaveCount 1
        $err[0].FullyQualifiedErrorId | Should -BeLike 'GeminiImage.*,GeminiImage.Cmdlets.Commands.GetGeminiBatchJobCommand'
        "$($err[0].CategoryInfo.Category)" | Should -Be 'ObjectNotFound'
        $err[0].TargetObject | Should -Be 'batches/no-such-job'
        "$($err[0])" | Should -BeLike '*batches/no-such-job*'
    }

    It 'an unknown job is GeminiImage.BatchJobNotFound (not ModelNotFound) for Get-, Wait- and Stop-GeminiBatchJob' {
        foreach ($command in 'Get-GeminiBatchJob', 'Wait-GeminiBatchJob', 'Stop-GeminiBatchJob') {
            $err = $null
            $extra = if ($command -eq 'Stop-GeminiBatchJob') { @{ Confirm = $false } } else { @{} }
            & $command 'batches/no-such-job' -ErrorVariable err -ErrorAction SilentlyContinue @extra | Out-Null
            $err[0].FullyQualifiedErrorId | Should -BeLike 'GeminiImage.BatchJobNotFound,*' -Because $command
            "$($err[0].CategoryInfo.Category)" | Should -Be 'ObjectNotFound'
            $err[0].Exception.Message | Should -Not -Match 'model id'
        }
    }

    It 'a failed job warns with the operation''s error' {
        $job = New-TestServerJob $Emulator $Work -Rows @(@{ Id = 'v'; Prompt = 'a vase [emulator:batchfail]' })
        $deadline = [datetime]::UtcNow.AddSeconds(20)
        do { $got = Get-GeminiBatchJob $job.Name -WarningAction SilentlyContinue } until ($got.Done -or [datetime]::UtcNow -gt $deadline)
        $warn = $null
        $got = Get-GeminiBatchJob $job.Name -WarningVariable warn -WarningAction SilentlyContinue
        $got.State | Should -Be 'Failed'
        $got.Error | Should -Match '^code 13'
        "$warn" | Should -BeLike "*$($job.Name) ended as Failed: code 13*"
    }

    It 'help example 1 lists the jobs' {
        $job = New-TestServerJob $Emulator $Work -Hold
        $r = Invoke-HelpExample Get-GeminiBatchJob 1 -In $Work
        $r.Errors | Should -BeNullOrEmpty
        @($r.Output).Name | Should -Be @($job.Name)
    }

    It 'help example 2 shows the state and counts of one job' {
        $job = New-TestServerJob $Emulator $Work -Hold
        $r = Invoke-HelpExample Get-GeminiBatchJob 2 -In $Work -Replace @{ 'batches/abc123' = $job.Name }
        $r.Errors | Should -BeNullOrEmpty
        $text = $r.Output | Out-String
        $text | Should -Match 'State\s+: Pending'
        $text | Should -Match 'RequestCount\s+: 2'
        $text | Should -Match 'SucceededCount\s+: 0'
        $text | Should -Match 'FailedCount\s+: 0'
    }
}
