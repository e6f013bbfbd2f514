# The API key never appears in output, any stream (-Verbose -Debug included), errors, or any file the module writes.
BeforeAll {
    . (Join-Path $PSScriptRoot 'common.ps1')
    $script:SavedHome = $env:GEMINI_IMAGE_HOME
    $script:SavedEnvKey = $env:GEMINI_API_KEY
    $env:GEMINI_IMAGE_HOME = New-TestFolder 'secrets-home'
    $script:Emulator = Start-GeminiEmulator -AcceptAnyKey
    $script:SessionKey = 'AIzaSession' + [guid]::NewGuid().ToString('N')
    $script:ParamKey = 'AIzaParam' + [guid]::NewGuid().ToString('N')
    $script:EnvKey = 'AIzaEnv' + [guid]::NewGuid().ToString('N')
    $env:GEMINI_API_KEY = $EnvKey
    Set-GeminiConfig -ApiKey (ConvertTo-SecureString $SessionKey -AsPlainText -Force)
    $script:Secrets = @($SessionKey, $ParamKey, $EnvKey)
}
AfterAll {
    Stop-GeminiEmulator
    Set-GeminiConfig -Reset
    $env:GEMINI_IMAGE_HOME = $SavedHome
    $env:GEMINI_API_KEY = $SavedEnvKey
}

Describe 'Secret hygiene' {
    It 'keeps every key out of every stream and every file, across the cmdlet surface' {
        $out = New-TestFolder 'secrets-out'
        $in = New-TestFolder 'secrets-in'
        $paramKey = ConvertTo-SecureString $ParamKey -AsPlainText -Force
        $common = @{ Verbose = $true; Debug = $true; ErrorAction = 'Continue'; WarningAction = 'Continue' }
        $streams = & {
            Get-GeminiConfig @common
            $img = New-GeminiImage 'a fox' -OutputDirectory $out -Tag audit @common
            $img
            New-GeminiImage 'blocked [emulator:block]' -OutputDirectory $out @common
            New-GeminiImage 'overloaded [emulator:503]' -OutputDirectory $out -MaxRetries 1 @common
            New-GeminiImage 'bad request [emulator:400]' -OutputDirectory $out @common
            New-GeminiImage 'parameter key' -ApiKey $paramKey -OutputDirectory $out @common
            $img | Edit-GeminiImage 'make it night' @common
            $chat = Start-GeminiImageChat -OutputDirectory $out
            Send-GeminiImageChat -Chat $chat 'a lighthouse' @common
            Save-GeminiImageChat -Chat $chat -Path (Join-Path $out 'chat.json')
            Import-GeminiImageChat (Join-Path $out 'chat.json')
            New-GeminiImage 'cached' -Style product-white -Cache -OutputDirectory $out @common
            New-GeminiImage 'cached' -Style product-white -Cache -OutputDirectory $out @common
            Get-GeminiCache @common
            Get-GeminiUsage @common
            Get-GeminiCost -GroupBy Model -Report (Join-Path $out 'spend.html') @common
            Get-GeminiPricing @common
            Set-GeminiBudget -Daily 100 @common
            Get-GeminiBudget @common
            Clear-GeminiBudget @common
            Resize-GeminiImage -LiteralPath $img.Path -Preset Instagram -OutputDirectory $out @common
            New-GeminiContactSheet -Path (Join-Path $out '*.png') -OutFile (Join-Path $out 'sheet.png') @common
            New-GeminiContactSheet -Path (Join-Path $out '*.png') -OutFile (Join-Path $out 'sheet.html') -Html @common
            Get-GeminiImageInfo -LiteralPath $img.Path @common
            Copy-Item -LiteralPath $img.Path -Destination (Join-Path $in 'drop.png')
            Start-GeminiFolderWatch -Path $in -Prompt 'white studio background' -OutputDirectory (Join-Path $out 'watch') -Once -StableFor 00:00:00.2 -PollInterval 00:00:00.1 @common
            if ($env:OS -ne 'Windows_NT') {
                $null = Use-InstalledPwsh
                Register-GeminiFolderWatchTask -Name audit -Path $in -Prompt 'p' -OutputDirectory $out -OutFile (Join-Path $out 'schedule.txt') @common
            }
        } *>&1 | ForEach-Object {
            # Render everything a person could see: records, errors with their exception chains, objects as lists.
            if ($_ -is [System.Management.Automation.ErrorRecord]) { $_.ToString(); $_.Exception.ToString(); $_.ErrorDetails.RecommendedAction }
            elseif ($_ -is [System.Management.Automation.InformationalRecord]) { $_.Message }
            else { $_ | Format-List * | Out-String -Width 400 }
        } | Out-String -Width 400

        $streams | Should -Match 'Using http://127\.0\.0\.1'        # verbose was on
        $streams | Should -Match 'HTTP 503'                         # retries were logged
        $streams | Should -Match 'PromptBlocked|blocked'            # errors were captured
        foreach ($secret in $Secrets) { $streams | Should -Not -Match ([regex]::Escape($secret)) }

        $files = Get-ChildItem -LiteralPath $out, $env:GEMINI_IMAGE_HOME -Recurse -File -Force
        $files.Count | Should -BeGreaterThan 15
        foreach ($file in $files) {
            $bytes = [System.IO.File]::ReadAllBytes($file.FullName)
            $texts = [System.Text.Encoding]::UTF8.GetString($bytes), [System.Text.Encoding]::Unicode.GetString($bytes)
            foreach ($secret in $Secrets) {
                foreach ($text in $texts) {
                    $text.IndexOf($secret, [StringComparison]::OrdinalIgnoreCase) | Should -Be -1 -Because "$($file.Name) must not hold a key"
                }
            }
        }
        # The requests really carried the keys (so the test is not vacuous): the emulator saw keyed calls.
        ($Emulator.Requests | Where-Object ApiKeyPresent).Count | Should -BeGreaterThan 5
    }

    It 'keeps the key out of errors about URLs and connections' {
        $err = $null
        New-GeminiImage 'nowhere' -BaseUri 'http://127.0.0.1:9/' -MaxRetries 0 -OutputDirectory (New-TestFolder 'nowhere') -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -BeLike 'GeminiImage.ConnectionFailed*'
        foreach ($secret in $Secrets) { ($err[0].Exception.ToString() + $err[0].ToString()) | Should -Not -Match ([regex]::Escape($secret)) }
    }

    It 'shows the key redacted in Get-GeminiConfig' {
        $config = Get-GeminiConfig
        $config.ApiKey | Should -Be ('****' + $SessionKey.Substring($SessionKey.Length - 4))
        $config.ApiKeySource | Should -Be 'Session'
    }
}

