BeforeAll {
    . (Join-Path $PSScriptRoot 'common.ps1')
    . (Join-Path $PSScriptRoot 'HelpExamples.ps1')
    $script:OldHome = $env:GEMINI_IMAGE_HOME
    $env:GEMINI_IMAGE_HOME = New-TestFolder 'export-style-home'
    $script:StylesFile = Join-Path $env:GEMINI_IMAGE_HOME 'styles.json'

    function Read-StyleFile([string] $Path) { @((Get-Content -LiteralPath $Path -Raw | ConvertFrom-Json).styles) }
}
AfterAll {
    $env:GEMINI_IMAGE_HOME = $script:OldHome
}

Describe 'Export-GeminiStyle' {
    BeforeEach {
        $script:Out = New-TestFolder 'export-style-out'
        if (Test-Path -LiteralPath $StylesFile) { Remove-Item -LiteralPath $StylesFile }
        Set-GeminiStyle -Name shop-mug -Template 'Mug {prompt}' -AspectRatio 1:1 -Description 'Mugs' -Temperature 0.5
        Set-GeminiStyle -Name shop-tee -Template 'Tee {prompt}' -ImageSize 2K
        Set-GeminiStyle -Name moody -Template 'Moody {prompt}'
    }

    It 'writes every default of the user''s styles, sorted, in a file Import-GeminiStyle reads back' {
        $file = Join-Path $Out 'all.json'
        Export-GeminiStyle -Path $file | Should -BeNullOrEmpty
        $styles = Read-StyleFile $file
        $styles.name | Should -Be @('moody', 'shop-mug', 'shop-tee')
        $mug = $styles | Where-Object name -eq 'shop-mug'
        $mug.template | Should -Be 'Mug {prompt}'
        $mug.aspectRatio | Should -Be '1:1'
        $mug.description | Should -Be 'Mugs'
        $mug.temperature | Should -Be 0.5
        ($styles | Where-Object name -eq 'shop-tee').imageSize | Should -Be '2K'
        # no built-in styles unless asked for
        $styles.name | Should -Not -Contain 'product-white'

        Remove-Item -LiteralPath $StylesFile
        $back = Import-GeminiStyle -Path $file -PassThru
        $back.Name | Should -Be @('moody', 'shop-mug', 'shop-tee')
        (Get-GeminiStyle shop-mug).Temperature | Should -Be 0.5
    }

    It '-Name takes wildcards and built-in names, and names each style once' {
        $file = Join-Path $Out 'some.json'
        Export-GeminiStyle $file -Name 'shop-*', shop-mug, product-white
        (Read-StyleFile $file).name | Should -Be @('product-white', 'shop-mug', 'shop-tee')
        (Read-StyleFile $file | Where-Object name -eq 'product-white').template | Should -Be (Get-GeminiStyle product-white).Template
    }

    It 'takes names by value and style objects from Get-GeminiStyle by property name' {
        $file = Join-Path $Out 'piped.json'
        Get-GeminiStyle 'shop-*' | Export-GeminiStyle -Path $file
        (Read-StyleFile $file).name | Should -Be @('shop-mug', 'shop-tee')
        'moody', 'social-post' | Export-GeminiStyle -Path $file -Force
        (Read-StyleFile $file).name | Should -Be @('moody', 'social-post')
    }

    It '-PassThru returns the file written; without -Force an existing file is refused and kept' {
        $file = Join-Path $Out 'team.json'
        $info = Export-GeminiStyle -Path $file -PassThru
        $info | Should -BeOfType [System.IO.FileInfo]
        $info.FullName | Should -Be $file
        $info.Length | Should -Be (Get-Item -LiteralPath $file).Length

        Set-Content -LiteralPath $file -Value 'keep me'
        $err = $null
        Export-GeminiStyle -Path $file -PassThru -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $err | Should -HaveCount 1
        $err[0].FullyQualifiedErrorId | Should -BeLike 'GeminiImage.OutputExists,*'
        $err[0].CategoryInfo.Category | Should -Be 'ResourceExists'
        $err[0].TargetObject | Should -Be $file
        Get-Content -LiteralPath $file | Should -Be 'keep me'
        Export-GeminiStyle -Path $file -Force
        (Read-StyleFile $file).name | Should -Contain 'moody'
    }

    It 'resolves a relative path against the current PowerShell location' {
        Push-Location -LiteralPath $Out
        try { Export-GeminiStyle -Path 'relative.json' -Name moody }
        finally { Pop-Location }
        (Read-StyleFile (Join-Path $Out 'relative.json')).name | Should -Be @('moody')
    }

    It '-WhatIf writes no file' {
        $file = Join-Path $Out 'whatif.json'
        Export-GeminiStyle -Path $file -WhatIf
        $file | Should -Not -Exist
    }

    It 'an unknown name without wildcards is StyleNotFound with the name as target, and no file is written' {
        $file = Join-Path $Out 'none.json'
        $err = $null
        Export-GeminiStyle -Path $file -Name moody, no-such-style -ErrorVariable err -ErrorAction SilentlyContinue
        $err | Should -HaveCount 1
        $err[0].FullyQualifiedErrorId | Should -Be 'GeminiImage.StyleNotFound,GeminiImage.Cmdlets.Commands.ExportGeminiStyleCommand'
        $err[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $err[0].TargetObject | Should -Be 'no-such-style'
        $file | Should -Not -Exist
    }

    It 'a wildcard that matches nothing warns and writes an empty list' {
        $file = Join-Path $Out 'empty.json'
        $warn = $null
        Export-GeminiStyle -Path $file -Name 'zz-*' -WarningVariable warn -WarningAction SilentlyContinue
        "$warn" | Should -BeLike '*no styles*'
        Read-StyleFile $file | Should -BeNullOrEmpty
    }

    It 'help example 1 writes all the user''s styles to team-styles.json' {
        $r = Invoke-HelpExample Export-GeminiStyle 1 -In $Out
        $r.Errors | Should -BeNullOrEmpty
        (Read-StyleFile (Join-Path $Out 'team-styles.json')).name | Should -Be @('moody', 'shop-mug', 'shop-tee')
    }

    It 'help example 2 writes product-white and the shop-* styles, replacing product.json' {
        Set-Content -LiteralPath (Join-Path $Out 'product.json') -Value 'old'
        $r = Invoke-HelpExample Export-GeminiStyle 2 -In $Out
        $r.Errors | Should -BeNullOrEmpty
        (Read-StyleFile (Join-Path $Out 'product.json')).name | Should -Be @('product-white', 'shop-mug', 'shop-tee')
    }
}
