BeforeAll {
    . (Join-Path $PSScriptRoot 'common.ps1')
    . (Join-Path $PSScriptRoot 'HelpExamples.ps1')
    . (Join-Path $PSScriptRoot 'BatchJobHelpers.ps1')
    $script:OldHome = $env:GEMINI_IMAGE_HOME
    $env:GEMINI_IMAGE_HOME = New-TestFolder 'wait-batch-home'
    $script:Emulator = Start-TestEmulator
}
AfterAll {
    Stop-GeminiEmulator
    $env:GEMINI_IMAGE_HOME = $script:OldHome
}

Describe 'Wait-GeminiBatchJob' {
    BeforeEach {
        $Emulator.Reset()
        $script:Work = New-TestFolder 'wait-batch'
    }

    It 'polls until the job ends and emits it once, finished' {
        $job = New-TestServerJob $Emulator $Work -Hold
        # the job moves on while Wait polls (a thread job: same process, same emulator)
        $mover = Start-ThreadJob -ArgumentList $Emulator, $job.Name -ScriptBlock {
            param($emulator, $name)
            Start-Sleep -Milliseconds 600; $null = $emulator.AdvanceBatch($name)
            Start-Sleep -Milliseconds 600; $null = $emulator.AdvanceBatch($name)
        }
        try { $done = Wait-GeminiBatchJob $job.Name -PollIntervalSec 0.2 -MaxWaitSec 60 }
        finally { $mover | Wait-Job | Remove-Job }
        @($done).Count | Should -Be 1
        $done.GetType().FullName | Should -Be 'GeminiImage.Engine.Batch.GeminiBatchJob'
        $done.Name | Should -Be $job.Name
        $done.State | Should -Be 'Succeeded'
        $done.Done | Should -BeTrue
        $done.SucceededCount | Should -Be 2
        @($Emulator.Requests | Where-Object { $_.Method -eq 'GET' -and $_.Path -like "*$($job.Id)*" }).Count | Should -BeGreaterThan 2
    }

    It 'starts polling after a second and backs off, saying under -Verbose why and how long it waits (issue 15)' {
        $job = New-TestServerJob $Emulator $Work -Hold
        $mover = Start-ThreadJob -ArgumentList $Emulator, $job.Name -ScriptBlock {
            param($emulator, $name)
            Start-Sleep -Milliseconds 800; $null = $emulator.AdvanceBatch($name); $null = $emulator.AdvanceBatch($name)
        }
        $watch = [System.Diagnostics.Stopwatch]::StartNew()
        try { $all = Wait-GeminiBatchJob $job.Name -MaxWaitSec 60 -Verbose 4>&1 }
        finally { $mover | Wait-Job | Remove-Job }
        $watch.Stop()
        $done = $all | Where-Object { $_ -isnot [System.Management.Automation.VerboseRecord] }
        $done.State | Should -Be 'Succeeded'
        # the default 10 s is the longest wait, not the first: a job that ends after about a second is seen in a few
        $watch.Elapsed.TotalSeconds | Should -BeLessThan 8
        $verbose = @($all | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] } | ForEach-Object Message | Where-Object { $_ -like "$($job.Name) is *" })
        $verbose[0] | Should -Match 'is Pending \(0 of 2 processed\); checking again in 1 s \(the wait grows to 10 s between checks\)'
    }

    It 'takes jobs from the pipeline by value and by property name, and waits for each' {
        $a = New-TestServerJob $Emulator $Work -Name 'a.csv'
        $b = New-TestServerJob $Emulator (New-TestFolder 'b')
        ($a, $b | Wait-GeminiBatchJob -PollIntervalSec 0.2 -MaxWaitSec 60).Name | Should -Be @($a.Name, $b.Name)
        ($a.Name, $b.Id | Wait-GeminiBatchJob -PollIntervalSec 0.2 -MaxWaitSec 60).State | Should -Be @('Succeeded', 'Succeeded')
    }

    It '-MaxWaitSec gives up with BatchWaitTimeout, OperationTimeout and the job as target, emitting nothing' {
        $job = New-TestServerJob $Emulator $Work -Hold
        $err = $null
        $watch = [System.Diagnostics.Stopwatch]::StartNew()
        $out = Wait-GeminiBatchJob $job.Name -PollIntervalSec 0.2 -MaxWaitSec 1 -ErrorVariable err -ErrorAction SilentlyContinue
        $watch.Elapsed.TotalSeconds | Should -BeGreaterOrEqual 1
        $watch.Elapsed.TotalSeconds | Should -BeLessThan 30
        $out | Should -BeNullOrEmpty
        $err | Should -HaveCount 1
        $err[0].FullyQualifiedErrorId | Should -Be 'GeminiImage.BatchWaitTimeout,GeminiImage.Cmdlets.Commands.WaitGeminiBatchJobCommand'
        "$($err[0].CategoryInfo.Category)" | Should -Be 'OperationTimeout'
        $err[0].TargetObject | Should -Be $job.Name
        "$($err[0])" | Should -BeLike '*still Pending after 1 s*'
    }

    It 'an unknown job is an ObjectNotFound error with the name as target, and the next piped job is still waited for' {
        $job = New-TestServerJob $Emulator $Work
        $err = $null
        $out = 'batches/no-such-job', $job.Name | Wait-GeminiBatchJob -PollIntervalSec 0.2 -MaxWaitSec 60 -ErrorVariable err -ErrorAction SilentlyContinue
        @($out).Name | Should -Be @($job.Name)
        $err | Should -HaveCount 1
        $err[0].FullyQualifiedErrorId | Should -BeLike 'GeminiImage.*'
        "$($err[0].CategoryInfo.Category)" | Should -Be 'ObjectNotFound'
        $err[0].TargetObject | Should -Be 'batches/no-such-job'
    }

    It 'refuses <Case> before asking the service' -ForEach @(
        @{ Case = 'a poll interval below 0.1 s'; Splat = @{ Name = 'batches/x'; PollIntervalSec = 0 } }
        @{ Case = 'a negative -MaxWaitSec'; Splat = @{ Name = 'batches/x'; MaxWaitSec = -1 } }
        @{ Case = 'an empty name'; Splat = @{ Name = '' } }
    ) {
        { Wait-GeminiBatchJob @Splat } | Should -Throw -ErrorId 'ParameterArgumentValidationError*'
        $Emulator.RequestCount | Should -Be 0
    }

    It 'help example 1 submits, waits and saves the images' {
        @([pscustomobject]@{ Id = 'kite'; Prompt = 'a red kite' }, [pscustomobject]@{ Id = 'boat'; Prompt = 'a paper boat' }) |
            Export-Csv -LiteralPath (Join-Path $Work 'tasks.csv') -NoTypeInformation
        $r = Invoke-HelpExample Wait-GeminiBatchJob 1 -In $Work
        $r.Errors | Should -BeNullOrEmpty
        @($r.Output).Id | Sort-Object | Should -Be @('boat', 'kite')
        @($r.Output).Status | Should -Be @('Succeeded', 'Succeeded')
        Join-Path $Work 'out/kite.png' | Should -Exist
        Join-Path $Work 'out/boat.png' | Should -Exist
    }

    It 'help example 2 emits a finished job at once' {
        $job = New-TestServerJob $Emulator $Work
        $null = Wait-GeminiBatchJob $job.Name -PollIntervalSec 0.2 -MaxWaitSec 60
        $r = Invoke-HelpExample Wait-GeminiBatchJob 2 -In $Work -Replace @{ 'batches/abc123' = $job.Name }
        $r.Errors | Should -BeNullOrEmpty
        @($r.Output).Name | Should -Be @($job.Name)
        $r.Output[0].State | Should -Be 'Succeeded'
    }
}
