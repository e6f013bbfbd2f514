BeforeAll {
    . (Join-Path $PSScriptRoot 'common.ps1')
    . (Join-Path $PSScriptRoot 'HelpExamples.ps1')
    $script:OldHome = $env:GEMINI_IMAGE_HOME
    $env:GEMINI_IMAGE_HOME = New-TestFolder 'stop-emulator-home'
    $script:SavedEnv = @{}
    foreach ($name in 'GEMINI_API_KEY', 'GOOGLE_API_KEY', 'GEMINI_BASE_URL', 'TEMP') {
        $SavedEnv[$name] = [Environment]::GetEnvironmentVariable($name)
        [Environment]::SetEnvironmentVariable($name, $null)
    }

    # $true when something accepts TCP connections on the emulator's port.
    function Test-Listening([Uri] $Uri) {
        $client = [System.Net.Sockets.TcpClient]::new()
        try { $client.Connect('127.0.0.1', $Uri.Port); $true } catch { $false } finally { $client.Dispose() }
    }
}
AfterAll {
    Stop-GeminiEmulator
    Set-GeminiConfig -Reset
    foreach ($name in $SavedEnv.Keys) { [Environment]::SetEnvironmentVariable($name, $SavedEnv[$name]) }
    $env:GEMINI_IMAGE_HOME = $script:OldHome
}

