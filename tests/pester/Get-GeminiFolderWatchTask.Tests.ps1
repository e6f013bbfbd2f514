# Task Scheduler is Windows-only: here (CI runs Linux) the cmdlet's contract is its clear platform error; the listing
# itself runs only on Windows (not run by CI).
BeforeAll {
    . (Join-Path $PSScriptRoot 'common.ps1')
    . (Join-Path $PSScriptRoot 'HelpExamples.ps1')
}

Describe 'Get-GeminiFolderWatchTask' {
    It 'elsewhere fails at once with TaskSchedulerUnavailable, NotImplemented, and says what to use instead' -Skip:$OnWindows {
        $err = { Get-GeminiFolderWatchTask } | Should -Throw -ErrorId 'GeminiImage.TaskSchedulerUnavailable,GeminiImage.Cmdlets.Commands.GetGeminiFolderWatchTaskCommand' -PassThru
        "$($err.CategoryInfo.Category)" | Should -Be 'NotImplemented'
        $err.Exception | Should -BeOfType [System.PlatformNotSupportedException]
        "$err" | Should -BeLike '*Windows-only*'
        $err.ErrorDetails.RecommendedAction | Should -BeLike '*crontab*'
        $err.ErrorDetails.RecommendedAction | Should -BeLike '*systemctl --user disable --now geminiimage-watch-*'
        # the same with a name, a wildcard, and -ErrorAction SilentlyContinue (a terminating error still stops it)
        { Get-GeminiFolderWatchTask 'product-*' } | Should -Throw -ErrorId 'GeminiImage.TaskSchedulerUnavailable*'
        $out = try { Get-GeminiFolderWatchTask -ErrorAction SilentlyContinue } catch { 'stopped' }
        $out | Should -Be 'stopped'
    }

    It 'elsewhere its help examples end in that same error and nothing else' -Skip:$OnWindows {
        $in = New-TestFolder 'watch-task-example'
        foreach ($n in 1, 2) {
            $r = Invoke-HelpExample Get-GeminiFolderWatchTask $n -In $in
            $r.Output | Should -BeNullOrEmpty
            $r.Errors | Should -HaveCount 1
            $r.Errors[0].FullyQualifiedErrorId | Should -BeLike 'GeminiImage.TaskSchedulerUnavailable,*'
        }
    }

    It 'lists a registered task by name and wildcard, with its schedule and command (Windows only; not run by CI)' -Skip:(-not $OnWindows) {
        $watchHome = New-TestFolder 'watch-task-home'
        $saved = $env:GEMINI_IMAGE_HOME; $env:GEMINI_IMAGE_HOME = $watchHome
        $in = New-Item -ItemType Directory -Path (Join-Path $watchHome 'in')
        $name = 'pester-get-' + [guid]::NewGuid().ToString('N').Substring(0, 6)
        try {
            Register-GeminiFolderWatchTask -Name $name -Every ([timespan]'0:15:0') -Path $in.FullName -Prompt 'white' -OutputDirectory (Join-Path $watchHome 'out') -Force | Out-Null
            $task = Get-GeminiFolderWatchTask $name
            $task.GetType().FullName | Should -Be 'GeminiImage.Engine.Watch.FolderWatchTask'
            $task.Name | Should -Be $name
            $task.Every | Should -Be ([timespan]'0:15:0')
            $task.Arguments | Should -Match 'Start-GeminiFolderWatch'
            (Get-GeminiFolderWatchTask 'pester-get-*').Name | Should -Contain $name
            Get-GeminiFolderWatchTask 'no-such-task-*' | Should -BeNullOrEmpty
        }
        finally {
            Unregister-GeminiFolderWatchTask -Name $name -Confirm:$false -ErrorAction SilentlyContinue
            $env:GEMINI_IMAGE_HOME = $saved
        }
    }
}
