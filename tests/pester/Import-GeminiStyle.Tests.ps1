BeforeAll {
    . (Join-Path $PSScriptRoot 'common.ps1')
    . (Join-Path $PSScriptRoot 'HelpExamples.ps1')
    $script:OldHome = $env:GEMINI_IMAGE_HOME
    $env:GEMINI_IMAGE_HOME = New-TestFolder 'import-style-home'
    $script:StylesFile = Join-Path $env:GEMINI_IMAGE_HOME 'styles.json'

    function New-StyleFile([string] $Folder, [string] $Name, [object[]] $Styles) {
        $path = Join-Path $Folder $Name
        [pscustomobject]@{ version = 1; styles = $Styles } | ConvertTo-Json -Depth 5 | Set-Content -LiteralPath $path -Encoding utf8
        $path
    }
}
AfterAll {
    $env:GEMINI_IMAGE_HOME = $script:OldHome
}

Describe 'Import-GeminiStyle' {
    BeforeEach {
        $script:In = New-TestFolder 'import-style-in'
        if (Test-Path -LiteralPath $StylesFile) { Remove-Item -LiteralPath $StylesFile }
        $script:Team = New-StyleFile $In 'team-styles.json' @(
            @{ name = 'team-hero'; template = 'Hero {prompt}'; aspectRatio = '16:9'; description = 'Hero banner' }
            @{ name = 'team-icon'; template = 'Icon of {prompt}'; imageSize = '1k' }
        )
    }

    It 'adds the file''s styles as user styles; returns nothing without -PassThru and the styles with it' {
        Import-GeminiStyle -Path $Team | Should -BeNullOrEmpty
        $hero = Get-GeminiStyle team-hero
        "$($hero.Source)" | Should -Be 'User'
        $hero.AspectRatio | Should -Be '16:9'
        $hero.Description | Should -Be 'Hero banner'
        # sizes are normalised as Set-GeminiStyle saves them
        (Get-GeminiStyle team-icon).ImageSize | Should -Be '1K'

        Remove-Item -LiteralPath $StylesFile
        $imported = Import-GeminiStyle $Team -PassThru
        $imported | Should -HaveCount 2
        $imported[0].GetType().FullName | Should -Be 'GeminiImage.Engine.Styles.GeminiStyle'
        $imported.Name | Should -Be @('team-hero', 'team-icon')
        $imported | ForEach-Object { "$($_.Source)" | Should -Be 'User' }
    }

    It 'takes files from Get-ChildItem and from Export-GeminiStyle -PassThru by property name' {
        $second = New-StyleFile $In 'more.json' @(@{ name = 'more-one'; template = 'More {prompt}' })
        Get-ChildItem -LiteralPath $In -Filter *.json | Import-GeminiStyle
        @(Get-GeminiStyle -UserOnly).Name | Should -Be @('more-one', 'team-hero', 'team-icon')

        $copy = Join-Path $In 'copy.json'
        $exported = Export-GeminiStyle -Path $copy -Name more-one -PassThru
        Remove-Item -LiteralPath $StylesFile
        $exported | Import-GeminiStyle
        @(Get-GeminiStyle -UserOnly).Name | Should -Be @('more-one')
    }

    It 'accepts a bare array of styles (a hand-written file)' {
        $bare = Join-Path $In 'bare.json'
        '[ { "name": "bare-one", "template": "Bare {prompt}" } ]' | Set-Content -LiteralPath $bare
        Import-GeminiStyle -Path $bare -PassThru | ForEach-Object Name | Should -Be 'bare-one'
    }

    It 'a name the user already has is refused with StyleExists and nothing from the file is imported; -Force replaces' {
        Set-GeminiStyle -Name team-icon -Template 'My icon {prompt}'
        $err = $null
        Import-GeminiStyle -Path $Team -ErrorVariable err -ErrorAction SilentlyContinue
        $err | Should -HaveCount 1
        $err[0].FullyQualifiedErrorId | Should -Be 'GeminiImage.StyleExists,GeminiImage.Cmdlets.Commands.ImportGeminiStyleCommand'
        $err[0].CategoryInfo.Category | Should -Be 'ResourceExists'
        $err[0].TargetObject | Should -Be $Team
        "$($err[0])" | Should -BeLike '*team-icon*'
        $err[0].ErrorDetails.RecommendedAction | Should -BeLike '*-Force*'
        @(Get-GeminiStyle -UserOnly).Name | Should -Be @('team-icon')
        (Get-GeminiStyle team-icon).Template | Should -Be 'My icon {prompt}'

        Import-GeminiStyle -Path $Team -Force
        (Get-GeminiStyle team-icon).Template | Should -Be 'Icon of {prompt}'
        @(Get-GeminiStyle -UserOnly).Name | Should -Be @('team-hero', 'team-icon')
    }

    It 'a built-in name in the file overrides the built-in style without -Force' {
        $file = New-StyleFile $In 'override.json' @(@{ name = 'product-white'; template = 'Team packshot of {prompt}' })
        Import-GeminiStyle -Path $file
        (Get-GeminiStyle product-white).Template | Should -Be 'Team packshot of {prompt}'
    }

    It '-WhatIf imports nothing' {
        Import-GeminiStyle -Path $Team -WhatIf
        Get-GeminiStyle -UserOnly | Should -BeNullOrEmpty
        $StylesFile | Should -Not -Exist
    }

    It 'refuses <Case> with InvalidStyleFile, InvalidData and the path as target, importing nothing' -ForEach @(
        @{ Case = 'a missing file'; Content = $null }
        @{ Case = 'broken JSON'; Content = '{ "styles": [ { "name": ' }
        @{ Case = 'a style without {prompt} next to a good one'; Content = '{ "styles": [ { "name": "fine", "template": "Fine {prompt}" }, { "name": "lost", "template": "no placeholder" } ] }' }
        @{ Case = 'the same name twice'; Content = '{ "styles": [ { "name": "twin", "template": "A {prompt}" }, { "name": "TWIN", "template": "B {prompt}" } ] }' }
        @{ Case = 'a newer file version'; Content = '{ "version": 99, "styles": [ { "name": "future", "template": "F {prompt}" } ] }' }
        @{ Case = 'JSON that is not a style file'; Content = '{ "a": 1 }' }
    ) {
        $file = Join-Path $In 'bad.json'
        if ($null -ne $Content) { Set-Content -LiteralPath $file -Value $Content }
        $err = $null
        $out = Import-GeminiStyle -Path $file -PassThru -ErrorVariable err -ErrorAction SilentlyContinue
        $out | Should -BeNullOrEmpty
        $err | Should -HaveCount 1
        $err[0].FullyQualifiedErrorId | Should -Be 'GeminiImage.InvalidStyleFile,GeminiImage.Cmdlets.Commands.ImportGeminiStyleCommand'
        $err[0].CategoryInfo.Category | Should -Be 'InvalidData'
        $err[0].TargetObject | Should -Be $file
        "$($err[0])" | Should -BeLike "*$file*"
        Get-GeminiStyle -UserOnly | Should -BeNullOrEmpty
    }

    It 'one bad file in a pipeline does not stop the next' {
        $bad = Join-Path $In 'a-bad.json'
        Set-Content -LiteralPath $bad -Value 'not json'
        $err = $null
        Get-ChildItem -LiteralPath $In -Filter *.json | Import-GeminiStyle -ErrorVariable err -ErrorAction SilentlyContinue
        $err | Should -HaveCount 1
        $err[0].TargetObject | Should -Be $bad
        @(Get-GeminiStyle -UserOnly).Name | Should -Be @('team-hero', 'team-icon')
    }

    It 'help example 1 imports the team''s styles from a share (here: a local folder)' {
        $share = New-TestFolder 'share'
        New-Item -ItemType Directory -Path (Join-Path $share 'design') | Out-Null
        Copy-Item -LiteralPath $Team -Destination (Join-Path $share 'design/gemini-styles.json')
        $r = Invoke-HelpExample Import-GeminiStyle 1 -In $In -Replace @{ '\\share\design\gemini-styles.json' = (Join-Path $share 'design/gemini-styles.json') }
        $r.Errors | Should -BeNullOrEmpty
        @(Get-GeminiStyle -UserOnly).Name | Should -Be @('team-hero', 'team-icon')
    }

    It 'help example 2 replaces the user''s copies and lists what was imported' {
        Set-GeminiStyle -Name team-hero -Template 'Mine {prompt}'
        $r = Invoke-HelpExample Import-GeminiStyle 2 -In $In
        $r.Errors | Should -BeNullOrEmpty
        ($r.Output | Out-String) | Should -Match 'team-hero\s+16:9'
        (Get-GeminiStyle team-hero).Template | Should -Be 'Hero {prompt}'
    }
}