Describe 'Secret hygiene in every auth style' {
    It 'keeps the key out of every stream and file with the key sent as <_>' -ForEach 'Header', 'Bearer', 'Query' {
        $style = $_
        $options = (Get-GeminiType 'GeminiImage.Emulator.EmulatorOptions')::new()
        $options.AuthMode = if ($style -eq 'Header') { 'Google' } else { $style }
        $options.PathPrefix = '/gw'
        $gateway = (Get-GeminiType 'GeminiImage.Emulator.GeminiEmulator')::Start($options)
        try {
            $key = $gateway.ApiKey
            $out = New-TestFolder "secrets-$style"
            $keyFile = Join-Path $out 'gateway.key'
            Set-Content -LiteralPath $keyFile -Value $key -NoNewline
            Set-GeminiConfig -Profile "secret-$style" -BaseUri ($gateway.BaseUri.AbsoluteUri + 'v1beta') -AuthStyle $style -ApiKeyFile $keyFile -Save
            $common = @{ Profile = "secret-$style"; Verbose = $true; Debug = $true; ErrorAction = 'Continue'; WarningAction = 'Continue'; OutputDirectory = $out }
            $streams = & {
                Get-GeminiConfig -Profile "secret-$style"
                $img = New-GeminiImage 'a fox' -MaxRetries 0 @common
                $img
                New-GeminiImage 'overloaded [emulator:503]' -MaxRetries 1 @common
                New-GeminiImage 'bad request [emulator:400]' @common
                $img | Edit-GeminiImage 'make it night' @common
                New-GeminiImage 'nowhere' -BaseUri 'http://127.0.0.1:9/gw/' -MaxRetries 0 @common
                Get-GeminiUsage
            } *>&1 | ForEach-Object {
                if ($_ -is [System.Management.Automation.ErrorRecord]) { $_.ToString(); $_.Exception.ToString(); $_.ErrorDetails.RecommendedAction }
                elseif ($_ -is [System.Management.Automation.InformationalRecord]) { $_.Message }
                else { $_ | Format-List * | Out-String -Width 400 }
            } | Out-String -Width 400
            $streams | Should -Match 'HTTP 503'
            $streams | Should -Match 'ConnectionFailed|Could not reach'
            $streams | Should -Not -Match ([regex]::Escape($key))
            foreach ($file in Get-ChildItem -LiteralPath $out, $env:GEMINI_IMAGE_HOME -Recurse -File -Force | Where-Object FullName -ne $keyFile) {
                $bytes = [System.IO.File]::ReadAllBytes($file.FullName)
                foreach ($text in [System.Text.Encoding]::UTF8.GetString($bytes), [System.Text.Encoding]::Unicode.GetString($bytes)) {
                    $text.IndexOf($key, [StringComparison]::OrdinalIgnoreCase) | Should -Be -1 -Because "$($file.Name) must not hold the key"
                }
            }
            # The calls really went out keyed in this style.
            (@($gateway.Requests) | Where-Object { $_.AuthStyle -eq $style -and $_.ApiKeyValid }).Count | Should -BeGreaterThan 2
        }
        finally { $gateway.Stop() }
    }
}
