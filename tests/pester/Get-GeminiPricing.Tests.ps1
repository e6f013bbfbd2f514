BeforeAll {
    . (Join-Path $PSScriptRoot 'common.ps1')
    . (Join-Path $PSScriptRoot 'LedgerTestHelpers.ps1')
    $null = Enter-TestGeminiHome
    $script:Prices = Get-CatalogPrices
}
AfterAll { Exit-TestGeminiHome }

Describe 'Get-GeminiPricing' {
    BeforeEach { $null = Enter-TestGeminiHome }

    It 'lists every catalog model with the catalog prices' {
        $rows = Get-GeminiPricing
        @($rows.Model | Sort-Object) | Should -Be @($Prices.Keys | Sort-Object)
        foreach ($r in $rows) {
            $r | Should -BeOfType ([GeminiImage.Cmdlets.Infrastructure.GeminiPriceView])
            $r.Source | Should -Be 'Catalog'
            $r.InputPer1M | Should -Be $Prices[$r.Model].Input
            $r.TextOutputPer1M | Should -Be $Prices[$r.Model].TextOutput
            $r.ImageOutputPer1M | Should -Be $Prices[$r.Model].ImageOutput
        }
    }

    It 'gives the output cost of one image, per size too' {
        $flash = Get-GeminiPricing gemini-2.5-flash-image
        $flash.ImageTokens | Should -Be 1290
        $flash.PerImage | Should -Be 0.0387
        $pro = Get-GeminiPricing -Model gemini-3-pro-image
        $pro.ImageSize | Should -Be '1K'
        $pro.PerImage | Should -Be 0.1344
        $pro.PerImageBySize['4K'] | Should -Be 0.24
    }

    It 'takes wildcards, the models/ prefix and pipeline input; an unknown model is an error' {
        @(Get-GeminiPricing 'gemini-3*').Model | Should -Contain 'gemini-3-pro-image'
        (Get-GeminiPricing models/gemini-3-pro-image).Model | Should -Be 'gemini-3-pro-image'
        @('gemini-2.5-flash-image', 'gemini-3-pro-image' | Get-GeminiPricing).Count | Should -Be 2
        $err = $null
        Get-GeminiPricing nope-model -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -BeLike 'GeminiImage.ModelNotFound*'
    }

    It 'shows an override from the data folder, including a model the catalog does not know' {
        Set-Content -LiteralPath (Join-Path $env:GEMINI_IMAGE_HOME 'prices.json') -Value @'
{ "models": { "gemini-2.5-flash-image": { "imageOutput": 25 }, "my-tuned-image": { "input": 1, "textOutput": 2, "imageOutput": 3 } } }
'@
        $flash = Get-GeminiPricing gemini-2.5-flash-image
        $flash.Source | Should -Be 'Override'
        $flash.ImageOutputPer1M | Should -Be 25
        $flash.InputPer1M | Should -Be $Prices['gemini-2.5-flash-image'].Input -Because 'fields left out keep the catalog value'
        $flash.PerImage | Should -Be 0.03225
        $tuned = Get-GeminiPricing my-tuned-image
        $tuned.Source | Should -Be 'Override'
        $tuned.PerImage | Should -BeNullOrEmpty
        (Get-GeminiPricing)[-1].Model | Should -Be 'my-tuned-image'
        (Get-GeminiPricing gemini-3-pro-image).Source | Should -Be 'Catalog'
    }

    It 'stops with GeminiImage.InvalidPriceFile on a broken override' {
        Set-Content -LiteralPath (Join-Path $env:GEMINI_IMAGE_HOME 'prices.json') -Value '{ "models": { "x": '
        $err = $null
        try { Get-GeminiPricing } catch { $err = @($_) }
        $err | Should -Not -BeNullOrEmpty -Because 'a price table that cannot be read is a terminating error'
        $err[0].FullyQualifiedErrorId | Should -BeLike 'GeminiImage.InvalidPriceFile*'
        $err[0].ErrorDetails.RecommendedAction | Should -Match 'Set-GeminiPricing -Reset'
    }

    It 'shows model, prices, per image and source in its table view' {
        $text = Get-GeminiPricing gemini-3-pro-image | Out-String -Width 200
        $text | Should -Match 'Model\s+Input/1M\s+Text/1M\s+Image/1M\s+PerImage\s+Source'
        $text | Should -Match 'gemini-3-pro-image\s+2\.00\s+12\.00\s+120\.00\s+\$0\.134 @1K\s+Catalog'
    }
}
