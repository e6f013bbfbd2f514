# Task Scheduler is Windows-only: here (CI runs Linux) the cmdlet's contract is its input check and its clear platform
# error; removing a task runs only on Windows (not run by CI).
BeforeAll {
    . (Join-Path $PSScriptRoot 'common.ps1')
    . (Join-Path $PSScriptRoot 'HelpExamples.ps1')
}

Describe 'Unregister-GeminiFolderWatchTask' {
    It 'elsewhere fails once, before any input, with TaskSchedulerUnavailable, even under -WhatIf' -Skip:$OnWindows {
        $err = { Unregister-GeminiFolderWatchTask -Name product-shots -WhatIf } | Should -Throw -ErrorId 'GeminiImage.TaskSchedulerUnavailable,GeminiImage.Cmdlets.Commands.UnregisterGeminiFolderWatchTaskCommand' -PassThru
        "$($err.CategoryInfo.Category)" | Should -Be 'NotImplemented'
        $err.ErrorDetails.RecommendedAction | Should -BeLike '*systemctl --user disable --now geminiimage-watch-*'
        # piped task objects (by their Name property): one error for the pipeline, not one per object
        $errors = @()
        try { [pscustomobject]@{ Name = 'one' }, [pscustomobject]@{ Name = 'two' } | Unregister-GeminiFolderWatchTask }
        catch { $errors += $_ }
        $errors | Should -HaveCount 1
        $errors[0].FullyQualifiedErrorId | Should -BeLike 'GeminiImage.TaskSchedulerUnavailable,*'
    }

    It 'refuses a name that is not a task name (<Name>) before anything else' -ForEach @(
        @{ Name = '..\escape' }
        @{ Name = 'two words' }
        @{ Name = '-dash-first' }
    ) {
        { Unregister-GeminiFolderWatchTask -Name $Name -WhatIf } | Should -Throw -ErrorId 'ParameterArgumentValidationError,*'
    }

    It 'elsewhere help example 1 ends in the platform error' -Skip:$OnWindows {
        $r = Invoke-HelpExample Unregister-GeminiFolderWatchTask 1 -In (New-TestFolder 'unregister-example')
        $r.Errors | Should -HaveCount 1
        $r.Errors[0].FullyQualifiedErrorId | Should -BeLike 'GeminiImage.TaskSchedulerUnavailable,*'
    }

    It 'removes a registered task, keeps it under -WhatIf, and an unknown one is TaskNotFound (Windows only; not run by CI)' -Skip:(-not $OnWindows) {
        $watchHome = New-TestFolder 'unregister-home'
        $saved = $env:GEMINI_IMAGE_HOME; $env:GEMINI_IMAGE_HOME = $watchHome
        $in = New-Item -ItemType Directory -Path (Join-Path $watchHome 'in')
        $name = 'pester-unreg-' + [guid]::NewGuid().ToString('N').Substring(0, 6)
        try {
            Register-GeminiFolderWatchTask -Name $name -Every ([timespan]'0:15:0') -Path $in.FullName -Prompt 'white' -OutputDirectory (Join-Path $watchHome 'out') -Force | Out-Null
            Unregister-GeminiFolderWatchTask -Name $name -WhatIf
            Get-GeminiFolderWatchTask $name | Should -Not -BeNullOrEmpty
            Get-GeminiFolderWatchTask $name | Unregister-GeminiFolderWatchTask -Confirm:$false | Should -BeNullOrEmpty
            Get-GeminiFolderWatchTask $name | Should -BeNullOrEmpty
            $err = $null
            Unregister-GeminiFolderWatchTask -Name $name -Confirm:$false -ErrorVariable err -ErrorAction SilentlyContinue
            $err[0].FullyQualifiedErrorId | Should -BeLike 'GeminiImage.TaskNotFound,*'
            "$($err[0].CategoryInfo.Category)" | Should -Be 'ObjectNotFound'
            $err[0].TargetObject | Should -Be $name
        }
        finally {
            Unregister-GeminiFolderWatchTask -Name $name -Confirm:$false -ErrorAction SilentlyContinue
            $env:GEMINI_IMAGE_HOME = $saved
        }
    }
}
