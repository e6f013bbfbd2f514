BeforeAll {
    . (Join-Path $PSScriptRoot 'common.ps1')
    . (Join-Path $PSScriptRoot 'LedgerTestHelpers.ps1')
}
AfterAll { Exit-TestGeminiHome }

Describe 'Remove-GeminiModel' {
    BeforeEach { $null = Enter-TestGeminiHome }

    It 'removes an added model, and a changed shipped model is back to its shipped description' {
        Set-GeminiModel -Id gemini-3.2-flash-image -SameAs gemini-3.1-flash-image
        Set-GeminiModel -Id gemini-3-pro-image -Status Deprecated -ShutdownDate 2027-06-30
        "$((Get-GeminiModel gemini-3-pro-image).Status)" | Should -Be 'Deprecated'
        Remove-GeminiModel -Id gemini-3.2-flash-image
        Remove-GeminiModel -Id models/gemini-3-pro-image
        Get-GeminiModel gemini-3.2-flash-image -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        "$((Get-GeminiModel gemini-3-pro-image).Status)" | Should -Be 'Stable'
    }

    It '-WhatIf keeps the entry' {
        Set-GeminiModel -Id gemini-3.2-flash-image -SameAs gemini-3.1-flash-image
        Remove-GeminiModel -Id gemini-3.2-flash-image -WhatIf
        Get-GeminiModel gemini-3.2-flash-image | Should -Not -BeNullOrEmpty
    }

    It 'an id the override file does not list is ModelNotFound' {
        $err = $null
        Remove-GeminiModel -Id gemini-3-pro-image -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -BeLike 'GeminiImage.ModelNotFound*'
        $err[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
    }
}