Describe 'Stop-GeminiEmulator' {
    BeforeEach {
        Set-GeminiConfig -Reset
        $script:Work = New-TestFolder 'stop-emulator'
    }
    AfterEach { Stop-GeminiEmulator }

    It 'stops listening, returns nothing, and points the session back at the address and key it had before' {
        $previousKey = 'AIzaPREVIOUS-session-key-7788'
        Set-GeminiConfig -BaseUri 'http://127.0.0.1:9/before/' -ApiKey (ConvertTo-SecureString $previousKey -AsPlainText -Force)
        $emulator = Start-GeminiEmulator
        (Get-GeminiConfig).BaseUri | Should -Be $emulator.BaseUri
        Test-Listening $emulator.BaseUri | Should -BeTrue

        Stop-GeminiEmulator | Should -BeNullOrEmpty
        Test-Listening $emulator.BaseUri | Should -BeFalse
        $config = Get-GeminiConfig
        $config.BaseUri | Should -Be 'http://127.0.0.1:9/before/'
        $config.ApiKey | Should -Be '****7788'
    }

    It 'after an emulator started with -NoSessionConfig, the session''s own settings stay' {
        Set-GeminiConfig -BaseUri 'http://127.0.0.1:9/mine/'
        $emulator = Start-GeminiEmulator -NoSessionConfig
        Stop-GeminiEmulator
        Test-Listening $emulator.BaseUri | Should -BeFalse
        (Get-GeminiConfig).BaseUri | Should -Be 'http://127.0.0.1:9/mine/'
    }

    It 'keeps an address the user set while the emulator ran' {
        $null = Start-GeminiEmulator
        Set-GeminiConfig -BaseUri 'http://127.0.0.1:9/chosen-later/'
        Stop-GeminiEmulator
        (Get-GeminiConfig).BaseUri | Should -Be 'http://127.0.0.1:9/chosen-later/'
    }

    It 'with no emulator running it does nothing and says so under -Verbose' {
        Stop-GeminiEmulator
        $verbose = Stop-GeminiEmulator -Verbose 4>&1
        "$verbose" | Should -BeLike '*No emulator is running*'
        (Get-GeminiConfig).BaseUri | Should -Be 'https://generativelanguage.googleapis.com/'
    }

    It 'a call after stopping no longer reaches the emulator' {
        $emulator = Start-GeminiEmulator
        Set-GeminiConfig -BaseUri $emulator.BaseUri -ApiKey (ConvertTo-SecureString $emulator.ApiKey -AsPlainText -Force)
        Stop-GeminiEmulator
        $err = $null
        # Stopping restores the key the session had before (none here): that is GeminiImage.NoApiKey, which stops the
        # call at once (terminating); with a key it would be a connection error.
        try { New-GeminiImage 'after the stop' -OutputDirectory $Work -MaxRetries 0 -ErrorVariable err -ErrorAction SilentlyContinue }
        catch { $err = @($_) }
        $err | Should -HaveCount 1
        $err[0].FullyQualifiedErrorId | Should -BeLike 'GeminiImage.*'
        $emulator.RequestCount | Should -Be 0
        Get-ChildItem -LiteralPath $Work | Should -BeNullOrEmpty
    }

    It 'stops the emulator it is given, by position or from the pipeline; one replaced since stays replaced' {
        $emulator = Start-GeminiEmulator
        Stop-GeminiEmulator $emulator
        Test-Listening $emulator.BaseUri | Should -BeFalse
        (Get-GeminiConfig).BaseUri | Should -Be 'https://generativelanguage.googleapis.com/'

        $first = Start-GeminiEmulator
        $second = Start-GeminiEmulator
        $first | Stop-GeminiEmulator
        Test-Listening $second.BaseUri | Should -BeTrue -Because 'only the one given is stopped'
        (Get-GeminiConfig).BaseUri | Should -Be $second.BaseUri
        $second | Stop-GeminiEmulator
        Test-Listening $second.BaseUri | Should -BeFalse
    }

    It 'anything but an emulator is GeminiImage.NotAnEmulator with the object as target, and stops nothing' {
        $emulator = Start-GeminiEmulator
        $err = $null
        'not-an-emulator' | Stop-GeminiEmulator -ErrorVariable err -ErrorAction SilentlyContinue
        $err | Should -HaveCount 1
        $err[0].FullyQualifiedErrorId | Should -BeLike 'GeminiImage.NotAnEmulator,*'
        "$($err[0].CategoryInfo.Category)" | Should -Be 'InvalidArgument'
        "$($err[0].TargetObject)" | Should -Be 'not-an-emulator'
        Test-Listening $emulator.BaseUri | Should -BeTrue
    }

    It 'help example 3 stops the emulator it holds; the session no longer uses it' {
        $r = Invoke-HelpExample Stop-GeminiEmulator 3 -In $Work
        $r.Errors | Should -BeNullOrEmpty
        $r.Output | Should -Be @($false)
    }

    It 'help example 1 stops it; the session uses the real service and the key from the environment again' {
        $env:GEMINI_API_KEY = 'AIzaFROM-the-environment-0042'
        $emulator = Start-GeminiEmulator
        $r = Invoke-HelpExample Stop-GeminiEmulator 1 -In $Work
        $r.Errors | Should -BeNullOrEmpty
        $r.Output | Should -HaveCount 1
        $r.Output[0].BaseUri | Should -Be 'https://generativelanguage.googleapis.com/'
        $r.Output[0].ApiKeySource | Should -Be 'Environment (GEMINI_API_KEY)'
        Test-Listening $emulator.BaseUri | Should -BeFalse
    }

    It 'help example 2 runs a script against the emulator and stops it even when the script fails' {
        # Portable as written: no $env:TEMP, which is empty on Linux.
        Get-HelpExampleCode Stop-GeminiEmulator 2 | Should -Not -Match 'env:TEMP'
        New-Item -ItemType Directory -Path (Join-Path $Work 'fixtures') | Out-Null
        # The example's script: makes one image per fixture name, then fails.
        Set-Content -LiteralPath (Join-Path $Work 'Build-Thumbnails.ps1') -Value @'
param($Source, $Destination)
$config = Get-GeminiConfig
New-GeminiImage 'a thumbnail' -OutputDirectory $Destination -MaxRetries 0 | Out-Null
Set-Content -LiteralPath (Join-Path $Destination 'used.txt') -Value $config.BaseUri
throw 'the script failed'
'@
        $r = Invoke-HelpExample Stop-GeminiEmulator 2 -In $Work
        $r.Errors | Should -HaveCount 1
        "$($r.Errors[0])" | Should -Be 'the script failed'
        $thumbs = Join-Path $Work 'thumbs'
        @(Get-ChildItem -LiteralPath $thumbs -Filter *.png) | Should -HaveCount 1
        $used = [Uri](Get-Content -LiteralPath (Join-Path $thumbs 'used.txt'))
        $used.Host | Should -Be '127.0.0.1'
        # stopped by the finally block
        Test-Listening $used | Should -BeFalse
        (Get-GeminiConfig).BaseUri | Should -Be 'https://generativelanguage.googleapis.com/'
    }
}
