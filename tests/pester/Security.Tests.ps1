<#
    One test per finding of the security review (issue 21). Each one fails on the code before the fix.
#>
BeforeAll {
    . (Join-Path $PSScriptRoot 'common.ps1')
    $script:Emulator = Start-TestEmulator
}
AfterAll { Stop-GeminiEmulator }

Describe 'The emulator control API' {
    It 'refuses control calls without the instance token and uses a random key' {
        $Emulator.Reset()
        $null = New-GeminiImage 'a private prompt' -OutputDirectory (New-TestFolder 'emu')
        $uri = [Uri]::new($Emulator.BaseUri, 'emulator/requests')
        $anonymous = Invoke-WebRequest -Uri $uri -SkipHttpErrorCheck
        $anonymous.StatusCode | Should -Be 401
        $anonymous.Content | Should -Not -Match 'a private prompt'
        (Invoke-WebRequest -Method Post -Uri ([Uri]::new($Emulator.BaseUri, 'emulator/reset')) -SkipHttpErrorCheck).StatusCode | Should -Be 401
        $Emulator.RequestCount | Should -Be 1

        (Invoke-TestEmulatorControl $Emulator requests)[0].prompt | Should -Be 'a private prompt'
        $Emulator.ApiKey | Should -Not -Be 'emulator-key'
        $Emulator.ApiKey.Length | Should -BeGreaterOrEqual 24
    }
}
