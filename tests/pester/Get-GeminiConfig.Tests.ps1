BeforeAll {
    . (Join-Path $PSScriptRoot 'common.ps1')
    . (Join-Path $PSScriptRoot 'HelpExamples.ps1')
    $script:OldHome = $env:GEMINI_IMAGE_HOME
    $env:GEMINI_IMAGE_HOME = New-TestFolder 'get-config-home'
    # The session is pointed at the emulator with Set-GeminiConfig in each test, so -Reset can undo what a test set.
    $script:Emulator = Start-TestEmulator -Parameters @{ NoSessionConfig = $true }
    $script:SavedEnv = @{}
    foreach ($name in 'GEMINI_API_KEY', 'GOOGLE_API_KEY', 'GEMINI_BASE_URL', 'GEMINI_IMAGE_MODEL', 'GEMINI_IMAGE_CACHE', 'GEMINI_IMAGE_CACHE_MAX_MB') {
        $SavedEnv[$name] = [Environment]::GetEnvironmentVariable($name)
        [Environment]::SetEnvironmentVariable($name, $null)
    }
    function Use-Emulator {
        Set-GeminiConfig -BaseUri $Emulator.BaseUri -ApiKey (ConvertTo-SecureString $Emulator.ApiKey -AsPlainText -Force)
    }
}
AfterAll {
    Set-GeminiConfig -Reset
    $Emulator.Stop()
    foreach ($name in $SavedEnv.Keys) { [Environment]::SetEnvironmentVariable($name, $SavedEnv[$name]) }
    $env:GEMINI_IMAGE_HOME = $script:OldHome
}

