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
        $request.Path | Should -Be '/gw/v1beta/models/gemini-3.1-flash-image:generateContent'
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
        @($emulator.Requests)[-1].Path | Should -Be '/p/v1alpha/models/gemini-3.1-flash-image:generateContent'
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
        $child.Result.KeySource | Should -Be "Saved (profile 'team': `$env:GI_TEST_KEY)"
        $child.Result.BaseSource | Should -Be "Saved (profile 'team')"

        Use-GeminiProfile team
        (New-GeminiImage 'session profile' -OutputDirectory $out -MaxRetries 0).Path | Should -Exist
        $config = Get-GeminiConfig
        $config.Profile | Should -Be 'team'
        $config.Sources['AuthStyle'] | Should -Be "Saved (profile 'team')"
        $config.Sources['ApiVersion'] | Should -Be 'Default'
        $emulator.Stop()
    }

    It 'reads the key from a key file' {
        $emulator = Start-GeminiEmulator -NoSessionConfig
        $keyFile = Join-Path (New-TestFolder 'keyfile') 'gemini.key'
        Set-Content -LiteralPath $keyFile -Value $emulator.ApiKey -NoNewline
        Set-GeminiConfig -Profile filed -BaseUri $emulator.BaseUri -ApiKeyFile $keyFile
        (New-GeminiImage 'key from a file' -Profile filed -OutputDirectory (New-TestFolder 'kf') -MaxRetries 0).Path | Should -Exist
        (Get-GeminiConfig -Profile filed).ApiKeySource | Should -Be "Session (profile 'filed': key file $keyFile)"
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
            (Get-GeminiConfig -Profile vaulted).ApiKeySource | Should -Be "Session (profile 'vaulted': secret GeminiTestKey)"
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

    It 'takes -ApiKey as a plain string too, on Set-GeminiConfig and on a call' {
        $emulator = Start-TestEmulator
        $savedHome = $env:GEMINI_IMAGE_HOME
        $env:GEMINI_IMAGE_HOME = New-TestFolder 'plain-home'   # its paid calls stay out of this file's ledger
        try {
            Set-GeminiConfig -Reset
            Set-GeminiConfig -BaseUri $emulator.BaseUri -ApiKey $emulator.ApiKey
            (Get-GeminiConfig).ApiKeySource | Should -Be 'Session'
            (New-GeminiImage 'plain key' -OutputDirectory (New-TestFolder 'plain')).Path | Should -Exist
            Set-GeminiConfig -Reset
            (New-GeminiImage 'plain key' -BaseUri $emulator.BaseUri -ApiKey $emulator.ApiKey -OutputDirectory (New-TestFolder 'plain')).Path | Should -Exist
        }
        finally { $env:GEMINI_IMAGE_HOME = $savedHome }
    }

    It 'fails at once, before sending, with GeminiImage.NoApiKey and how to set one, when no key is configured' {
        $emulator = Start-TestEmulator
        $script = @"
Import-Module '$ModulePath'
`$e = @()
try { New-GeminiImage 'no key' -OutputDirectory '$(New-TestFolder 'nokey')' } catch { `$e = @(`$_) }
[pscustomobject]@{ Id = `$e[0].FullyQualifiedErrorId; Category = "`$(`$e[0].CategoryInfo.Category)"; Action = `$e[0].ErrorDetails.RecommendedAction } | ConvertTo-Json -Compress
"@
        $r = Invoke-TestPwsh -Script $script -Environment @{ GEMINI_BASE_URL = $emulator.BaseUri.AbsoluteUri; GEMINI_API_KEY = $null; GOOGLE_API_KEY = $null; GEMINI_IMAGE_HOME = $env:GEMINI_IMAGE_HOME }
        $r.Result.Id | Should -BeLike 'GeminiImage.NoApiKey*' -Because $r.Output
        $r.Result.Category | Should -Be 'AuthenticationError'
        $r.Result.Action | Should -Match 'GEMINI_API_KEY'
        $emulator.RequestCount | Should -Be 0
    }

    It 'warns when -Model names a model the catalog does not know, with a near miss' {
        $warnings = $null
        Set-GeminiConfig -Model gemini-3-pro-imag -WarningVariable warnings -WarningAction SilentlyContinue
        "$($warnings[0])" | Should -Match "Did you mean 'gemini-3-pro-image'"
        $warnings = $null
        Set-GeminiConfig -Model gemini-3-pro-image -WarningVariable warnings
        $warnings | Should -BeNullOrEmpty
    }

    It 'refuses a base URI that is not an absolute http(s) address, when set and when passed, before sending' {
        $err = { Set-GeminiConfig -BaseUri 'not a uri' } | Should -Throw -ErrorId 'GeminiImage.InvalidBaseUri*' -PassThru
        "$($err.CategoryInfo.Category)" | Should -Be 'InvalidArgument'
        "$($err.TargetObject)" | Should -Be 'not a uri'
        (Get-GeminiConfig).BaseUri.IsAbsoluteUri | Should -BeTrue -Because 'the refused value is not kept'
        { Set-GeminiConfig -Profile p1 -BaseUri 'ftp://files.example/' } | Should -Throw -ErrorId 'GeminiImage.InvalidBaseUri*'
        $out = New-TestFolder 'baseuri'
        $err = $null
        { New-GeminiImage 'x' -BaseUri 'relative/path' -OutputDirectory $out } | Should -Throw -ErrorId 'GeminiImage.InvalidBaseUri*'
        @(Get-ChildItem -LiteralPath $out).Count | Should -Be 0
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
        $script:Target = $Emu.BaseUri.AbsoluteUri + 'v1beta/models/gemini-3.1-flash-image:generateContent'
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
        @($verbose | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }).Message -join "`n" | Should -Match ([regex]::Escape("proxy $($Explicit.Uri) (Parameter)"))
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
        $config.Sources['Proxy'] | Should -Be 'Environment (HTTPS_PROXY)'
    }

    It 'goes direct when NO_PROXY names the host' {
        $env:HTTPS_PROXY = $FromEnv.Uri.AbsoluteUri
        $env:NO_PROXY = 'example.com, 127.0.0.1'
        (New-GeminiImage 'no proxy for this host' -OutputDirectory (New-TestFolder 'np') -MaxRetries 0).Path | Should -Exist
        @($FromEnv.Targets).Count | Should -Be 0
        @($Explicit.Targets).Count | Should -Be 0
        @($Emu.Requests).Count | Should -Be 1
        (Get-GeminiConfig).Sources['Proxy'] | Should -Be 'Environment (NO_PROXY)'
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

Describe 'Fallback endpoints' {
    BeforeEach {
        $script:Backup = Start-GeminiEmulator -NoSessionConfig
        $env:GI_BACKUP_KEY = $Backup.ApiKey
        Set-GeminiConfig -Profile backup -BaseUri $Backup.BaseUri -ApiKeyVariable GI_BACKUP_KEY
    }
    AfterEach {
        $Backup.Stop()
        Set-GeminiConfig -Reset
        Remove-Item Env:GI_BACKUP_KEY, Env:GI_PRIMARY_KEY -ErrorAction SilentlyContinue
    }

    It 'fails over from a refused connection, and the result, the ledger and Get-GeminiCost name the endpoint' {
        Set-GeminiConfig -Profile primary -BaseUri 'http://127.0.0.1:9/' -ApiKeyVariable GI_BACKUP_KEY -Fallback backup
        $out = New-TestFolder 'failover'
        $image = New-GeminiImage 'served by the backup' -Profile primary -OutputDirectory $out -MaxRetries 0 -Tag failover
        $image.Path | Should -Exist
        $image.Endpoint | Should -Be 'backup'
        @($Backup.Requests).Count | Should -Be 1
        $record = Get-GeminiUsage -Tag failover | Select-Object -Last 1
        $record.Endpoint | Should -Be 'backup'
        $record.Status | Should -Be 'Success'
        (Get-GeminiCost -GroupBy Endpoint -Tag failover).Key | Should -Contain 'backup'
    }

    It 'fails over on 5xx after the retries, never on a 4xx, and skips the primary once its circuit is open' {
        # A second emulator beside the backup (Start-GeminiEmulator keeps one per session).
        $primary = (Get-GeminiType 'GeminiImage.Emulator.GeminiEmulator')::Start($null)
        try {
            $env:GI_PRIMARY_KEY = $primary.ApiKey
            Set-GeminiConfig -Profile primary -BaseUri $primary.BaseUri -ApiKeyVariable GI_PRIMARY_KEY -Fallback backup
            $out = New-TestFolder 'failover5xx'
            $fault = (Get-GeminiType 'GeminiImage.Emulator.EmulatorFault')::new('Unavailable503')
            $fault.Count = 100
            $primary.EnqueueFault($fault)
            $images = New-GeminiImage 'overloaded primary' -Profile primary -Count 5 -OutputDirectory $out -MaxRetries 1
            @($images).Count | Should -Be 5
            @($images.Endpoint | Select-Object -Unique) | Should -Be @('backup')
            # Three calls (two attempts each) open the primary's circuit; the last two go straight to the backup.
            @($primary.Requests).Count | Should -Be 6
            @($Backup.Requests).Count | Should -Be 5

            $primary.ClearFaults()
            $err = $null
            New-GeminiImage 'bad request [emulator:400]' -Profile primary -OutputDirectory $out -MaxRetries 0 -ErrorVariable err -ErrorAction SilentlyContinue
            $err[0].FullyQualifiedErrorId | Should -BeLike 'GeminiImage.BadRequest*'
            @($Backup.Requests).Count | Should -Be 5
            (Get-GeminiUsage | Select-Object -Last 1).Endpoint | Should -Be 'primary'
        }
        finally { $primary.Stop() }
    }

    It 'counts every endpoint against one budget' {
        Set-GeminiConfig -Profile primary -BaseUri 'http://127.0.0.1:9/' -ApiKeyVariable GI_BACKUP_KEY -Fallback backup
        $out = New-TestFolder 'budget'
        $null = New-GeminiImage 'first, via the backup' -Profile primary -OutputDirectory $out -MaxRetries 0
        Set-GeminiBudget -Daily 0.01
        try {
            $err = $null
            New-GeminiImage 'second' -Profile backup -OutputDirectory $out -MaxRetries 0 -ErrorVariable err -ErrorAction SilentlyContinue
            $err[0].FullyQualifiedErrorId | Should -BeLike 'GeminiImage.BudgetExceeded*'
            @($Backup.Requests).Count | Should -Be 1
        }
        finally { Clear-GeminiBudget }
    }
}

Describe 'Vertex AI' {
    BeforeAll {
        function script:New-ServiceAccountKey([object] $Emulator, [string] $Folder, [string] $Project = 'emu-project', [switch] $Untrusted) {
            $rsa = [System.Security.Cryptography.RSA]::Create(2048)
            $email = "image-bot-$([guid]::NewGuid().ToString('N').Substring(0, 6))@$Project.iam.gserviceaccount.com"
            if (-not $Untrusted) { $Emulator.TrustServiceAccount($email, $rsa.ExportParameters($false)) }
            $key = [ordered]@{
                type = 'service_account'; project_id = $Project; private_key_id = 'k1'
                private_key = $rsa.ExportPkcs8PrivateKeyPem(); client_email = $email; client_id = '1234567890'
                token_uri = $Emulator.TokenUri.AbsoluteUri
            }
            if (-not $Project) { $key.Remove('project_id') }
            $path = Join-Path $Folder "$([guid]::NewGuid().ToString('N')).json"
            $key | ConvertTo-Json | Set-Content -LiteralPath $path
            [pscustomobject]@{ Path = $path; PrivateKey = $key.private_key }
        }
    }
    BeforeEach {
        $script:Vx = Start-GeminiEmulator -NoSessionConfig
        $script:KeyDir = New-TestFolder 'sa'
    }
    AfterEach {
        $Vx.Stop()
        Set-GeminiConfig -Reset
        Remove-Item Env:GOOGLE_APPLICATION_CREDENTIALS -ErrorAction SilentlyContinue
    }

    It 'exchanges a service-account key at the key file''s token_uri once, and calls the Vertex path' {
        $sa = New-ServiceAccountKey $Vx $KeyDir
        Set-GeminiConfig -Profile vertex -Backend Vertex -Project my-proj -Location global -BaseUri $Vx.BaseUri -CredentialFile $sa.Path
        $out = New-TestFolder 'vertex'
        $images = 1..3 | ForEach-Object { New-GeminiImage "vertex $_" -Profile vertex -OutputDirectory $out -MaxRetries 0 }
        @($images).Count | Should -Be 3
        $images[0].Endpoint | Should -Be 'vertex'
        @($Vx.Requests | Where-Object Path -eq '/token').Count | Should -Be 1
        $calls = @($Vx.Requests | Where-Object Path -ne '/token')
        $calls.Count | Should -Be 3
        $calls[0].Path | Should -Be '/v1/projects/my-proj/locations/global/publishers/google/models/gemini-3.1-flash-image:generateContent'
        $calls | ForEach-Object { $_.AuthStyle | Should -Be 'Bearer'; $_.ApiKeyValid | Should -BeTrue }
    }

    It 'refreshes the token after it expires' {
        $Vx.TokenLifetime = [TimeSpan]::FromSeconds(2)
        $sa = New-ServiceAccountKey $Vx $KeyDir
        Set-GeminiConfig -Backend Vertex -BaseUri $Vx.BaseUri -CredentialFile $sa.Path
        $out = New-TestFolder 'refresh'
        (New-GeminiImage 'first token' -OutputDirectory $out -MaxRetries 0).Path | Should -Exist
        Start-Sleep -Seconds 3
        (New-GeminiImage 'after expiry' -OutputDirectory $out -MaxRetries 0).Path | Should -Exist
        @($Vx.Requests | Where-Object Path -eq '/token').Count | Should -Be 2
        # The project came from the key file.
        @($Vx.Requests)[-1].Path | Should -BeLike '/v1/projects/emu-project/locations/global/*'
        @($Vx.Requests | Where-Object StatusCode -eq 401).Count | Should -Be 0
    }

    It 'fetches the token through the same proxy as the calls' {
        if (-not ('RecordingProxy' -as [type])) {
            Add-Type -Path (Join-Path $RepoRoot 'tests/fixtures/RecordingProxy/RecordingProxy.cs')
        }
        $proxy = [RecordingProxy]::new($false)
        try {
            $sa = New-ServiceAccountKey $Vx $KeyDir
            Set-GeminiConfig -Backend Vertex -BaseUri $Vx.BaseUri -CredentialFile $sa.Path -Proxy $proxy.Uri
            (New-GeminiImage 'behind the proxy' -OutputDirectory (New-TestFolder 'vxproxy') -MaxRetries 0).Path | Should -Exist
            $targets = @($proxy.Targets)
            $targets | Should -Contain $Vx.TokenUri.AbsoluteUri
            @($targets | Where-Object { $_ -like '*:generateContent' }).Count | Should -Be 1
            @($Vx.Requests | Where-Object Path -eq '/token').Count | Should -Be 1
        }
        finally { $proxy.Dispose() }
    }

    It 'refuses server batches and Get-GeminiBatchJob on Vertex AI with a clear error, before any paid request' {
        $sa = New-ServiceAccountKey $Vx $KeyDir
        Set-GeminiConfig -Backend Vertex -BaseUri $Vx.BaseUri -CredentialFile $sa.Path
        $recordsBefore = @(Get-GeminiUsage).Count
        $out = New-TestFolder 'vxbatch'
        $csv = Join-Path $out 'rows.csv'
        @([pscustomobject]@{ Id = 'a'; Prompt = 'a red apple' }, [pscustomobject]@{ Id = 'b'; Prompt = 'a green pear' }) | Export-Csv -LiteralPath $csv
        $err = $null
        Invoke-GeminiBatch -Path $csv -OutputDirectory $out -Mode Server -ErrorVariable err -ErrorAction SilentlyContinue | Out-Null
        $err[0].FullyQualifiedErrorId | Should -BeLike 'GeminiImage.NotSupportedOnVertex*'
        "$($err[0])" | Should -Match 'server batches'
        { Get-GeminiBatchJob -ErrorAction Stop } | Should -Throw -ErrorId 'GeminiImage.NotSupportedOnVertex*'
        @($Vx.Requests | Where-Object Path -ne '/token').Count | Should -Be 0
        @(Get-GeminiUsage).Count | Should -Be $recordsBefore
    }

    It 'uses application default credentials and an express-mode key' {
        $sa = New-ServiceAccountKey $Vx $KeyDir
        $env:GOOGLE_APPLICATION_CREDENTIALS = $sa.Path
        Set-GeminiConfig -Backend Vertex -BaseUri $Vx.BaseUri
        (New-GeminiImage 'adc' -OutputDirectory (New-TestFolder 'adc') -MaxRetries 0).Path | Should -Exist
        @($Vx.Requests)[-1].AuthStyle | Should -Be 'Bearer'
        Remove-Item Env:GOOGLE_APPLICATION_CREDENTIALS

        $key = ConvertTo-SecureString $Vx.ApiKey -AsPlainText -Force
        (New-GeminiImage 'express' -ApiKey $key -OutputDirectory (New-TestFolder 'express') -MaxRetries 0).Path | Should -Exist
        @($Vx.Requests)[-1].Path | Should -Be '/v1/publishers/google/models/gemini-3.1-flash-image:generateContent'
        @($Vx.Requests)[-1].AuthStyle | Should -Be 'Header'
    }

    It 'refuses bad credentials with stable ids, before any paid request and without the key file''s content' {
        $out = New-TestFolder 'badcred'
        $notJson = Join-Path $KeyDir 'not.json'
        Set-Content -LiteralPath $notJson -Value '-----BEGIN PRIVATE KEY-----MIIEsecretsecret'
        Set-GeminiConfig -Backend Vertex -Project p -BaseUri $Vx.BaseUri -CredentialFile $notJson
        $e = { New-GeminiImage 'x' -OutputDirectory $out } | Should -Throw -ErrorId 'GeminiImage.InvalidCredentialFile*' -PassThru
        "$e $($e.Exception)" | Should -Not -Match 'secretsecret'

        $noKey = Join-Path $KeyDir 'nokey.json'
        @{ type = 'service_account'; client_email = 'a@b.iam.gserviceaccount.com'; token_uri = $Vx.TokenUri.AbsoluteUri } | ConvertTo-Json | Set-Content -LiteralPath $noKey
        Set-GeminiConfig -CredentialFile $noKey
        { New-GeminiImage 'x' -OutputDirectory $out } | Should -Throw -ErrorId 'GeminiImage.InvalidCredentialFile*'

        $refused = New-ServiceAccountKey $Vx $KeyDir -Untrusted
        Set-GeminiConfig -CredentialFile $refused.Path
        $err = $null
        New-GeminiImage 'refused' -OutputDirectory $out -MaxRetries 0 -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -BeLike 'GeminiImage.TokenRefused*'
        $err[0].ToString() | Should -Match 'invalid_grant'
        $body = ($refused.PrivateKey -split "`n")[1]
        "$($err[0]) $($err[0].Exception)" | Should -Not -Match ([regex]::Escape($body))

        $noProject = New-ServiceAccountKey $Vx $KeyDir -Project ''
        Set-GeminiConfig -Reset
        Set-GeminiConfig -Backend Vertex -BaseUri $Vx.BaseUri -CredentialFile $noProject.Path
        { New-GeminiImage 'x' -OutputDirectory $out } | Should -Throw -ErrorId 'GeminiImage.VertexProjectRequired*'
        @($Vx.Requests | Where-Object Path -ne '/token').Count | Should -Be 0
        @(Get-ChildItem -LiteralPath $out -File).Count | Should -Be 0
    }
}
