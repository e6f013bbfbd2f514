# Connection settings: gateways (auth styles, path prefixes, version segments), saved profiles, keys by reference.
BeforeAll {
    . (Join-Path $PSScriptRoot 'common.ps1')
    $script:SavedHome = $env:GEMINI_IMAGE_HOME
    $env:GEMINI_IMAGE_HOME = New-TestFolder 'config-home'
    $script:Png = { param($dir) @(Get-ChildItem -LiteralPath $dir -Filter *.png -File).Count }
    function script:Render([object[]] $records) {
        ($records | ForEach-Object {
            if ($_ -is [System.Management.Automation.ErrorRecord]) { $_.ToString(); $_.Exception.ToString() }
            elseif ($_ -is [System.Management.Automation.InformationalRecord]) { $_.Message }
            else { $_ | Format-List * | Out-String -Width 400 }
        }) -join "`n"
    }
}
AfterAll {
    Stop-GeminiEmulator
    Set-GeminiConfig -Reset
    $env:GEMINI_IMAGE_HOME = $SavedHome
}

Describe 'Gateways' {
    AfterEach { Stop-GeminiEmulator; Set-GeminiConfig -Reset }

    It 'reaches a Bearer-only gateway under a path prefix through a base URL ending in /v1beta' {
        $emulator = Start-GeminiEmulator -AuthMode Bearer -PathPrefix /gw
        $emulator.BaseUri.AbsolutePath | Should -Be '/gw/'
        Set-GeminiConfig -BaseUri ($emulator.BaseUri.AbsoluteUri + 'v1beta') -AuthStyle Bearer
        $out = New-TestFolder 'bearer'
        $image = New-GeminiImage 'a kite over a gateway' -OutputDirectory $out -MaxRetries 0
        $image.Path | Should -Exist
        $request = @($emulator.Requests)[-1]
        $request.Path | Should -Be '/gw/v1beta/models/gemini-2.5-flash-image:generateContent'
        $request.AuthStyle | Should -Be 'Bearer'
        $request.ApiKeyValid | Should -BeTrue
    }

    It 'fails clearly, with nothing saved, when a Bearer gateway is given a header key' {
        $emulator = Start-GeminiEmulator -AuthMode Bearer -PathPrefix /gw
        $out = New-TestFolder 'bearer-header'
        $err = $null
        New-GeminiImage 'wrong style' -OutputDirectory $out -MaxRetries 0 -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -BeLike 'GeminiImage.AuthenticationFailed*'
        $err[0].ErrorDetails.RecommendedAction | Should -Match 'AuthStyle'
        @($emulator.Requests).Count | Should -Be 1
        @($emulator.Requests)[0].AuthStyle | Should -Be 'Header'
        & $Png $out | Should -Be 0
    }

    It 'sends the key in the query with every URL redacted in verbose, debug and error output' {
        $emulator = Start-GeminiEmulator -AuthMode Query
        $key = $emulator.ApiKey
        $out = New-TestFolder 'query'
        $records = & {
            New-GeminiImage 'a query fox' -AuthStyle Query -OutputDirectory $out -MaxRetries 0 -Verbose -Debug
            New-GeminiImage 'broken [emulator:400]' -AuthStyle Query -OutputDirectory $out -MaxRetries 0 -Verbose -Debug -ErrorAction Continue
            New-GeminiImage 'nowhere' -AuthStyle Query -BaseUri 'http://127.0.0.1:9/' -OutputDirectory $out -MaxRetries 0 -Verbose -Debug -ErrorAction Continue
        } *>&1
        $text = Render $records
        $text | Should -Match 'key=REDACTED'
        $text | Should -Match 'GeminiImage.BadRequest|Request contains an invalid argument'
        $text | Should -Match 'Could not reach'
        $text | Should -Not -Match ([regex]::Escape($key))
        (@($emulator.Requests) | Where-Object AuthStyle -eq 'Query').Count | Should -Be 2
    }

    It 'sends extra headers and a chosen API version' {
        $emulator = Start-GeminiEmulator -PathPrefix /p
        $err = $null
        New-GeminiImage 'v1alpha please' -ApiVersion v1alpha -Header @{ 'X-Team' = 'design' } -OutputDirectory (New-TestFolder 'ver') -MaxRetries 0 -ErrorVariable err -ErrorAction SilentlyContinue
        @($emulator.Requests)[-1].Path | Should -Be '/p/v1alpha/models/gemini-2.5-flash-image:generateContent'
        @($emulator.Requests)[-1].HeaderNames | Should -Contain 'X-Team'
        (Get-GeminiConfig).ApiVersion | Should -Be 'v1beta'
    }
}

