BeforeAll {
    . (Join-Path $PSScriptRoot 'common.ps1')
    . (Join-Path $PSScriptRoot 'HelpExamples.ps1')
    $script:OldHome = $env:GEMINI_IMAGE_HOME
    $env:GEMINI_IMAGE_HOME = New-TestFolder 'get-cache-home'
    $script:Emulator = Start-TestEmulator
    $script:SavedEnv = @{}
    foreach ($name in 'GEMINI_IMAGE_CACHE', 'GEMINI_IMAGE_CACHE_MAX_MB') {
        $SavedEnv[$name] = [Environment]::GetEnvironmentVariable($name)
        [Environment]::SetEnvironmentVariable($name, $null)
    }
}
AfterAll {
    Stop-GeminiEmulator
    Set-GeminiConfig -Reset
    foreach ($name in $SavedEnv.Keys) { [Environment]::SetEnvironmentVariable($name, $SavedEnv[$name]) }
    $env:GEMINI_IMAGE_HOME = $script:OldHome
}

Describe 'Get-GeminiCache' {
    BeforeEach {
        $Emulator.Reset()
        $script:Work = New-TestFolder 'get-cache'
        Clear-GeminiCache -Confirm:$false
        Set-GeminiConfig -Cache Off -CacheMaxMB 1024
    }
    AfterEach {
        Set-GeminiConfig -Cache Off -CacheMaxMB 1024
        foreach ($name in $SavedEnv.Keys) { [Environment]::SetEnvironmentVariable($name, $null) }
    }

    It 'describes an empty cache in the data folder, with the mode and the bound, and sends nothing' {
        $info = Get-GeminiCache
        @($info).Count | Should -Be 1
        $info.PSObject.TypeNames[0] | Should -Be 'GeminiImage.Engine.Cache.CacheInfo'
        $info.Path | Should -BeLike "$env:GEMINI_IMAGE_HOME*"
        $info.EntryCount | Should -Be 0
        $info.SizeBytes | Should -Be 0
        $info.SizeMB | Should -Be 0
        $info.MaxMB | Should -Be 1024
        $info.MaxBytes | Should -Be 1GB
        $info.OldestUtc | Should -BeNullOrEmpty
        $info.NewestUtc | Should -BeNullOrEmpty
        $info.PendingWrites | Should -Be 0
        "$($info.Mode)" | Should -Be 'Off'
        $Emulator.RequestCount | Should -Be 0
    }

    It 'counts what a cached call stored, with its size and times' {
        $before = [datetime]::UtcNow.AddSeconds(-5)
        New-GeminiImage 'a cached kite' -Cache -OutputDirectory $Work | Out-Null
        New-GeminiImage 'a second kite' -Cache -OutputDirectory $Work | Out-Null
        $info = Get-GeminiCache
        $info.EntryCount | Should -Be 2
        $info.SizeBytes | Should -BeGreaterThan 10KB
        $info.SizeBytes | Should -BeLessOrEqual (Get-ChildItem -LiteralPath $info.Path -Recurse -File | Measure-Object Length -Sum).Sum
        $info.OldestUtc | Should -BeGreaterThan $before
        $info.NewestUtc | Should -BeGreaterOrEqual $info.OldestUtc
    }

    It 'shows the mode and bound in effect: Set-GeminiConfig over the environment over the default' {
        $env:GEMINI_IMAGE_CACHE = 'ReadOnly'
        $env:GEMINI_IMAGE_CACHE_MAX_MB = '50'
        Set-GeminiConfig -Reset
        Set-GeminiConfig -BaseUri $Emulator.BaseUri -ApiKey (ConvertTo-SecureString $Emulator.ApiKey -AsPlainText -Force)
        $info = Get-GeminiCache
        "$($info.Mode)" | Should -Be 'ReadOnly'
        $info.MaxMB | Should -Be 50
        Set-GeminiConfig -Cache ReadWrite -CacheMaxMB 64
        $info = Get-GeminiCache
        "$($info.Mode)" | Should -Be 'ReadWrite'
        $info.MaxMB | Should -Be 64
    }

    It 'help example 1 shows the entry count, size and bound' {
        $r = Invoke-HelpExample Get-GeminiCache 1 -In $Work
        $r.Errors | Should -BeNullOrEmpty
        $r.Output | Should -HaveCount 1
        $text = $r.Output | Out-String -Width 80
        $text | Should -Match 'EntryCount|Entries'
    }

    It 'help example 2 turns the cache on with a 2 GB bound and shows ReadWrite' {
        $r = Invoke-HelpExample Get-GeminiCache 2 -In $Work
        $r.Errors | Should -BeNullOrEmpty
        "$($r.Output)" | Should -Be 'ReadWrite'
        (Get-GeminiCache).MaxMB | Should -Be 2048
    }
}
