BeforeAll {
    . (Join-Path $PSScriptRoot 'common.ps1')
    . (Join-Path $PSScriptRoot 'HelpExamples.ps1')
    $script:OldHome = $env:GEMINI_IMAGE_HOME
    $env:GEMINI_IMAGE_HOME = New-TestFolder 'remove-style-home'
    $script:StylesFile = Join-Path $env:GEMINI_IMAGE_HOME 'styles.json'
}
AfterAll {
    $env:GEMINI_IMAGE_HOME = $script:OldHome
}

Describe 'Remove-GeminiStyle' {
    BeforeEach {
        if (Test-Path -LiteralPath $StylesFile) { Remove-Item -LiteralPath $StylesFile }
        foreach ($name in 'old-one', 'old-two', 'keep') { Set-GeminiStyle -Name $name -Template "$name {prompt}" }
    }

    It 'removes several names in one call, from the file as well, and returns nothing' {
        Remove-GeminiStyle old-one, old-two | Should -BeNullOrEmpty
        @(Get-GeminiStyle -UserOnly).Name | Should -Be @('keep')
        @((Get-Content -LiteralPath $StylesFile -Raw | ConvertFrom-Json).styles.name) | Should -Be @('keep')
    }

    It 'takes names by value and style objects from Get-GeminiStyle by property name' {
        'old-one' | Remove-GeminiStyle
        @(Get-GeminiStyle -UserOnly).Name | Should -Be @('keep', 'old-two')
        Get-GeminiStyle -Name 'old-*' -UserOnly | Remove-GeminiStyle
        @(Get-GeminiStyle -UserOnly).Name | Should -Be @('keep')
        # names are matched case-insensitively, as everywhere in the style cmdlets
        Remove-GeminiStyle KEEP
        Get-GeminiStyle -UserOnly | Should -BeNullOrEmpty
    }

    It '-WhatIf removes nothing; -Confirm:$false removes without asking' {
        Remove-GeminiStyle old-one -WhatIf
        @(Get-GeminiStyle -UserOnly).Name | Should -Contain 'old-one'
        Remove-GeminiStyle old-one -Confirm:$false
        @(Get-GeminiStyle -UserOnly).Name | Should -Not -Contain 'old-one'
    }

    It 'removing an override brings the built-in back with its own template' {
        $builtIn = (Get-GeminiStyle infographic-card).Template
        Set-GeminiStyle -Name infographic-card -Template 'Ours {prompt}'
        Remove-GeminiStyle infographic-card
        $style = Get-GeminiStyle infographic-card
        "$($style.Source)" | Should -Be 'BuiltIn'
        $style.Template | Should -Be $builtIn
    }

    It 'an unknown name is a non-terminating StyleNotFound error with the name as target; the other names are still removed' {
        $err = $null
        Remove-GeminiStyle old-one, no-such-style, old-two -ErrorVariable err -ErrorAction SilentlyContinue
        $err | Should -HaveCount 1
        $err[0].FullyQualifiedErrorId | Should -Be 'GeminiImage.StyleNotFound,GeminiImage.Cmdlets.Commands.RemoveGeminiStyleCommand'
        $err[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $err[0].TargetObject | Should -Be 'no-such-style'
        "$($err[0])" | Should -BeLike "*'no-such-style'*"
        @(Get-GeminiStyle -UserOnly).Name | Should -Be @('keep')
    }

    It 'a built-in name is refused with BuiltInStyle, its category and the name as target, and the style stays' {
        $err = $null
        Remove-GeminiStyle product-white -ErrorVariable err -ErrorAction SilentlyContinue
        $err | Should -HaveCount 1
        $err[0].FullyQualifiedErrorId | Should -BeLike 'GeminiImage.BuiltInStyle,*'
        $err[0].CategoryInfo.Category | Should -Be 'InvalidOperation'
        $err[0].TargetObject | Should -Be 'product-white'
        $err[0].ErrorDetails.RecommendedAction | Should -BeLike '*Set-GeminiStyle*'
        Get-GeminiStyle product-white | Should -Not -BeNullOrEmpty
    }

    It 'refuses an empty name before doing anything' {
        { Remove-GeminiStyle -Name @() -ErrorAction Stop } | Should -Throw
        { Remove-GeminiStyle -Name $null -ErrorAction Stop } | Should -Throw -ErrorId 'ParameterArgumentValidationErrorNullNotAllowed*'
        @(Get-GeminiStyle -UserOnly) | Should -HaveCount 3
    }

    It 'help example 1 deletes the style named noir' {
        Set-GeminiStyle -Name noir -Template 'Noir {prompt}'
        $r = Invoke-HelpExample Remove-GeminiStyle 1 -In (New-TestFolder 'remove-example')
        $r.Errors | Should -BeNullOrEmpty
        $r.Output | Should -BeNullOrEmpty
        Get-GeminiStyle noir -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
    }

    It 'help example 2 removes exactly the old-* user styles (answered "Yes to All", as -Confirm:$false)' {
        # -Confirm needs someone at the keyboard; -Confirm:$false is the answer "Yes to All".
        $r = Invoke-HelpExample Remove-GeminiStyle 2 -In (New-TestFolder 'remove-example') -Replace @{ '-Confirm' = '-Confirm:$false' }
        $r.Errors | Should -BeNullOrEmpty
        @(Get-GeminiStyle -UserOnly).Name | Should -Be @('keep')
    }
}
