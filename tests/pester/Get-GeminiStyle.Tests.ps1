BeforeAll {
    . (Join-Path $PSScriptRoot 'common.ps1')
    $script:OldHome = $env:GEMINI_IMAGE_HOME
    $env:GEMINI_IMAGE_HOME = New-TestFolder 'style-home'
    $script:Emulator = Start-TestEmulator
    $script:Corpus = Join-Path $RepoRoot 'tests/unit/data/images'
}
AfterAll {
    Stop-GeminiEmulator
    $env:GEMINI_IMAGE_HOME = $script:OldHome
}

Describe 'Get-GeminiStyle' {
    BeforeEach {
        $script:Out = New-TestFolder 'style-out'
        $Emulator.Reset()
        $styles = Join-Path $env:GEMINI_IMAGE_HOME 'styles.json'
        if (Test-Path -LiteralPath $styles) { Remove-Item -LiteralPath $styles }
    }

    It 'lists the six built-in styles' {
        $all = Get-GeminiStyle
        $all.Name | Should -Be @('flat-illustration', 'infographic-card', 'photoreal-portrait', 'product-lifestyle', 'product-white', 'social-post')
        $all | ForEach-Object { $_.Template | Should -BeLike '*{prompt}*' }
        (Get-GeminiStyle social-post).AspectRatio | Should -Be '4:5'
        Get-GeminiStyle 'product-*' | Should -HaveCount 2
        Get-GeminiStyle -UserOnly | Should -BeNullOrEmpty
    }

    It 'sends the style''s text as the prompt, with its defaults, and names the file from the user''s words' {
        $image = New-GeminiImage 'a smartwatch' -Style product-white -OutputDirectory $Out
        $Emulator.RequestCount | Should -Be 1
        $expected = (Get-GeminiStyle product-white).Template.Replace('{prompt}', 'a smartwatch')
        $Emulator.Requests[0].Prompt | Should -BeExactly $expected
        $Emulator.Requests[0].AspectRatio | Should -Be '1:1'
        $image.Prompt | Should -BeExactly $expected
        (Split-Path $image.Path -Leaf) | Should -Match '^a-smartwatch-\d{8}-\d{6}\.png$'
    }

    It 'explicit parameters override the style''s defaults' {
        Set-GeminiStyle -Name hero -Template 'Hero shot: {prompt}' -AspectRatio 4:5 -Model gemini-3-pro-image -ImageSize 2K
        New-GeminiImage 'a bike' -Style hero -OutputDirectory $Out | Out-Null
        $Emulator.Requests[0].Model | Should -Be 'gemini-3-pro-image'
        $Emulator.Requests[0].AspectRatio | Should -Be '4:5'
        $Emulator.Requests[0].ImageSize | Should -Be '2K'

        New-GeminiImage 'a bike' -Style hero -AspectRatio 16:9 -ImageSize 1K -OutputDirectory $Out | Out-Null
        $Emulator.Requests[1].AspectRatio | Should -Be '16:9'
        $Emulator.Requests[1].ImageSize | Should -Be '1K'
        $Emulator.Requests[1].Prompt | Should -Be 'Hero shot: a bike'

        # A model with a fixed size: the style's size is dropped with a warning, not an error.
        New-GeminiImage 'a bike' -Style hero -Model gemini-2.5-flash-image -OutputDirectory $Out -WarningVariable warn -WarningAction SilentlyContinue | Out-Null
        $Emulator.Requests[2].Model | Should -Be 'gemini-2.5-flash-image'
        $Emulator.Requests[2].ImageSize | Should -BeNullOrEmpty
        "$warn" | Should -BeLike '*fixed output size*'
    }

    It 'an unknown style is an error before any request' {
        $err = $null
        New-GeminiImage 'a cat' -Style no-such-style -OutputDirectory $Out -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -BeLike 'GeminiImage.StyleNotFound*'
        $err[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        "$($err[0])" | Should -BeLike '*product-white*'
        { Edit-GeminiImage 'brighter' -Path (Join-Path $Corpus 'good.png') -Style no-such-style -OutputDirectory $Out -ErrorAction Stop } |
            Should -Throw -ErrorId 'GeminiImage.StyleNotFound*'
        $Emulator.RequestCount | Should -Be 0
        Get-ChildItem $Out | Should -BeNullOrEmpty
    }

    It 'a template without {prompt} is refused, and a hand-broken style file fails before any request' {
        $err = $null
        Set-GeminiStyle -Name broken -Template 'no placeholder here' -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -BeLike 'GeminiImage.InvalidStyle*'
        Get-GeminiStyle broken -ErrorAction SilentlyContinue | Should -BeNullOrEmpty

        Set-Content -LiteralPath (Join-Path $env:GEMINI_IMAGE_HOME 'styles.json') -Value '{ "styles": [ { "name": "broken", "template": "lost prompt" } ] }'
        New-GeminiImage 'a cat' -Style broken -OutputDirectory $Out -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -BeLike 'GeminiImage.InvalidStyleFile*'
        "$($err[0])" | Should -BeLike '*{prompt}*'
        $Emulator.RequestCount | Should -Be 0
    }

    It 'Edit-GeminiImage applies the style to every image' {
        $in = New-TestFolder 'style-in'
        Copy-Item (Join-Path $Corpus 'good.png'), (Join-Path $Corpus 'good.jpg') -Destination $in
        $results = Get-ChildItem $in | Edit-GeminiImage 'make it {winter}' -Style social-post -OutputDirectory $Out
        @($results).Count | Should -Be 2
        $expected = (Get-GeminiStyle social-post).Template.Replace('{prompt}', 'make it {winter}')
        $Emulator.Requests.Prompt | Should -Be @($expected, $expected)
        $Emulator.Requests.AspectRatio | Should -Be @('4:5', '4:5')
    }

    It 'takes a Style column from CSV rows' {
        $rows = @(
            [pscustomobject]@{ Prompt = 'a mug'; Style = 'product-white' }
            [pscustomobject]@{ Prompt = 'a team hike'; Style = 'flat-illustration' }
        )
        $rows | New-GeminiImage -OutputDirectory $Out | Out-Null
        $Emulator.Requests[0].Prompt | Should -BeLike 'Professional product photo of a mug*'
        $Emulator.Requests[1].Prompt | Should -BeLike 'Flat vector illustration of a team hike*'
    }

    It 'user styles are saved, overridden, exported, imported and removed' {
        Set-GeminiStyle noir 'Film noir still of {prompt}' -AspectRatio 16:9 -Description 'noir'
        Set-GeminiStyle noir -AspectRatio 21:9
        $noir = Get-GeminiStyle noir
        $noir.Template | Should -Be 'Film noir still of {prompt}'
        $noir.AspectRatio | Should -Be '21:9'
        $noir.Source | Should -Be 'User'

        Set-GeminiStyle product-white -Template 'Ours: {prompt}'
        (Get-GeminiStyle product-white).Source | Should -Be 'User'

        $file = Join-Path $Out 'team.json'
        Export-GeminiStyle -Path $file
        (Get-Content $file -Raw | ConvertFrom-Json).styles.name | Should -Be @('noir', 'product-white')
        { Export-GeminiStyle -Path $file -ErrorAction Stop } | Should -Throw -ErrorId 'GeminiImage.OutputExists*'

        Remove-GeminiStyle noir, product-white
        (Get-GeminiStyle product-white).Source | Should -Be 'BuiltIn'
        { Remove-GeminiStyle product-white -ErrorAction Stop } | Should -Throw -ErrorId 'GeminiImage.BuiltInStyle*'
        { Remove-GeminiStyle nothing-here -ErrorAction Stop } | Should -Throw -ErrorId 'GeminiImage.StyleNotFound*'

        $imported = Import-GeminiStyle -Path $file -PassThru
        $imported.Name | Should -Be @('noir', 'product-white')
        (Get-GeminiStyle noir).AspectRatio | Should -Be '21:9'
        { Import-GeminiStyle -Path $file -ErrorAction Stop } | Should -Throw -ErrorId 'GeminiImage.StyleExists*'
        Import-GeminiStyle -Path $file -Force
    }

    It '-Style tab-completes' {
        Set-GeminiStyle my-brand 'Brand look: {prompt}'
        $line = 'New-GeminiImage ''x'' -Style pro'
        (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText | Should -Be @('product-lifestyle', 'product-white')
        $line = 'Edit-GeminiImage ''x'' a.png -Style my'
        (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText | Should -Be @('my-brand')
    }
}
