BeforeAll {
    . (Join-Path $PSScriptRoot 'common.ps1')
    . (Join-Path $PSScriptRoot 'HelpExamples.ps1')
    $script:OldHome = $env:GEMINI_IMAGE_HOME
    $env:GEMINI_IMAGE_HOME = New-TestFolder 'start-emulator-home'
    $script:SavedTemp = $env:TEMP
}
AfterAll {
    Stop-GeminiEmulator
    Set-GeminiConfig -Reset
    $env:TEMP = $script:SavedTemp
    $env:GEMINI_IMAGE_HOME = $script:OldHome
}

# Each test starts its own emulator: starting one is what this file tests (and a start replaces the previous one).
Describe 'Start-GeminiEmulator' {
    BeforeEach {
        Set-GeminiConfig -Reset
        $script:Work = New-TestFolder 'start-emulator'
    }
    AfterEach { Stop-GeminiEmulator }

    It 'returns the running emulator and points the session at it, with a key and a control token of its own' {
        $verbose = $null
        $emulator = Start-GeminiEmulator -Verbose 4>&1 | Tee-Object -Variable all | Where-Object { $_ -isnot [System.Management.Automation.VerboseRecord] }
        $verbose = @($all | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] })
        @($emulator).Count | Should -Be 1
        $emulator.GetType().FullName | Should -Be 'GeminiImage.Emulator.GeminiEmulator'
        $emulator.BaseUri.AbsoluteUri | Should -Match '^http://127\.0\.0\.1:\d+/$'
        $emulator.ApiKey | Should -Not -BeNullOrEmpty
        $emulator.ControlToken | Should -Not -BeNullOrEmpty
        $emulator.ControlToken | Should -Not -Be $emulator.ApiKey
        $emulator.RequestCount | Should -Be 0
        "$verbose" | Should -BeLike "*$($emulator.BaseUri)*Stop-GeminiEmulator*"

        $config = Get-GeminiConfig
        $config.BaseUri | Should -Be $emulator.BaseUri
        $config.ApiKey | Should -Be ('****' + $emulator.ApiKey.Substring($emulator.ApiKey.Length - 4))
        $image = New-GeminiImage 'a lighthouse' -OutputDirectory $Work
        $image.Path | Should -Exist
        $emulator.RequestCount | Should -Be 1
        $emulator.Requests[0].Prompt | Should -Be 'a lighthouse'
    }

    It 'makes a new key and token for every instance, and a new start replaces the previous emulator' {
        $first = Start-GeminiEmulator
        $second = Start-GeminiEmulator
        $second.ApiKey | Should -Not -Be $first.ApiKey
        $second.ControlToken | Should -Not -Be $first.ControlToken
        (Get-GeminiConfig).BaseUri | Should -Be $second.BaseUri
        $client = [System.Net.Sockets.TcpClient]::new()
        try { { $client.Connect('127.0.0.1', $first.BaseUri.Port) } | Should -Throw }
        finally { $client.Dispose() }
    }

    It '-NoSessionConfig starts it without changing the session' {
        $emulator = Start-GeminiEmulator -NoSessionConfig
        (Get-GeminiConfig).BaseUri | Should -Be 'https://generativelanguage.googleapis.com/'
        # it answers whoever is given its address and key
        Set-GeminiConfig -BaseUri $emulator.BaseUri -ApiKey (ConvertTo-SecureString $emulator.ApiKey -AsPlainText -Force)
        # (models.list: a real call, without drawing an image)
        Get-GeminiModel -Online | Should -Not -BeNullOrEmpty
        $emulator.RequestCount | Should -Be 1
    }

    It '-Port listens on the port given' {
        $probe = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, 0)
        $probe.Start(); $port = $probe.LocalEndpoint.Port; $probe.Stop()
        $emulator = Start-GeminiEmulator -Port $port
        $emulator.BaseUri.Port | Should -Be $port
        Get-GeminiModel -Online | Should -Not -BeNullOrEmpty
        $emulator.RequestCount | Should -Be 1
    }

    It '-Port on a busy port fails with GeminiImage.EmulatorPortInUse naming the port' {
        $busy = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, 0)
        $busy.Start()
        try {
            $err = { Start-GeminiEmulator -Port $busy.LocalEndpoint.Port } | Should -Throw -ErrorId 'GeminiImage.EmulatorPortInUse,*' -PassThru
            $err.TargetObject | Should -Be $busy.LocalEndpoint.Port
            "$($err.CategoryInfo.Category)" | Should -Be 'ResourceUnavailable'
            $err.Exception.Message | Should -Match "$($busy.LocalEndpoint.Port)"
        }
        finally { $busy.Stop() }
    }

    It '-Port on a busy port leaves the running emulator running and in use by the session' {
        $running = Start-GeminiEmulator
        $busy = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, 0)
        $busy.Start()
        try {
            $err = { Start-GeminiEmulator -Port $busy.LocalEndpoint.Port } | Should -Throw -ErrorId 'GeminiImage.EmulatorPortInUse,*' -PassThru
            $err.ErrorDetails.RecommendedAction | Should -BeLike "*$($running.BaseUri) still runs*"
        }
        finally { $busy.Stop() }
        (Get-GeminiConfig).BaseUri | Should -Be $running.BaseUri
        (New-GeminiImage 'still served' -OutputDirectory $Work).Path | Should -Exist
        $running.RequestCount | Should -Be 1
    }

    It '-Port of the running emulator itself replaces it on that port' {
        $first = Start-GeminiEmulator
        $port = $first.BaseUri.Port
        $second = Start-GeminiEmulator -Port $port
        $second.BaseUri.Port | Should -Be $port
        (Get-GeminiConfig).BaseUri | Should -Be $second.BaseUri
        $null = New-GeminiImage 'on the same port' -OutputDirectory $Work
        $second.RequestCount | Should -Be 1
        $first.RequestCount | Should -Be 0
    }

    It '-LatencyMs delays each answer by at least that long' {
        $emulator = Start-GeminiEmulator -LatencyMs 400
        $emulator.Latency | Should -Be ([timespan]::FromMilliseconds(400))
        $watch = [System.Diagnostics.Stopwatch]::StartNew()
        New-GeminiImage 'a slow one' -OutputDirectory $Work | Out-Null
        $watch.ElapsedMilliseconds | Should -BeGreaterOrEqual 400
    }

    It '-RequestsPerMinuteLimit answers 429 with RetryInfo above the limit, as Google does' {
        # Raw HTTP, not New-GeminiImage: the module's client would honour the RetryInfo for the whole process,
        # and make the next test (or test file) wait for it.
        $emulator = Start-GeminiEmulator -RequestsPerMinuteLimit 1
        $emulator.RequestsPerMinuteLimit | Should -Be 1
        $request = @{
            Method = 'Post'; SkipHttpErrorCheck = $true; ContentType = 'application/json'
            Uri = "$($emulator.BaseUri)v1beta/models/gemini-3.1-flash-image:generateContent"
            Headers = @{ 'x-goog-api-key' = $emulator.ApiKey }
            Body = '{"contents":[{"role":"user","parts":[{"text":"a red kite"}]}]}'
        }
        (Invoke-WebRequest @request).StatusCode | Should -Be 200
        $limited = Invoke-WebRequest @request
        $limited.StatusCode | Should -Be 429
        $problem = ($limited.Content | ConvertFrom-Json).error
        $problem.status | Should -Be 'RESOURCE_EXHAUSTED'
        @($problem.details.'@type') | Should -Contain 'type.googleapis.com/google.rpc.RetryInfo'
        $emulator.RequestCount | Should -Be 2
    }

    It 'accepts only its own key unless -AcceptAnyKey' {
        $emulator = Start-GeminiEmulator
        Set-GeminiConfig -ApiKey (ConvertTo-SecureString 'AIzaSOME-other-key-000' -AsPlainText -Force)
        $err = $null
        New-GeminiImage 'wrong key' -OutputDirectory $Work -MaxRetries 0 -ErrorVariable err -ErrorAction SilentlyContinue
        $err | Should -HaveCount 1
        $err[0].FullyQualifiedErrorId | Should -BeLike 'GeminiImage.*'
        $err[0].FullyQualifiedErrorId | Should -Match 'Key|Auth'
        Get-ChildItem -LiteralPath $Work | Should -BeNullOrEmpty

        $null = Start-GeminiEmulator -AcceptAnyKey
        Set-GeminiConfig -ApiKey (ConvertTo-SecureString 'AIzaSOME-other-key-000' -AsPlainText -Force)
        (New-GeminiImage 'any key' -OutputDirectory $Work -MaxRetries 0).Path | Should -Exist
    }

    It '-PathPrefix serves the API under the prefix and the session''s address includes it' {
        $emulator = Start-GeminiEmulator -PathPrefix /gemini
        $emulator.BaseUri.AbsolutePath | Should -Be '/gemini/'
        (Get-GeminiConfig).BaseUri | Should -Be $emulator.BaseUri
        Get-GeminiModel -Online | Should -Not -BeNullOrEmpty
        $emulator.Requests[0].Path | Should -BeLike '/gemini/v1beta/models*'
    }

    It 'refuses <Case> before starting anything' -ForEach @(
        @{ Case = 'a port above 65535'; Splat = @{ Port = 70000 } }
        @{ Case = 'a negative latency'; Splat = @{ LatencyMs = -1 } }
        @{ Case = 'an unknown auth mode'; Splat = @{ AuthMode = 'Basic' } }
    ) {
        { Start-GeminiEmulator @Splat } | Should -Throw -ErrorId 'ParameterArgumentValidationError*'
        (Get-GeminiConfig).BaseUri | Should -Be 'https://generativelanguage.googleapis.com/'
    }

    It 'help example 1 makes a 1376x768 placeholder in the temp folder on any system, shows a short emulator line, and stops again' {
        # As written: no $env:TEMP (empty on Linux); the temp folder of this test is $Work.
        Get-HelpExampleCode Start-GeminiEmulator 1 | Should -Not -Match 'env:TEMP'
        $saved = $env:TMPDIR
        $env:TMPDIR = $Work; $env:TEMP = $Work
        try { $r = Invoke-HelpExample Start-GeminiEmulator 1 -In $Work }
        finally { $env:TMPDIR = $saved }
        $r.Errors | Should -BeNullOrEmpty
        $image = @($r.Output | Where-Object { $_.PSObject.Properties['Path'] -and $_.Path -like '*.png' })
        $image | Should -HaveCount 1
        (Split-Path $image[0].Path).TrimEnd('/', '\') | Should -Be $Work.TrimEnd('/', '\')
        $image[0].Width | Should -Be 1376
        $image[0].Height | Should -Be 768
        (Get-GeminiConfig).BaseUri | Should -Be 'https://generativelanguage.googleapis.com/'
        # The emulator it printed: one short line (where it listens, requests), not its internals or its secrets.
        $emulator = @($r.Output | Where-Object { $_.GetType().FullName -eq 'GeminiImage.Emulator.GeminiEmulator' })
        $emulator | Should -HaveCount 1
        $lines = @(($emulator | Out-String -Width 80) -split '\r?\n' | Where-Object { $_.Trim() })
        $lines | Should -HaveCount 3   # header, rule, one row
        $lines[2] | Should -Match ([regex]::Escape($emulator[0].BaseUri.AbsoluteUri))
        ($lines -join "`n") | Should -Not -Match ([regex]::Escape($emulator[0].ControlToken))
        ($lines -join "`n") | Should -Not -Match ([regex]::Escape($emulator[0].ApiKey))
        foreach ($line in $lines) { $line.TrimEnd().Length | Should -BeLessOrEqual 80 }
    }

    It 'help example 2 shows a blocked prompt, an overloaded model after one retry, and one image' {
        $r = Invoke-HelpExample Start-GeminiEmulator 2 -In $Work
        $r.Errors | Should -BeNullOrEmpty
        @($r.Output | Where-Object { $_ -is [string] }) | Should -Be @('GeminiImage.PromptBlocked', 'GeminiImage.ServiceUnavailable')
        $images = @($r.Output | Where-Object { $_ -isnot [string] })
        $images | Should -HaveCount 1
        $images[0].Prompt | Should -Be 'a fox'
        @(Get-ChildItem -LiteralPath (Join-Path $Work 'out') -Filter *.png).FullName | Should -Be @($images[0].Path)
        ($r.Verbose -join "`n") | Should -Match 'retr'
    }

    It 'help example 3 times out after two seconds and counts the request' {
        $r = Invoke-HelpExample Start-GeminiEmulator 3 -In $Work
        $r.Errors | Should -HaveCount 1
        $r.Errors[0].FullyQualifiedErrorId | Should -BeLike 'GeminiImage.Timeout,*'
        $r.Output | Should -Be @(1)
    }

    It 'help example 4 works as a Pester test file (run in a child PowerShell: Pester cannot nest)' {
        $file = Join-Path $Work 'Emulator.Tests.ps1'
        Set-Content -LiteralPath $file -Value (Get-HelpExampleCode Start-GeminiEmulator 4)
        $pester = Join-Path (Get-Module Pester).ModuleBase 'Pester.psd1'
        $child = Invoke-TestPwsh -Script @"
Import-Module '$ModulePath'
Import-Module '$pester'
`$r = Invoke-Pester -Path '$file' -PassThru -Output None
[pscustomobject]@{ Passed = `$r.PassedCount; Failed = `$r.FailedCount; Result = "`$(`$r.Result)" } | ConvertTo-Json -Compress
"@
        $child.Result.Result | Should -Be 'Passed' -Because $child.Output
        $child.Result.Passed | Should -Be 1
        $child.Result.Failed | Should -Be 0
    }

    It 'help example 5 queues a fault through the control API and reads the request count back' {
        Get-HelpExampleCode Start-GeminiEmulator 5 | Should -Not -Match 'env:TEMP'
        $r = Invoke-HelpExample Start-GeminiEmulator 5 -In $Work
        $r.Errors | Should -BeNullOrEmpty
        $r.Output | Should -Be @('GeminiImage.ServiceUnavailable', 1)
        Get-ChildItem -LiteralPath $Work -Filter *.png | Should -BeNullOrEmpty
    }

    It 'the control API refuses a call without the token' {
        $emulator = Start-GeminiEmulator
        { Invoke-RestMethod -Uri "$($emulator.BaseUri)emulator/health" } | Should -Throw '*401*'
        (Invoke-TestEmulatorControl $emulator health).requestCount | Should -Be 0
    }
}

# Answers as large as Google's, or exactly a given file (issue 17).
Describe 'Start-GeminiEmulator image answers' {
    AfterEach { Stop-GeminiEmulator }

    It 'answers with images as large as Google''s by default (about 1.1 MB for a 1K PNG)' {
        $null = Start-GeminiEmulator
        $out = New-TestFolder 'drawn'
        $image = New-GeminiImage 'a pier in the fog' -AspectRatio 1:1 -OutputDirectory $out -MaxRetries 0
        "$($image.Width)x$($image.Height)" | Should -Be '1024x1024'
        (Get-Item -LiteralPath $image.Path).Length | Should -BeGreaterThan 900KB
    }

    It 'answers every image with the -ImageFile, whatever size was asked' {
        # A JPEG of Gemini 3 Pro's, kept as a file.
        $null = Start-GeminiEmulator
        $file = (New-GeminiImage 'a pier at noon' -Model gemini-3-pro-image -OutputDirectory (New-TestFolder 'given') -MaxRetries 0).Path
        $file | Should -BeLike '*.jpg'
        Stop-GeminiEmulator
        $emulator = Start-GeminiEmulator -ImageFile $file
        $emulator.ImageFile | Should -Be (Resolve-Path -LiteralPath $file).ProviderPath
        $image = New-GeminiImage 'a pier in the fog' -AspectRatio 16:9 -OutputDirectory (New-TestFolder 'given-out') -MaxRetries 0
        $image.MimeType | Should -Be 'image/jpeg'
        "$($image.Width)x$($image.Height)" | Should -Be '1024x1024'
        $image.Path | Should -BeLike '*.jpg'
    }

    It 'refuses a file that is not an image, and keeps the running emulator' {
        $running = Start-GeminiEmulator
        $bad = Join-Path (New-TestFolder 'bad') 'notes.txt'
        Set-Content -LiteralPath $bad -Value 'not an image'
        $err = $null
        try { Start-GeminiEmulator -ImageFile $bad } catch { $err = $_ }
        $err.FullyQualifiedErrorId | Should -BeLike 'GeminiImage.InvalidImageFile*'
        $err.CategoryInfo.Category | Should -Be 'InvalidArgument'
        $err.TargetObject | Should -Be $bad
        # The session still uses the emulator that was running.
        $null = New-GeminiImage 'still here' -OutputDirectory (New-TestFolder 'still') -MaxRetries 0
        $running.RequestCount | Should -Be 1
    }
}
