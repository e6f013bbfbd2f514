BeforeAll {
    . (Join-Path $PSScriptRoot 'common.ps1')
    . (Join-Path $PSScriptRoot 'HelpExamples.ps1')
    . (Join-Path $PSScriptRoot 'BatchJobHelpers.ps1')
    $script:OldHome = $env:GEMINI_IMAGE_HOME
    $env:GEMINI_IMAGE_HOME = New-TestFolder 'receive-batch-home'
    $script:Emulator = Start-TestEmulator
}
AfterAll {
    Stop-GeminiEmulator
    $env:GEMINI_IMAGE_HOME = $script:OldHome
}

Describe 'Receive-GeminiBatchJob' {
    BeforeEach {
        $Emulator.Reset()
        $script:Work = New-TestFolder 'receive-batch'
        $script:Out = Join-Path $Work 'out'
    }

    It 'saves each row''s image named by its id and emits one result per row with its image''s properties' {
        $job = New-TestServerJob $Emulator $Work
        $null = Wait-GeminiBatchJob $job.Name -PollIntervalSec 0.2 -MaxWaitSec 60
        $rows = @(Receive-GeminiBatchJob $job.Name)
        $rows | Should -HaveCount 2
        $rows[0].GetType().FullName | Should -Be 'GeminiImage.Engine.Batch.BatchRowResult'
        $fox = $rows | Where-Object Id -eq 'fox'
        "$($fox.Status)" | Should -Be 'Succeeded'
        $fox.Prompt | Should -Be 'a red fox'
        $fox.Model | Should -Be 'gemini-3.1-flash-image'
        $fox.Path | Should -Be (Join-Path $Out 'fox.png')
        $fox.Path | Should -Exist
        $fox.Cost | Should -BeGreaterThan 0
        $fox.Width | Should -BeGreaterThan 0
        $fox.Height | Should -BeGreaterThan 0
        $fox.FromJournal | Should -BeFalse
        $image = [SixLabors.ImageSharp.Image]::Identify($fox.Path)
        $image.Width | Should -Be $fox.Width
        (Get-Content -LiteralPath (Join-Path $Out 'batch-report.json') -Raw | ConvertFrom-Json).summary.succeeded | Should -Be 2
    }

    It 'makes no previews by default (the gallery shows the saved images, as Invoke-GeminiBatch); -Thumbnail makes them' {
        $job = New-TestServerJob $Emulator $Work
        $null = Wait-GeminiBatchJob $job.Name -PollIntervalSec 0.2 -MaxWaitSec 60
        $rows = @(Receive-GeminiBatchJob $job.Name)
        $rows | Where-Object Thumbnail | Should -BeNullOrEmpty
        Join-Path $Out 'thumbnails' | Should -Not -Exist
        Get-Content -LiteralPath (Join-Path $Out 'batch-report.html') -Raw | Should -Match 'src="fox.png"'
        $elsewhere = Join-Path $Work 'previews'
        $with = @(Receive-GeminiBatchJob $job.Name -OutputDirectory $elsewhere -Thumbnail)
        ($with | Where-Object Id -eq 'fox').Thumbnail | Should -Be 'thumbnails/fox.jpg'
        Join-Path $elsewhere 'thumbnails/fox.jpg' | Should -Exist
        Get-Content -LiteralPath (Join-Path $elsewhere 'batch-report.html') -Raw | Should -Match 'src="thumbnails/fox.jpg"'
    }

    It 'takes jobs by value and by property name; -OutputDirectory (also a property of the job) saves elsewhere' {
        $job = New-TestServerJob $Emulator $Work
        $done = Wait-GeminiBatchJob $job.Name -PollIntervalSec 0.2 -MaxWaitSec 60
        $done.OutputDirectory | Should -Be $Out
        $elsewhere = Join-Path $Work 'elsewhere'
        $rows = $done | Receive-GeminiBatchJob -OutputDirectory $elsewhere
        @($rows).Path | Sort-Object | Should -Be @((Join-Path $elsewhere 'fox.png'), (Join-Path $elsewhere 'owl.png'))
        Join-Path $Out 'fox.png' | Should -Not -Exist
        # the job's own OutputDirectory binds by property name: received again there, each row once
        $again = $done | Receive-GeminiBatchJob
        @($again).Path | Sort-Object | Should -Be @((Join-Path $Out 'fox.png'), (Join-Path $Out 'owl.png'))
        ($job.Name | Receive-GeminiBatchJob -OutputDirectory $elsewhere).FromJournal | Should -Be @($true, $true)
    }

    It '-WhatIf saves nothing, records nothing and emits nothing' {
        $job = New-TestServerJob $Emulator $Work
        $null = Wait-GeminiBatchJob $job.Name -PollIntervalSec 0.2 -MaxWaitSec 60
        $usage = @(Get-GeminiUsage).Count
        Receive-GeminiBatchJob $job.Name -WhatIf | Should -BeNullOrEmpty
        Get-ChildItem -LiteralPath $Out -Filter *.png -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        @(Get-GeminiUsage).Count | Should -Be $usage
    }

    It 'a job still running is BatchNotFinished, with the category README documents and the job as target; nothing is saved' {
        $job = New-TestServerJob $Emulator $Work -Hold
        $err = $null
        Receive-GeminiBatchJob $job.Name -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $err | Should -HaveCount 1
        $err[0].FullyQualifiedErrorId | Should -Be 'GeminiImage.BatchNotFinished,GeminiImage.Cmdlets.Commands.ReceiveGeminiBatchJobCommand'
        "$($err[0].CategoryInfo.Category)" | Should -Be 'InvalidOperation'
        $err[0].TargetObject | Should -Be $job.Name
        "$($err[0])" | Should -BeLike '*Wait-GeminiBatchJob*'
        Get-ChildItem -LiteralPath $Out -Filter *.png -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
    }

    It 'a job not submitted from this machine is BatchManifestNotFound, ObjectNotFound, with the job as target, before asking the service' {
        $err = $null
        Receive-GeminiBatchJob 'batches/submitted-elsewhere' -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $err | Should -HaveCount 1
        $err[0].FullyQualifiedErrorId | Should -Be 'GeminiImage.BatchManifestNotFound,GeminiImage.Cmdlets.Commands.ReceiveGeminiBatchJobCommand'
        "$($err[0].CategoryInfo.Category)" | Should -Be 'ObjectNotFound'
        $err[0].TargetObject | Should -Be 'batches/submitted-elsewhere'
        "$($err[0])" | Should -BeLike '*batch-job-submitted-elsewhere.json*'
        $Emulator.RequestCount | Should -Be 0
    }

    It 'refuses an empty name before asking the service' {
        { Receive-GeminiBatchJob -Name '' } | Should -Throw -ErrorId 'ParameterArgumentValidationError*'
        $Emulator.RequestCount | Should -Be 0
    }

    It 'help example 1 saves the images into the job''s output folder' {
        $job = New-TestServerJob $Emulator $Work
        $null = Wait-GeminiBatchJob $job.Name -PollIntervalSec 0.2 -MaxWaitSec 60
        $r = Invoke-HelpExample Receive-GeminiBatchJob 1 -In $Work -Replace @{ 'batches/abc123' = $job.Name }
        $r.Errors | Should -BeNullOrEmpty
        @($r.Output).Id | Sort-Object | Should -Be @('fox', 'owl')
        Join-Path $Out 'fox.png' | Should -Exist
    }

    It 'help example 2 saves into another folder and shows only the rows that did not succeed' {
        $job = New-TestServerJob $Emulator $Work -Rows @(@{ Id = 'ok'; Prompt = 'a teapot' }, @{ Id = 'bad'; Prompt = '[emulator:500] this row fails' })
        $null = Wait-GeminiBatchJob $job.Name -PollIntervalSec 0.2 -MaxWaitSec 60
        $renders = Join-Path $Work 'renders'
        $r = Invoke-HelpExample Receive-GeminiBatchJob 2 -In $Work -Replace ([ordered]@{ 'batches/abc123' = $job.Name; 'D:\renders' = $renders })
        @($r.Output).Id | Should -Be @('bad')
        "$($r.Output[0].Status)" | Should -Be 'Failed'
        @($r.Errors) | Should -HaveCount 1
        $r.Errors[0].TargetObject | Should -Be 'bad'
        Join-Path $renders 'ok.png' | Should -Exist
    }
}
