BeforeAll {
    . (Join-Path $PSScriptRoot 'common.ps1')
    . (Join-Path $PSScriptRoot 'HelpExamples.ps1')
    $script:OldHome = $env:GEMINI_IMAGE_HOME
    $env:GEMINI_IMAGE_HOME = New-TestFolder 'use-profile-home'
    # Profiles point at the emulator; the session itself is not pointed at it, so a profile is what reaches it.
    $script:Emulator = Start-TestEmulator -Parameters @{ NoSessionConfig = $true }
    $env:GI_USE_PROFILE_KEY = $Emulator.ApiKey
}
AfterAll {
    Set-GeminiConfig -Reset
    $Emulator.Stop()
    Remove-Item Env:GI_USE_PROFILE_KEY, Env:GEMINI_TEST_KEY -ErrorAction SilentlyContinue
    $env:GEMINI_IMAGE_HOME = $script:OldHome
}

Describe 'Use-GeminiProfile' {
    BeforeEach {
        Set-GeminiConfig -Reset
        $Emulator.Reset()
        $script:Work = New-TestFolder 'use-profile'
        Set-GeminiConfig -Profile emu -BaseUri $Emulator.BaseUri -ApiKeyVariable GI_USE_PROFILE_KEY
        Set-GeminiConfig -Profile elsewhere -BaseUri 'http://127.0.0.1:9/elsewhere/' -ApiKeyVariable GI_USE_PROFILE_KEY
    }

    It 'makes the profile the session''s default for later calls and returns nothing' {
        Use-GeminiProfile emu | Should -BeNullOrEmpty
        (Get-GeminiConfig).Profile | Should -Be 'emu'
        (New-GeminiImage 'through the profile' -OutputDirectory $Work -MaxRetries 0).Path | Should -Exist
        $Emulator.RequestCount | Should -Be 1
    }

    It '-PassThru returns the settings now in effect, with the key redacted' {
        $config = Use-GeminiProfile emu -PassThru
        $config.GetType().FullName | Should -Be 'GeminiImage.Cmdlets.Infrastructure.GeminiConfigView'
        $config.Profile | Should -Be 'emu'
        $config.BaseUri | Should -Be $Emulator.BaseUri
        $config.ApiKeySource | Should -Be "Session (profile 'emu': `$env:GI_USE_PROFILE_KEY)"
        $config.ApiKey | Should -Not -Be $Emulator.ApiKey
        $config.ApiKey | Should -Be ('****' + $Emulator.ApiKey.Substring($Emulator.ApiKey.Length - 4))
    }

    It 'a -Profile on one call still wins over the session''s profile' {
        Use-GeminiProfile elsewhere
        (New-GeminiImage 'this call only' -Profile emu -OutputDirectory $Work -MaxRetries 0).Path | Should -Exist
        $Emulator.RequestCount | Should -Be 1
        (Get-GeminiConfig).Profile | Should -Be 'elsewhere'
    }

    It 'says under -Verbose which profile the session now uses' {
        $verbose = Use-GeminiProfile emu -Verbose 4>&1
        "$verbose" | Should -BeLike "*profile 'emu'*"
    }

    It 'an unknown name is a terminating ProfileNotFound error with the name as target, naming the known ones; the session keeps its profile' {
        Use-GeminiProfile emu
        $err = { Use-GeminiProfile no-such-profile } | Should -Throw -ErrorId 'GeminiImage.ProfileNotFound,GeminiImage.Cmdlets.Commands.UseGeminiProfileCommand' -PassThru
        $err.TargetObject | Should -Be 'no-such-profile'
        "$err" | Should -BeLike '*elsewhere*'
        "$err" | Should -BeLike '*emu*'
        (Get-GeminiConfig).Profile | Should -Be 'emu'
    }

    It '-Name tab-completes the profile names' {
        $line = 'Use-GeminiProfile el'
        (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText | Should -Be @('elsewhere')
    }

    It 'help example 1 switches the session to the test gateway with the key from GEMINI_TEST_KEY' {
        $env:GEMINI_TEST_KEY = 'test-gateway-key-9876'
        $r = Invoke-HelpExample Use-GeminiProfile 1 -In $Work
        $r.Errors | Should -BeNullOrEmpty
        $r.Output | Should -HaveCount 1
        $r.Output[0].Profile | Should -Be 'test'
        $r.Output[0].BaseUri | Should -Be 'https://gemini-test.contoso.com/'
        $r.Output[0].ApiKeySource | Should -Be "Session (profile 'test': `$env:GEMINI_TEST_KEY)"
        $r.Output[0].ApiKey | Should -Be '****9876'
        (Get-GeminiConfig).Profile | Should -Be 'test'
        $Emulator.RequestCount | Should -Be 0
    }
}
