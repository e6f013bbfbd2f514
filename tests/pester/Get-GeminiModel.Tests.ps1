BeforeAll {
    . (Join-Path $PSScriptRoot 'common.ps1')
    $script:Emulator = Start-TestEmulator
    $script:Key = ConvertTo-SecureString $Emulator.ApiKey -AsPlainText -Force
}
AfterAll {
    Stop-GeminiEmulator
}

Describe 'Get-GeminiModel (catalog)' {
    It 'shows each model''s status and dates' {
        $flash = Get-GeminiModel gemini-3.1-flash-image
        "$($flash.Status)" | Should -Be 'Stable'
        $flash.ReleaseDate.ToString('yyyy-MM-dd') | Should -Be '2026-05-28'
        $old = Get-GeminiModel gemini-2.5-flash-image
        "$($old.Status)" | Should -Be 'Deprecated'
        $old.ShutdownDate.ToString('yyyy-MM-dd') | Should -Be '2026-10-02'
        $old.ShutdownDateIsEarliest | Should -BeTrue
        $old.Replacement | Should -Be 'gemini-3.1-flash-image'
        $preview = Get-GeminiModel gemini-3-pro-image-preview
        "$($preview.Status)" | Should -Be 'ShutDown'
        $preview.Replacement | Should -Be 'gemini-3-pro-image'
        (Get-GeminiModel gemini-nano-banana-2.1).Unconfirmed | Should -BeTrue
    }

    It 'the table shows status and shutdown date within 80 columns' {
        $text = Get-GeminiModel | Format-Table | Out-String -Width 80
        $text | Should -Match 'gemini-2\.5-flash-image\s+Deprecated\s+2026-10-02'
        $text | Should -Match 'gemini-3-pro-image-preview\s+ShutDown\s+2026-06-25'
        foreach ($line in $text -split "`r?`n") { $line.Length | Should -BeLessOrEqual 80 }
    }

    It 'prices one image as Get-GeminiPricing does, and says which size the price is for (issue 15)' {
        foreach ($id in 'gemini-3.1-flash-image', 'gemini-3-pro-image', 'gemini-2.5-flash-image') {
            $model = Get-GeminiModel $id
            $model.PerImage | Should -Be (Get-GeminiPricing $id).PerImage -Because "$id has one price"
        }
        (Get-GeminiModel gemini-3.1-flash-image).PerImage | Should -Be 0.0672 -Because '1120 tokens at the default 1K, not the 512 price'
        (Get-GeminiModel gemini-3.1-flash-image).PerImageSize | Should -Be '1K'
        (Get-GeminiModel gemini-2.5-flash-image).PerImageSize | Should -BeNullOrEmpty
        $text = Get-GeminiModel | Out-String -Width 80
        $text | Should -Match 'gemini-3\.1-flash-image\s+Stable\s+512,1K,2K,4K\s+\$0\.067 @1K'
        $text | Should -Match 'gemini-3\.1-flash-image-preview\s' -Because 'ids are not cut'
        foreach ($line in $text -split "`r?`n") { $line.Length | Should -BeLessOrEqual 80 }
        (Get-GeminiPricing gemini-3.1-flash-image | Out-String -Width 80) | Should -Match '\$0\.067 @1K'
        # Format-List shows the prices, not a type name
        (Get-GeminiModel gemini-3.1-flash-image | Format-List | Out-String -Width 200) | Should -Match 'Prices\s+: input \$0\.50, text \$3\.00, image \$60\.00 per 1M tokens'
    }

    It 'follows a price override, as the paid cmdlets do' {
        $file = Join-Path $env:GEMINI_IMAGE_HOME 'prices.json'
        try {
            Set-Content -LiteralPath $file -Value '{ "models": { "gemini-2.5-flash-image": { "imageOutput": 25 } } }'
            (Get-GeminiModel gemini-2.5-flash-image).PerImage | Should -Be 0.03225
        }
        finally { Remove-Item -LiteralPath $file -ErrorAction SilentlyContinue }
    }

    It 'shows the catalog prices with a warning naming a broken price override' {
        $file = Join-Path $env:GEMINI_IMAGE_HOME 'prices.json'
        try {
            Set-Content -LiteralPath $file -Value '{ "models": { "gemini-2.5-flash-image": '
            $model = Get-GeminiModel gemini-2.5-flash-image -WarningVariable warned 3>$null
            $model.PerImage | Should -Be 0.0387   # the catalog price
            "$warned" | Should -Match ([regex]::Escape($file))
            "$warned" | Should -Match 'Catalog prices are shown'
        }
        finally { Remove-Item -LiteralPath $file -ErrorAction SilentlyContinue }
    }

    It 'takes the Model property of piped objects: Get-GeminiConfig | Get-GeminiModel shows the configured model' {
        try {
            Set-GeminiConfig -Model gemini-3-pro-image
            $err = $null
            $model = Get-GeminiConfig | Get-GeminiModel -ErrorVariable err
            $err | Should -BeNullOrEmpty
            $model.Id | Should -Be 'gemini-3-pro-image'
        }
        finally { Set-GeminiConfig -Reset }
        # A model object pipes too (by its Id).
        (Get-GeminiModel gemini-2.5-flash-image | Get-GeminiModel).Id | Should -Be 'gemini-2.5-flash-image'
    }

    It 'a near miss says "did you mean"' {
        $err = $null
        Get-GeminiModel gemini-3-pro-imgae -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -BeLike 'GeminiImage.ModelNotFound*'
        $err[0].Exception.Message | Should -Match "Did you mean 'gemini-3-pro-image'"
    }
}

Describe 'Get-GeminiModel -Online' {
    BeforeEach {
        $Emulator.Reset()
        $Emulator.ListModelsPageLimit = 0
    }

    It 'walks every page of GET v1beta/models and marks image models against the catalog' {
        $Emulator.ListModelsPageLimit = 4
        $live = Get-GeminiModel -Online -BaseUri $Emulator.BaseUri -ApiKey $Key
        $requests = @($Emulator.Requests | Where-Object Path -eq '/v1beta/models')
        $requests.Count | Should -BeGreaterOrEqual 2
        $live.Count | Should -BeGreaterThan 4
        ($live.Id | Select-Object -Unique).Count | Should -Be $live.Count
        $flash = $live | Where-Object Id -eq 'gemini-3.1-flash-image'
        $flash.IsImageModel | Should -BeTrue
        $flash.InCatalog | Should -BeTrue
        "$($flash.CatalogStatus)" | Should -Be 'Stable'
        $text = $live | Where-Object Id -eq 'gemini-2.5-flash'
        $text.IsImageModel | Should -BeFalse
        $text.InCatalog | Should -BeFalse
        # Shut-down models are not served any more.
        $live.Id | Should -Not -Contain 'gemini-3-pro-image-preview'
    }

    It 'says which catalog models the key no longer sees' {
        $Emulator.RetiredModels = [string[]]@('gemini-3-pro-image')
        $verbose = Get-GeminiModel -Online -BaseUri $Emulator.BaseUri -ApiKey $Key -Verbose 4>&1 | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }
        ($verbose.Message -join "`n") | Should -Match 'gemini-3-pro-image as stable, but the key does not see it'
    }

    It 'filters by name' {
        $live = Get-GeminiModel -Online 'gemini-3*image' -BaseUri $Emulator.BaseUri -ApiKey $Key
        $live.Id | Should -Contain 'gemini-3-pro-image'
        $live.Id | Should -Not -Contain 'gemini-2.5-flash-image'
    }
}
