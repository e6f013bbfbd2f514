# Register-GeminiFolderWatchTask: the schedule text for cron and systemd (run here), Task Scheduler (Windows only:
# CI has no Windows, so registration itself is untested there; the XML is checked against the schema in xUnit).
BeforeAll {
    . (Join-Path $PSScriptRoot 'common.ps1')
    $script:OldHome = $env:GEMINI_IMAGE_HOME
    $env:GEMINI_IMAGE_HOME = New-TestFolder 'schedule-home'
    $script:OldPath = $env:PATH
    $script:Pwsh = if (-not $OnWindows) { Use-InstalledPwsh }
    $script:Emulator = Start-TestEmulator
    $script:Corpus = Join-Path $RepoRoot 'tests/unit/data/images'

    function New-WatchFolders {
        $root = New-TestFolder 'schedule'
        $in = New-Item -ItemType Directory -Path (Join-Path $root 'in')
        [pscustomobject]@{ Root = $root; In = $in.FullName; Out = (Join-Path $root 'out') }
    }
    function New-KeyFile([string] $Folder, [string] $Mode = '600') {
        $file = Join-Path $Folder 'gemini.key'
        [IO.File]::WriteAllText($file, $Emulator.ApiKey)
        & chmod $Mode $file
        $file
    }
    $script:F = New-WatchFolders
    $script:Params = @{ Name = 'pester-watch'; Every = [timespan]'0:10:0'; Path = $F.In; Prompt = "it's white"; OutputDirectory = $F.Out; Filter = '*.png', '*.jpg' }
}
AfterAll {
    Stop-GeminiEmulator
    $env:GEMINI_IMAGE_HOME = $OldHome
    $env:PATH = $OldPath
}