Describe 'Get-GeminiConfig' {
    BeforeEach {
        Set-GeminiConfig -Reset
        $Emulator.Reset()
        $script:Work = New-TestFolder 'get-config'
    }
    AfterEach {
        foreach ($name in $SavedEnv.Keys) { [Environment]::SetEnvironmentVariable($name, $null) }
    }

    It 'shows the address in use with the key redacted to its last four characters, and sends nothing' {
        Use-Emulator
        $config = Get-GeminiConfig
        @($config).Count | Should -Be 1
        $config.GetType().FullName | Should -Be 'GeminiImage.Cmdlets.Infrastructure.GeminiConfigView'
        $config.BaseUri | Should -Be $Emulator.BaseUri
        $config.ApiKey | Should -Be ('****' + $Emulator.ApiKey.Substring($Emulator.ApiKey.Length - 4))
        $config.ApiKeySource | Should -Be 'Session'
        $config.Sources['BaseUri'] | Should -Be 'Session'
        $config.DataHome | Should -Be $env:GEMINI_IMAGE_HOME
        # no rendering of the object shows the key
        ($config | Format-List * | Out-String) | Should -Not -Match ([regex]::Escape($Emulator.ApiKey))
        ($config | ConvertTo-Json -Depth 3) | Should -Not -Match ([regex]::Escape($Emulator.ApiKey))
        $Emulator.RequestCount | Should -Be 0
    }

    It 'shows the session''s settings from Set-GeminiConfig and the environment, most specific winning' {
        Use-Emulator
        $env:GEMINI_IMAGE_MODEL = 'gemini-2.5-flash-image'
        $env:GEMINI_IMAGE_CACHE = 'ReadOnly'
        $env:GEMINI_IMAGE_CACHE_MAX_MB = '64'
        $config = Get-GeminiConfig
        $config.Model | Should -Be 'gemini-2.5-flash-image'
        $config.Cache | Should -Be 'ReadOnly'
        $config.CacheMaxMB | Should -Be 64

        Set-GeminiConfig -Model gemini-3-pro-image -TimeoutSec 42 -MaxRetries 1 -Cache ReadWrite -CacheMaxMB 128 -NoPromptLogging
        $config = Get-GeminiConfig
        $config.Model | Should -Be 'gemini-3-pro-image'
        $config.TimeoutSec | Should -Be 42
        $config.MaxRetries | Should -Be 1
        $config.Cache | Should -Be 'ReadWrite'
        $config.CacheMaxMB | Should -Be 128
        $config.NoPromptLogging | Should -BeTrue
        # and these are what a call then uses
        New-GeminiImage 'a compass' -OutputDirectory $Work | Out-Null
        $Emulator.Requests[0].Model | Should -Be 'gemini-3-pro-image'
    }

    It 'without any key says Default (none) and (not set), and help example 2 stops the script early' {
        $config = Get-GeminiConfig
        $config.ApiKeySource | Should -Be 'Default (none)'
        $config.ApiKey | Should -Be '(not set)'
        $r = Invoke-HelpExample Get-GeminiConfig 2 -In $Work
        $r.Errors | Should -HaveCount 1
        "$($r.Errors[0])" | Should -BeLike 'Set $env:GEMINI_API_KEY or run Set-GeminiConfig*'

        $env:GEMINI_API_KEY = 'AIzaTEST-env-key-0001'
        $config = Get-GeminiConfig
        $config.ApiKeySource | Should -Be 'Environment (GEMINI_API_KEY)'
        $config.ApiKey | Should -Be '****0001'
        $r = Invoke-HelpExample Get-GeminiConfig 2 -In $Work
        $r.Errors | Should -BeNullOrEmpty
        $r.Output | Should -BeNullOrEmpty
    }

    It '-Profile shows a saved profile without switching the session, and help example 4 lists its sources' {
        Use-Emulator
        Set-GeminiConfig -Profile gateway -BaseUri 'http://127.0.0.1:9/gateway/' -AuthStyle Bearer -ApiKeyVariable GI_GATEWAY_KEY
        $env:GI_GATEWAY_KEY = 'gateway-key-123456789'
        try {
            $gateway = Get-GeminiConfig -Profile gateway
            $gateway.Profile | Should -Be 'gateway'
            $gateway.BaseUri | Should -Be 'http://127.0.0.1:9/gateway/'
            $gateway.AuthStyle | Should -Be 'Bearer'
            $gateway.ApiKey | Should -Be '****6789'
            $gateway.ApiKeySource | Should -Be "Session (profile 'gateway': `$env:GI_GATEWAY_KEY)"
            (Get-GeminiConfig).BaseUri | Should -Be $Emulator.BaseUri
            (Get-GeminiConfig).Profile | Should -BeNullOrEmpty

            $r = Invoke-HelpExample Get-GeminiConfig 4 -In $Work
            $r.Errors | Should -BeNullOrEmpty
            $sources = $r.Output[0]
            $sources['BaseUri'] | Should -Be "Session (profile 'gateway')"
            $sources['AuthStyle'] | Should -Be "Session (profile 'gateway')"
            $sources['ApiVersion'] | Should -Be 'Default'
        }
        finally { Remove-Item Env:GI_GATEWAY_KEY -ErrorAction SilentlyContinue }
        # a key reference that leads nowhere is shown, not thrown
        (Get-GeminiConfig -Profile gateway).ApiKeySource | Should -BeLike "Session (profile 'gateway': unavailable:*GI_GATEWAY_KEY*"
    }

    It 'Settings lists every value with its source (Parameter, Session, Saved, Environment, Default) in 80 columns, the key only as set' {
        Use-Emulator
        $env:GEMINI_IMAGE_MODEL = 'gemini-2.5-flash-image'
        Set-GeminiConfig -TimeoutSec 42 -RequestsPerMinute 30 -MaxConcurrency 2
        $config = Get-GeminiConfig
        $row = @{}
        foreach ($s in $config.Settings) { $row[$s.Name] = $s }
        $row['TimeoutSec'].Value | Should -Be '42'
        $row['TimeoutSec'].Source | Should -Be 'Session'
        $row['RequestsPerMinute'].Value | Should -Be '30'
        $row['RequestsPerMinute'].Source | Should -Be 'Session'
        $row['MaxConcurrency'].Source | Should -Be 'Session'
        $row['MaxRetries'].Source | Should -Be 'Default'
        $row['Model'].Source | Should -Be 'Environment (GEMINI_IMAGE_MODEL)'
        $row['DataHome'].Source | Should -Be 'Environment (GEMINI_IMAGE_HOME)'
        $row['BaseUri'].Source | Should -Be 'Session'
        $row['ApiKey'].Value | Should -Be '(set)'
        $row['ApiKey'].Source | Should -Be 'Session'
        $config.Sources['TimeoutSec'] | Should -Be 'Session'
        $text = $config.Settings | Out-String -Width 80
        $text | Should -Match 'Name\s+Value\s+Source'
        foreach ($line in $text -split "`r?`n") { $line.Length | Should -BeLessOrEqual 80 }
        $text | Should -Not -Match ([regex]::Escape($Emulator.ApiKey))
        $text | Should -Not -Match ([regex]::Escape($Emulator.ApiKey.Substring($Emulator.ApiKey.Length - 4)))
        # Set-GeminiConfig changed the session's settings only: the process's default limiter is as it was.
        $engine = [AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { $_.GetName().Name -eq 'GeminiImage.Engine' } | Select-Object -First 1
        $shared = $engine.GetType('GeminiImage.Engine.Resilience.RequestLimiter')::Shared
        $shared.RequestsPerMinute | Should -Be 0
        $shared.MaxConcurrency | Should -Be 8
    }

    It 'an unknown -Profile is a terminating ProfileNotFound error with the name as target' {
        $err = { Get-GeminiConfig -Profile no-such-profile } | Should -Throw -ErrorId 'GeminiImage.ProfileNotFound,GeminiImage.Cmdlets.Commands.GetGeminiConfigCommand' -PassThru
        $err.TargetObject | Should -Be 'no-such-profile'
        "$err" | Should -BeLike "*'no-such-profile'*"
    }

    It 'ProfileNotFound has the category the README documents (ObjectNotFound)' {
        $err = { Get-GeminiConfig -Profile no-such-profile } | Should -Throw -PassThru
        $err.CategoryInfo.Category | Should -Be 'ObjectNotFound'
    }

    It 'help example 1 shows every setting it lists' {
        Use-Emulator
        $r = Invoke-HelpExample Get-GeminiConfig 1 -In $Work
        $r.Errors | Should -BeNullOrEmpty
        $r.Output | Should -HaveCount 1
        $listed = 'ApiKey', 'ApiKeySource', 'BaseUri', 'Model', 'TimeoutSec', 'MaxRetries', 'RequestsPerMinute', 'MaxConcurrency', 'Proxy', 'NoPromptLogging', 'NoStore', 'DataHome'
        $names = $r.Output[0].PSObject.Properties.Name
        foreach ($name in $listed) { $names | Should -Contain $name }
        # the default view fits 80 columns and hides the key
        $text = $r.Output[0] | Out-String -Width 80
        $text | Should -Not -Match ([regex]::Escape($Emulator.ApiKey))
    }

    It 'help example 6 shows every value with its source' {
        Use-Emulator
        Set-GeminiConfig -TimeoutSec 600
        $r = Invoke-HelpExample Get-GeminiConfig 6 -In $Work
        $r.Errors | Should -BeNullOrEmpty
        ($r.Output | Where-Object Name -eq 'TimeoutSec').Source | Should -Be 'Session'
        ($r.Output | Where-Object Name -eq 'Model').Source | Should -Be 'Default'
        ($r.Output | Out-String -Width 80) | Should -Not -Match ([regex]::Escape($Emulator.ApiKey))
    }

    It 'help example 3 shows the default model''s details' {
        Use-Emulator
        $r = Invoke-HelpExample Get-GeminiConfig 3 -In $Work
        $r.Errors | Should -BeNullOrEmpty
        $r.Output | Should -HaveCount 1
        $r.Output[0].Id | Should -Be (Get-GeminiConfig).Model
    }

    It 'help example 5 names the data folder (Invoke-Item itself opens a window and is not run)' {
        $code = Get-HelpExampleCode Get-GeminiConfig 5
        $code | Should -Match '^Invoke-Item \(Get-GeminiConfig\)\.DataHome$'
        $folder = & ([scriptblock]::Create($code.Replace('Invoke-Item', 'Get-Item')))
        $folder.FullName | Should -Be (Get-Item -LiteralPath $env:GEMINI_IMAGE_HOME).FullName
    }
}
