BeforeAll {
    . (Join-Path $PSScriptRoot 'common.ps1')
    . (Join-Path $PSScriptRoot 'LedgerTestHelpers.ps1')
    $script:Emulator = Start-TestEmulator
}
AfterAll {
    Stop-GeminiEmulator
    Exit-TestGeminiHome
}

Describe 'Set-GeminiModel' {
    BeforeEach {
        $null = Enter-TestGeminiHome
        $script:Out = New-TestFolder 'setmodel'
        $script:Override = Join-Path $env:GEMINI_IMAGE_HOME 'models.json'
        $Emulator.Reset()
    }

    It 'adds a new model from a known shape; it is validated, priced and served at once' {
        $model = Set-GeminiModel -Id gemini-3.2-flash-image -SameAs gemini-3.1-flash-image -Nickname 'Nano Banana 3' -Status Preview -ImageOutputPrice 50 -PassThru
        $Override | Should -Exist
        $model.Id | Should -Be 'gemini-3.2-flash-image'
        $model.Source | Should -Be 'override'
        "$($model.Status)" | Should -Be 'Preview'
        $model.Prices.ImageOutput | Should -Be 50
        $model.Prices.Input | Should -Be (Get-GeminiModel gemini-3.1-flash-image).Prices.Input
        (Get-GeminiModel gemini-3.2-flash-image).Nickname | Should -Be 'Nano Banana 3'
        $image = New-GeminiImage 'a new model fox' -Model gemini-3.2-flash-image -AspectRatio 8:1 -OutputDirectory $Out
        $image.Cost | Should -BeGreaterThan 0
        $Emulator.Requests[0].Path | Should -Be '/v1beta/models/gemini-3.2-flash-image:generateContent'
    }

    It 'marks a shipped model shut down: it is refused before sending, naming the replacement' {
        Set-GeminiModel -Id gemini-3.1-flash-lite-image -Status ShutDown -ShutdownDate 2026-11-01 -Replacement gemini-3.1-flash-image
        "$((Get-GeminiModel gemini-3.1-flash-lite-image).Status)" | Should -Be 'ShutDown'
        $err = $null
        New-GeminiImage 'lite fox' -Model gemini-3.1-flash-lite-image -OutputDirectory $Out -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -BeLike 'GeminiImage.ModelShutDown*'
        $err[0].Exception.Message | Should -Match 'Set-GeminiConfig -Model gemini-3.1-flash-image'
        $Emulator.RequestCount | Should -Be 0
    }

    It '-WhatIf writes nothing' {
        Set-GeminiModel -Id gemini-3.2-flash-image -SameAs gemini-3.1-flash-image -WhatIf
        $Override | Should -Not -Exist
        Get-GeminiModel gemini-3.2-flash-image -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
    }

    It 'refuses a new id without a shape, before writing anything' {
        $err = $null
        Set-GeminiModel -Id brand-new-model -Status Preview -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -BeLike 'GeminiImage.InvalidModelCatalog*'
        $err[0].Exception.Message | Should -Match '-SameAs'
        $Override | Should -Not -Exist
    }

    It 'a malformed override file is a clear error before any request, and Get-GeminiModel still works' {
        Set-Content -LiteralPath $Override -Value '{ "models": [ { "id": "gemini-3-pro-image", "status": "gone" } ] }'
        $err = $null
        New-GeminiImage 'broken catalog' -OutputDirectory $Out -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -BeLike 'GeminiImage.InvalidModelCatalog*'
        $err[0].Exception.Message | Should -Match 'status'
        $Emulator.RequestCount | Should -Be 0
        $warn = $null
        (Get-GeminiModel -WarningVariable warn -WarningAction SilentlyContinue).Count | Should -BeGreaterThan 5
        $warn | Should -Match 'cannot be used'
        Remove-Item -LiteralPath $Override
        New-GeminiImage 'fixed catalog' -OutputDirectory $Out | Should -Not -BeNullOrEmpty
    }
}