Describe 'Connection profiles' {
    AfterEach { Stop-GeminiEmulator; Set-GeminiConfig -Reset; Remove-Item Env:GI_TEST_KEY -ErrorAction SilentlyContinue }

    It 'saves a profile that holds no key, and uses it per call and for the session' {
        $emulator = Start-GeminiEmulator -AuthMode Bearer -PathPrefix /team -NoSessionConfig
        $env:GI_TEST_KEY = $emulator.ApiKey
        Set-GeminiConfig -Profile team -BaseUri $emulator.BaseUri -AuthStyle Bearer -ApiKeyVariable GI_TEST_KEY -Save
        $file = Join-Path $env:GEMINI_IMAGE_HOME 'profiles.json'
        $file | Should -Exist
        $saved = Get-Content -LiteralPath $file -Raw
        $saved | Should -Match 'GI_TEST_KEY'
        $saved | Should -Match 'Bearer'
        $saved.IndexOf($emulator.ApiKey) | Should -Be -1

        $out = New-TestFolder 'profile'
        (New-GeminiImage 'through a profile' -Profile team -OutputDirectory $out -MaxRetries 0).Path | Should -Exist
        @($emulator.Requests)[-1].AuthStyle | Should -Be 'Bearer'

        # A new session finds the saved profile.
        $child = Invoke-TestPwsh -Script @"
Import-Module '$ModulePath'
Use-GeminiProfile team
`$c = Get-GeminiConfig
[pscustomobject]@{ Profile = `$c.Profile; BaseUri = `$c.BaseUri.AbsoluteUri; AuthStyle = `$c.AuthStyle; KeySource = `$c.ApiKeySource; BaseSource = `$c.Sources['BaseUri'] } | ConvertTo-Json -Compress
"@ -Environment @{ GEMINI_IMAGE_HOME = $env:GEMINI_IMAGE_HOME; GI_TEST_KEY = $emulator.ApiKey }
        $child.Result.Profile | Should -Be 'team'
        $child.Result.BaseUri | Should -Be $emulator.BaseUri.AbsoluteUri
        $child.Result.AuthStyle | Should -Be 'Bearer'
        $child.Result.KeySource | Should -Be "profile 'team': `$env:GI_TEST_KEY"
        $child.Result.BaseSource | Should -Be "profile 'team'"

        Use-GeminiProfile team
        (New-GeminiImage 'session profile' -OutputDirectory $out -MaxRetries 0).Path | Should -Exist
        $config = Get-GeminiConfig
        $config.Profile | Should -Be 'team'
        $config.Sources['AuthStyle'] | Should -Be "profile 'team'"
        $config.Sources['ApiVersion'] | Should -Be 'default'
        $emulator.Stop()
    }

    It 'reads the key from a key file' {
        $emulator = Start-GeminiEmulator -NoSessionConfig
        $keyFile = Join-Path (New-TestFolder 'keyfile') 'gemini.key'
        Set-Content -LiteralPath $keyFile -Value $emulator.ApiKey -NoNewline
        Set-GeminiConfig -Profile filed -BaseUri $emulator.BaseUri -ApiKeyFile $keyFile
        (New-GeminiImage 'key from a file' -Profile filed -OutputDirectory (New-TestFolder 'kf') -MaxRetries 0).Path | Should -Exist
        (Get-GeminiConfig -Profile filed).ApiKeySource | Should -Be "profile 'filed': key file $keyFile"
        $emulator.Stop()
    }

    It 'reads the key with Get-Secret, and says clearly when SecretManagement is missing' {
        $emulator = Start-GeminiEmulator -NoSessionConfig
        Set-GeminiConfig -Profile vaulted -BaseUri $emulator.BaseUri -ApiKeySecret GeminiTestKey
        { New-GeminiImage 'no vault' -Profile vaulted -OutputDirectory (New-TestFolder 'nv') } | Should -Throw -ErrorId 'GeminiImage.SecretManagementMissing*'
        @($emulator.Requests).Count | Should -Be 0

        # A test-only stand-in for Microsoft.PowerShell.SecretManagement's Get-Secret.
        $standIn = Join-Path (New-TestFolder 'standin') 'SecretStandIn.psm1'
        Set-Content -LiteralPath $standIn -Value @'
$script:Vault = @{}
function Set-StandInSecret([string] $Name, [string] $Value) { $script:Vault[$Name] = $Value }
function Get-Secret {
    param([Parameter(Mandatory)] [string] $Name, [switch] $AsPlainText)
    if (-not $script:Vault.ContainsKey($Name)) { throw "Get-Secret: The secret $Name was not found." }
    if ($AsPlainText) { $script:Vault[$Name] } else { ConvertTo-SecureString $script:Vault[$Name] -AsPlainText -Force }
}
'@
        Import-Module $standIn -Force
        try {
            Set-StandInSecret GeminiTestKey $emulator.ApiKey
            (New-GeminiImage 'from the vault' -Profile vaulted -OutputDirectory (New-TestFolder 'v') -MaxRetries 0).Path | Should -Exist
            (Get-GeminiConfig -Profile vaulted).ApiKeySource | Should -Be "profile 'vaulted': secret GeminiTestKey"
            Set-GeminiConfig -Profile vaulted -ApiKeySecret Missing
            { New-GeminiImage 'missing secret' -Profile vaulted -OutputDirectory (New-TestFolder 'm') } | Should -Throw -ErrorId 'GeminiImage.ApiKeyNotFound*'
        }
        finally { Remove-Module SecretStandIn -Force }
        $emulator.Stop()
    }

    It 'refuses bad profile input with stable ids and sends nothing' {
        { New-GeminiImage 'x' -Profile nosuch -OutputDirectory (New-TestFolder 'u') } | Should -Throw -ErrorId 'GeminiImage.ProfileNotFound*'
        { Use-GeminiProfile nosuch } | Should -Throw -ErrorId 'GeminiImage.ProfileNotFound*'
        { Set-GeminiConfig -Profile p1 -ApiKey (ConvertTo-SecureString 'AIzaNOPE1234' -AsPlainText -Force) -Save } | Should -Throw -ErrorId 'GeminiImage.KeyNotSaved*'
        { Set-GeminiConfig -Profile p1 -Fallback p2, p1 } | Should -Throw -ErrorId 'GeminiImage.InvalidFallback*'
        { Set-GeminiConfig -BaseUri http://x/ -Save } | Should -Throw -ErrorId 'GeminiImage.ProfileRequired*'
        { Set-GeminiConfig -Profile 'bad name!' } | Should -Throw -ErrorId 'GeminiImage.InvalidProfileName*'
        Join-Path $env:GEMINI_IMAGE_HOME 'profiles.json' | Get-Content -Raw -ErrorAction SilentlyContinue | Should -Not -Match 'AIzaNOPE'
    }
}

