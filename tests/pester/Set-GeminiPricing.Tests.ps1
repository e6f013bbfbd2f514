BeforeAll {
    . (Join-Path $PSScriptRoot 'common.ps1')
    . (Join-Path $PSScriptRoot 'LedgerTestHelpers.ps1')
    $null = Enter-TestGeminiHome
    $script:Emulator = Start-TestEmulator
}
AfterAll {
    Stop-GeminiEmulator
    Exit-TestGeminiHome
}

Describe 'Set-GeminiPricing' {
    BeforeEach {
        $null = Enter-TestGeminiHome
        $Emulator.Reset()
        $script:Work = New-TestFolder 'pricing'
        $script:Override = Join-Path $env:GEMINI_IMAGE_HOME 'prices.json'
    }

    It 'installs a valid file, and the next calls are priced with it' {
        $file = Join-Path $Work 'prices.json'
        Set-Content -LiteralPath $file -Value @'
{
  // comments are allowed
  "models": { "gemini-3.1-flash-image": { "input": 0, "textOutput": 0, "imageOutput": 100 } },
}
'@
        $before = New-GeminiImage 'priced by the catalog' -OutputDirectory $Work
        Set-GeminiPricing -Path $file
        $Override | Should -Exist
        (Get-GeminiPricing gemini-3.1-flash-image).Source | Should -Be 'Override'
        $after = New-GeminiImage 'priced by the override' -OutputDirectory $Work
        $after.Cost | Should -Be 0.112 -Because '1120 image tokens (1K) at $100 per 1M, input and text free'
        $records = Get-GeminiUsage
        $records[1].CostUsd | Should -Be 0.112
        $records[0].CostUsd | Should -Be $before.Cost -Because 'costs already recorded are not recomputed'
    }

    It 'takes the file from the pipeline and -PassThru shows the table in use' {
        $file = Join-Path $Work 'p.json'
        Set-Content -LiteralPath $file -Value '{ "models": { "gemini-3-pro-image": { "imageOutput": 100 } } }'
        $rows = Get-Item -LiteralPath $file | Set-GeminiPricing -PassThru
        ($rows | Where-Object Model -eq 'gemini-3-pro-image').ImageOutputPer1M | Should -Be 100
        ($rows | Where-Object Model -eq 'gemini-3-pro-image').Source | Should -Be 'Override'
    }

    It 'refuses <Name> and installs nothing' -TestCases @(
        @{ Name = 'malformed JSON'; Json = '{ "models": ' }
        @{ Name = 'a file without models'; Json = '{ "prices": {} }' }
        @{ Name = 'an empty models object'; Json = '{ "models": {} }' }
        @{ Name = 'a negative price'; Json = '{ "models": { "gemini-2.5-flash-image": { "imageOutput": -1 } } }' }
        @{ Name = 'a price that is not a number'; Json = '{ "models": { "gemini-2.5-flash-image": { "imageOutput": "cheap" } } }' }
        @{ Name = 'an unknown model with missing prices'; Json = '{ "models": { "my-model": { "input": 1 } } }' }
    ) {
        $file = Join-Path $Work 'bad.json'
        Set-Content -LiteralPath $file -Value $Json
        $err = $null
        Set-GeminiPricing -Path $file -ErrorVariable err -ErrorAction SilentlyContinue
        $err | Should -HaveCount 1
        $err[0].FullyQualifiedErrorId | Should -BeLike 'GeminiImage.InvalidPriceFile*'
        $err[0].CategoryInfo.Category | Should -Be 'InvalidData'
        $Override | Should -Not -Exist
    }

    It 'a missing file is GeminiImage.PriceFileNotFound' {
        $err = $null
        Set-GeminiPricing -Path (Join-Path $Work 'nope.json') -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -BeLike 'GeminiImage.PriceFileNotFound*'
        $err[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
    }

    It '-WhatIf validates but installs nothing' {
        $file = Join-Path $Work 'ok.json'
        Set-Content -LiteralPath $file -Value '{ "models": { "gemini-3-pro-image": { "imageOutput": 100 } } }'
        Set-GeminiPricing -Path $file -WhatIf
        $Override | Should -Not -Exist
    }

    It '-Reset removes the override and the catalog prices apply again' {
        $file = Join-Path $Work 'ok.json'
        Set-Content -LiteralPath $file -Value '{ "models": { "gemini-2.5-flash-image": { "imageOutput": 100 } } }'
        Set-GeminiPricing $file
        Set-GeminiPricing -Reset
        $Override | Should -Not -Exist
        (Get-GeminiPricing gemini-2.5-flash-image).Source | Should -Be 'Catalog'
        (New-GeminiImage 'back to catalog' -Model gemini-2.5-flash-image -OutputDirectory $Work -WarningAction SilentlyContinue).Cost | Should -BeLessThan 0.05
        { Set-GeminiPricing -Reset -ErrorAction Stop } | Should -Not -Throw -Because 'resetting twice is fine'
    }
}

Describe 'A broken price override' {
    BeforeEach {
        $null = Enter-TestGeminiHome
        $Emulator.Reset()
    }

    It 'fails before anything is paid for' {
        Set-Content -LiteralPath (Join-Path $env:GEMINI_IMAGE_HOME 'prices.json') -Value '{ "models": { "gemini-2.5-flash-image": '
        $err = $null
        New-GeminiImage 'priced badly' -OutputDirectory (New-TestFolder 'bad-prices') -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -BeLike 'GeminiImage.InvalidPriceFile*'
        $err[0].CategoryInfo.Category | Should -Be 'InvalidData'   # as Get-GeminiPricing reports the same file
        $err[0].Exception.Message | Should -Match ([regex]::Escape((Join-Path $env:GEMINI_IMAGE_HOME 'prices.json')))
        $err[0].ErrorDetails.RecommendedAction | Should -Match 'Set-GeminiPricing -Reset'
        $Emulator.RequestCount | Should -Be 0
    }

    It 'budgets use the override prices' {
        $file = Join-Path $env:GEMINI_IMAGE_HOME 'prices.json'
        Set-Content -LiteralPath $file -Value '{ "models": { "gemini-3.1-flash-image": { "imageOutput": 10000 } } }'
        Set-GeminiBudget -Daily 1
        $err = $null
        # 1120 image tokens at $10,000 per million is $11.20: over the $1 budget only at the override's price.
        New-GeminiImage 'expensive now' -OutputDirectory (New-TestFolder 'pricey') -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -BeLike 'GeminiImage.BudgetExceeded*'
        $Emulator.RequestCount | Should -Be 0
        Clear-GeminiBudget
    }
}