Describe 'Register-GeminiFolderWatchTask' {
    It 'ends bad paths as GeminiImage.* errors with targets: a Windows drive on Linux, a missing -ApiKeyFile (issue 15)' -Skip:($env:OS -eq 'Windows_NT') {
        # Help example 1 as written, on Linux: D:\Drop names a drive this machine does not have.
        $err = { Register-GeminiFolderWatchTask -Name product-shots -Every 00:05:00 -Path D:\Drop -Prompt 'white studio background, soft shadow' -OutputDirectory D:\Catalog -ApiKeyFile $HOME\.gemini-key -WarningAction SilentlyContinue } |
            Should -Throw -ErrorId 'GeminiImage.PathNotFound*' -PassThru
        "$($err.CategoryInfo.Category)" | Should -Be 'ObjectNotFound'
        $err.TargetObject | Should -Be 'D'
        $err = { Register-GeminiFolderWatchTask @Params -ApiKeyFile (Join-Path $F.Root 'no-such.key') -WarningAction SilentlyContinue } | Should -Throw -ErrorId 'GeminiImage.ApiKeyNotFound*' -PassThru
        "$($err.CategoryInfo.Category)" | Should -Be 'ObjectNotFound'
        $err.TargetObject | Should -Be (Join-Path $F.Root 'no-such.key')
    }

    It 'prints the crontab line and systemd units elsewhere: installed pwsh, data folder, watch log, no API key' -Skip:($env:OS -eq 'Windows_NT') {
        $text = Register-GeminiFolderWatchTask @Params -WarningVariable warn -WarningAction SilentlyContinue
        "$warn" | Should -Match 'Task Scheduler is Windows-only'
        $text | Should -Match ([regex]::Escape("*/10 * * * * $Pwsh -NoProfile"))
        $text | Should -Not -Match '\.nuget|pwsh\.dll'
        $text | Should -Match ([regex]::Escape("`$env:GEMINI_IMAGE_HOME = '\''$env:GEMINI_IMAGE_HOME'\''"))
        $text | Should -Match ([regex]::Escape("Out-File -LiteralPath (Join-Path '\''$(Join-Path $env:GEMINI_IMAGE_HOME 'logs')'\''"))
        $text | Should -Match ([regex]::Escape("Start-GeminiFolderWatch -Path '\''$($F.In)'\'' -Prompt '\''it'\'''\''s white'\''"))
        $text | Should -Match "ExecStart=`"$([regex]::Escape($Pwsh))`" .*-Once } \*>&1 .*; exit \`$\`$LASTEXITCODE`""
        $text | Should -Match 'OnUnitActiveSec=600s'
        $text | Should -Match 'geminiimage-watch-pester-watch\.timer'
        $text | Should -Not -Match ([regex]::Escape($Emulator.ApiKey))

        $file = Join-Path $F.Root 'schedule.txt'
        (Register-GeminiFolderWatchTask @Params -OutFile $file -WarningAction SilentlyContinue).FullName | Should -Be $file
        Get-Content -LiteralPath $file -Raw | Should -Be $text
    }

    It 'the generated cron line runs in env -i and spends into the configured data folder' -Skip:($env:OS -eq 'Windows_NT') {
        $f = New-WatchFolders
        Copy-Item -LiteralPath (Join-Path $Corpus 'good.png') -Destination $f.In
        $key = New-KeyFile $f.Root
        $text = Register-GeminiFolderWatchTask -Name cron-run -Every 0:5:0 -Path $f.In -Prompt 'a 100% white background' -OutputDirectory $f.Out `
            -ApiKeyFile $key -BaseUri $Emulator.BaseUri -ThinkingLevel Minimal -IncludeThoughts -GoogleSearch -SearchType Web -ImageOnly -NoStore -Project scheduled `
            -WarningAction SilentlyContinue
        $line = @($text -split "`n" | Where-Object { $_ -match '^\*/5 ' })
        $line.Count | Should -Be 1
        # What cron hands to /bin/sh: the five time fields removed, \% turned back into %.
        $command = ($line[0] -replace '^(\S+\s+){5}', '') -replace '\\%', '%'
        $before = @(Get-GeminiUsage | Where-Object Operation -ne 'Search').Count

        $out = & env -i /bin/sh -c $command 2>&1
        $LASTEXITCODE | Should -Be 0 -Because ($out -join "`n")

        @(Get-ChildItem -LiteralPath $f.Out -File -Exclude '*.thought*').Count | Should -Be 1
        $Emulator.Requests[-1].Prompt | Should -Match '100% white'
        # The run sends the generation options given at registration, exactly as an interactive watch would.
        $body = $Emulator.Requests[-1].RawJson | ConvertFrom-Json -AsHashtable
        $body.generationConfig.thinkingConfig.thinkingLevel | Should -BeExactly 'MINIMAL'
        $body.generationConfig.thinkingConfig.includeThoughts | Should -BeTrue
        $body.generationConfig.responseModalities | Should -Be @('IMAGE')
        $body.tools[0].googleSearch.searchTypes.Keys | Should -Be @('webSearch')
        $body.store | Should -BeFalse
        @(Get-GeminiUsage -Project scheduled | Where-Object Operation -ne 'Search').Count | Should -Be 1
        # The record is in this session's data folder (GEMINI_IMAGE_HOME), not the default one env -i would give.
        @(Get-GeminiUsage | Where-Object Operation -ne 'Search').Count | Should -Be ($before + 1)
        # One pair of logs per watched folder: the watch's own log and the run's console output beside it.
        $stem = (Get-GeminiType 'GeminiImage.Engine.Watch.WatchLog')::StemFor($f.In)
        $day = Get-Date -Format 'yyyy-MM-dd'
        Get-Content -Raw -LiteralPath (Join-Path $env:GEMINI_IMAGE_HOME "logs/$stem-$day.log") | Should -Match 'good\.png'
        # The result object the run wrote to its output, redirected to the log.
        Get-Content -Raw -LiteralPath (Join-Path $env:GEMINI_IMAGE_HOME "logs/$stem-$day.output.log") | Should -Match 'Succeeded'
        Test-Path -LiteralPath (Join-Path $env:GEMINI_IMAGE_HOME "logs/watch-$day.log") | Should -BeFalse
    }

    It 'puts the generation options and connection settings given on the command line, never a secret, and checks the options now' -Skip:($env:OS -eq 'Windows_NT') {
        $text = Register-GeminiFolderWatchTask @Params -Model gemini-3.1-flash-image -ThinkingLevel High -IncludeThoughts -GoogleSearch -SearchType Web, Image -ImageOnly -NoStore `
            -Project brand -TimeoutSec 90 -MaxRetries 2 -ApiVersion v1beta -AuthStyle Bearer -WarningAction SilentlyContinue
        $q = "'\''"
        # What is watched first, then the rest in the order given.
        $text | Should -Match "Start-GeminiFolderWatch -Path $([regex]::Escape("$q$($F.In)$q")) -Prompt .+? -OutputDirectory \S+ -Model "
        foreach ($expected in "-Model ${q}gemini-3.1-flash-image$q", "-ThinkingLevel ${q}High$q", '-IncludeThoughts -', '-GoogleSearch -',
            "-SearchType ${q}Web$q,${q}Image$q", '-ImageOnly -', '-NoStore -', "-Project ${q}brand$q", '-TimeoutSec 90', '-MaxRetries 2',
            "-ApiVersion ${q}v1beta$q", "-AuthStyle ${q}Bearer$q") {
            $text | Should -Match ([regex]::Escape($expected))
        }
        $taken = (Get-Command Register-GeminiFolderWatchTask).Parameters
        foreach ($secret in 'ApiKey', 'ProxyCredential', 'Header') { $taken.ContainsKey($secret) | Should -BeFalse -Because "-$secret would put a secret on the command line" }
        { Register-GeminiFolderWatchTask @Params -Model gemini-2.5-flash-image -ThinkingLevel High -WarningAction SilentlyContinue } |
            Should -Throw -ErrorId 'GeminiImage.InvalidThinkingLevel*'
    }

    It 'refuses a prompt or path with a line break or other control character, and writes nothing' {
        $file = Join-Path $F.Root 'bad-schedule.txt'
        { Register-GeminiFolderWatchTask @Params -Prompt "cat`n* * * * * touch /tmp/PWNED" -OutFile $file -WarningAction SilentlyContinue } |
            Should -Throw -ErrorId 'GeminiImage.UnsafeScheduleText*'
        { Register-GeminiFolderWatchTask @Params -OutputDirectory "$($F.Out)`r" -OutFile $file -WarningAction SilentlyContinue } |
            Should -Throw -ErrorId 'GeminiImage.UnsafeScheduleText*'
        $file | Should -Not -Exist
    }

    It 'refuses to schedule a PowerShell that is not installed (a package cache), with a clear error' -Skip:($env:OS -eq 'Windows_NT') {
        if ($PSHOME -notmatch '[\\/]\.(nuget|store)[\\/]') { Set-ItResult -Skipped -Because "this PowerShell ($PSHOME) is installed"; return }
        $saved = $env:PATH
        try {
            $env:PATH = New-TestFolder 'empty-path'
            { Register-GeminiFolderWatchTask @Params -WarningAction SilentlyContinue } | Should -Throw -ErrorId 'GeminiImage.TaskHostUnavailable*'
        }
        finally { $env:PATH = $saved }
    }

    It 'warns when the API key file can be read by other users, or when there is none' -Skip:($env:OS -eq 'Windows_NT') {
        $open = New-KeyFile (New-TestFolder 'key') '644'
        $null = Register-GeminiFolderWatchTask @Params -ApiKeyFile $open -WarningVariable warn -WarningAction SilentlyContinue
        "$warn" | Should -Match 'can be read by other users \(mode 0644\)'

        $private = New-KeyFile (New-TestFolder 'key') '600'
        $null = Register-GeminiFolderWatchTask @Params -ApiKeyFile $private -WarningVariable warn -WarningAction SilentlyContinue
        "$warn" | Should -Not -Match 'read by other users'
        "$warn" | Should -Not -Match 'No -ApiKeyFile'

        $null = Register-GeminiFolderWatchTask @Params -WarningVariable warn -WarningAction SilentlyContinue
        "$warn" | Should -Match 'No -ApiKeyFile'
    }

    It 'writes % in Task Scheduler text so that PowerShell still reads it' {
        $schedule = Get-GeminiType 'GeminiImage.Engine.Watch.FolderWatchSchedule'
        foreach ($value in '100%', '%PATH%', "it's 50% %USERNAME%", '%%', 'plain') {
            $quoted = $schedule::QuotePowerShellWithoutPercent($value)
            $quoted | Should -Not -Match '%'
            Invoke-Expression $quoted | Should -BeExactly $value
        }
    }

    It 'Get/Unregister explain that Task Scheduler is Windows-only' -Skip:($env:OS -eq 'Windows_NT') {
        { Get-GeminiFolderWatchTask } | Should -Throw -ErrorId 'GeminiImage.TaskSchedulerUnavailable*'
        { Unregister-GeminiFolderWatchTask -Name x } | Should -Throw -ErrorId 'GeminiImage.TaskSchedulerUnavailable*'
    }

    It 'registers, lists and removes a Task Scheduler task (Windows only; CI has no Windows)' {
        if ($env:OS -ne 'Windows_NT') { Set-ItResult -Skipped -Because 'Task Scheduler is Windows-only and CI runs on Linux: registration is not tested by CI'; return }
        $xml = Register-GeminiFolderWatchTask @Params -WhatIf -Verbose 4>&1 | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] } | Select-Object -First 1
        "$xml" | Should -Match '<Interval>PT10M</Interval>'
        "$xml" | Should -Match 'exit \$LASTEXITCODE'
        try {
            $task = Register-GeminiFolderWatchTask @Params -Force
            $task.Every | Should -Be ([timespan]'0:10:0')
            (Get-GeminiFolderWatchTask 'pester-watch').Arguments | Should -Match 'Start-GeminiFolderWatch'
        }
        finally { Unregister-GeminiFolderWatchTask -Name 'pester-watch' -ErrorAction SilentlyContinue }
        Get-GeminiFolderWatchTask 'pester-watch' | Should -BeNullOrEmpty
    }
}