Describe 'Proxies' {
    BeforeAll {
        if (-not ('RecordingProxy' -as [type])) {
            Add-Type -Path (Join-Path $RepoRoot 'tests/fixtures/RecordingProxy/RecordingProxy.cs')
        }
        $script:SavedProxyEnv = @{}
        foreach ($name in 'HTTPS_PROXY', 'https_proxy', 'HTTP_PROXY', 'http_proxy', 'NO_PROXY', 'no_proxy') {
            $SavedProxyEnv[$name] = [Environment]::GetEnvironmentVariable($name)
            [Environment]::SetEnvironmentVariable($name, $null)
        }
    }
    AfterAll {
        foreach ($name in $SavedProxyEnv.Keys) { [Environment]::SetEnvironmentVariable($name, $SavedProxyEnv[$name]) }
    }
    BeforeEach {
        $script:Explicit = [RecordingProxy]::new($true)
        $script:FromEnv = [RecordingProxy]::new($false)
        $script:Emu = Start-GeminiEmulator
        $script:Target = $Emu.BaseUri.AbsoluteUri + 'v1beta/models/gemini-2.5-flash-image:generateContent'
    }
    AfterEach {
        $Explicit.Dispose(); $FromEnv.Dispose()
        Stop-GeminiEmulator; Set-GeminiConfig -Reset
        foreach ($name in 'HTTPS_PROXY', 'NO_PROXY') { [Environment]::SetEnvironmentVariable($name, $null) }
    }

    It 'uses -Proxy with -ProxyCredential over HTTPS_PROXY' {
        $env:HTTPS_PROXY = $FromEnv.Uri.AbsoluteUri
        $credential = [pscredential]::new('alice', (ConvertTo-SecureString 'proxy-pass' -AsPlainText -Force))
        $verbose = New-GeminiImage 'via the explicit proxy' -Proxy $Explicit.Uri -ProxyCredential $credential -OutputDirectory (New-TestFolder 'px') -MaxRetries 0 -Verbose 4>&1
        @($verbose | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }).Message -join "`n" | Should -Match ([regex]::Escape("proxy $($Explicit.Uri) (parameter)"))
        @($Explicit.Targets) | Should -Be @($Target)
        @($Explicit.Users) | Should -Be @('alice')
        @($FromEnv.Targets).Count | Should -Be 0
        @($Emu.Requests).Count | Should -Be 1
    }

    It 'uses HTTPS_PROXY when no proxy is set, and Get-GeminiConfig says so' {
        $env:HTTPS_PROXY = $FromEnv.Uri.AbsoluteUri
        (New-GeminiImage 'via the environment proxy' -OutputDirectory (New-TestFolder 'pe') -MaxRetries 0).Path | Should -Exist
        @($FromEnv.Targets) | Should -Be @($Target)
        @($Explicit.Targets).Count | Should -Be 0
        $config = Get-GeminiConfig
        $config.Proxy | Should -Be $FromEnv.Uri
        $config.Sources['Proxy'] | Should -Be 'HTTPS_PROXY'
    }

    It 'goes direct when NO_PROXY names the host' {
        $env:HTTPS_PROXY = $FromEnv.Uri.AbsoluteUri
        $env:NO_PROXY = 'example.com, 127.0.0.1'
        (New-GeminiImage 'no proxy for this host' -OutputDirectory (New-TestFolder 'np') -MaxRetries 0).Path | Should -Exist
        @($FromEnv.Targets).Count | Should -Be 0
        @($Explicit.Targets).Count | Should -Be 0
        @($Emu.Requests).Count | Should -Be 1
        (Get-GeminiConfig).Sources['Proxy'] | Should -Be 'NO_PROXY'
    }

    It 'uses a profile''s proxy over HTTPS_PROXY' {
        $env:HTTPS_PROXY = $FromEnv.Uri.AbsoluteUri
        $noAuth = [RecordingProxy]::new($false)
        try {
            Set-GeminiConfig -Profile proxied -Proxy $noAuth.Uri
            (New-GeminiImage 'via the profile proxy' -Profile proxied -OutputDirectory (New-TestFolder 'pp') -MaxRetries 0).Path | Should -Exist
            @($noAuth.Targets) | Should -Be @($Target)
            @($FromEnv.Targets).Count | Should -Be 0
        }
        finally { $noAuth.Dispose() }
    }
}
