BeforeAll {
    . (Join-Path $PSScriptRoot 'common.ps1')
    . (Join-Path $PSScriptRoot 'HelpExamples.ps1')
    $script:OldHome = $env:GEMINI_IMAGE_HOME
    $env:GEMINI_IMAGE_HOME = New-TestFolder 'set-style-home'
    $script:Emulator = Start-TestEmulator
    $script:StylesFile = Join-Path $env:GEMINI_IMAGE_HOME 'styles.json'
}
AfterAll {
    Stop-GeminiEmulator
    $env:GEMINI_IMAGE_HOME = $script:OldHome
}

Describe 'Set-GeminiStyle' {
    BeforeEach {
        $Emulator.Reset()
        $script:Out = New-TestFolder 'set-style-out'
        if (Test-Path -LiteralPath $StylesFile) { Remove-Item -LiteralPath $StylesFile }
    }

    It 'returns nothing by default and the saved style with -PassThru, with every default it was given' {
        Set-GeminiStyle -Name quiet -Template 'Quiet {prompt}' | Should -BeNullOrEmpty
        $style = Set-GeminiStyle -Name studio -Template 'Studio shot of {prompt}' -Description 'Studio' -AspectRatio 3:2 -ImageSize 2K `
            -Model gemini-3-pro-image -SystemInstruction 'Be precise.' -Temperature 0.4 -PassThru
        @($style).Count | Should -Be 1
        $style.GetType().FullName | Should -Be 'GeminiImage.Engine.Styles.GeminiStyle'
        $style.Name | Should -Be 'studio'
        $style.Template | Should -Be 'Studio shot of {prompt}'
        $style.Description | Should -Be 'Studio'
        $style.AspectRatio | Should -Be '3:2'
        $style.ImageSize | Should -Be '2K'
        $style.Model | Should -Be 'gemini-3-pro-image'
        $style.SystemInstruction | Should -Be 'Be precise.'
        $style.Temperature | Should -Be 0.4
        "$($style.Source)" | Should -Be 'User'
        # saved for the next session, not only returned
        $saved = (Get-Content -LiteralPath $StylesFile -Raw | ConvertFrom-Json).styles | Where-Object name -eq 'studio'
        $saved.template | Should -Be 'Studio shot of {prompt}'
        $saved.temperature | Should -Be 0.4
    }

    It 'sends the style''s system instruction and temperature with the prompt' {
        Set-GeminiStyle -Name careful -Template 'Careful {prompt}' -SystemInstruction 'Use only blue.' -Temperature 0.25
        New-GeminiImage 'a kite' -Style careful -OutputDirectory $Out | Out-Null
        $Emulator.RequestCount | Should -Be 1
        $body = $Emulator.Requests[0].RawJson | ConvertFrom-Json
        $body.systemInstruction.parts[0].text | Should -Be 'Use only blue.'
        $body.generationConfig.temperature | Should -Be 0.25
        $Emulator.Requests[0].Prompt | Should -Be 'Careful a kite'
    }

    It 'an empty string or $null clears one default and keeps the others' {
        Set-GeminiStyle -Name wide -Template 'Wide {prompt}' -AspectRatio 16:9 -Description 'wide' -Temperature 1
        $cleared = Set-GeminiStyle -Name wide -AspectRatio '' -Temperature $null -PassThru
        $cleared.AspectRatio | Should -BeNullOrEmpty
        $cleared.Temperature | Should -BeNullOrEmpty
        $cleared.Description | Should -Be 'wide'
        $cleared.Template | Should -Be 'Wide {prompt}'
        New-GeminiImage 'a plain' -Style wide -OutputDirectory $Out | Out-Null
        $Emulator.Requests[0].AspectRatio | Should -BeNullOrEmpty
    }

    It 'takes Name, Template and the defaults by property name, one style per row, without carrying values over' {
        $csv = Join-Path $Out 'styles.csv'
        @(
            [pscustomobject]@{ Name = 'csv-one'; Template = 'One {prompt}'; AspectRatio = '16:9'; Description = 'first' }
            [pscustomobject]@{ Name = 'csv-two'; Template = 'Two {prompt}'; AspectRatio = ''; Description = '' }
        ) | Export-Csv -LiteralPath $csv -NoTypeInformation
        $saved = Import-Csv -LiteralPath $csv | Set-GeminiStyle -PassThru
        $saved.Name | Should -Be @('csv-one', 'csv-two')
        $saved[0].AspectRatio | Should -Be '16:9'
        $saved[1].AspectRatio | Should -BeNullOrEmpty
        $saved[1].Description | Should -BeNullOrEmpty

        # objects with different properties: the second row has no AspectRatio, so it must not get the first row's
        $saved = [pscustomobject]@{ Name = 'obj-one'; Template = 'A {prompt}'; AspectRatio = '21:9' },
                 [pscustomobject]@{ Name = 'obj-two'; Template = 'B {prompt}' } | Set-GeminiStyle -PassThru
        $saved[1].AspectRatio | Should -BeNullOrEmpty
        (Get-GeminiStyle obj-two).AspectRatio | Should -BeNullOrEmpty
    }

    It 'takes a style from Get-GeminiStyle, so a piped built-in becomes a user override with the change' {
        $builtIn = Get-GeminiStyle social-post
        $override = $builtIn | Set-GeminiStyle -AspectRatio 1:1 -PassThru
        "$($override.Source)" | Should -Be 'User'
        $override.Template | Should -Be $builtIn.Template
        $override.AspectRatio | Should -Be '1:1'
        (Get-GeminiStyle social-post).AspectRatio | Should -Be '1:1'
        @(Get-GeminiStyle -UserOnly).Name | Should -Be @('social-post')
    }

    It 'warns about a model the catalog does not know, and a ratio or size the style''s model cannot do, and saves the style' {
        $warnings = $null
        Set-GeminiStyle -Name wide -Template 'Wide {prompt}' -Model gemini-2.5-flash-image -AspectRatio 8:1 -ImageSize 4K -WarningVariable warnings -WarningAction SilentlyContinue
        @($warnings).Count | Should -Be 2
        "$($warnings[0])" | Should -Match "gemini-2\.5-flash-image cannot make aspect ratio '8:1'"
        "$($warnings[1])" | Should -Match 'fixed size'
        (Get-GeminiStyle wide).AspectRatio | Should -Be '8:1'
        $warnings = $null
        Set-GeminiStyle -Name future -Template 'F {prompt}' -Model gemini-9 -WarningVariable warnings -WarningAction SilentlyContinue
        "$($warnings[0])" | Should -Match "The catalog has no model 'gemini-9'"
        $warnings = $null
        Set-GeminiStyle -Name fine -Template 'Fine {prompt}' -Model gemini-3.1-flash-image -AspectRatio 8:1 -ImageSize 2k -WarningVariable warnings
        $warnings | Should -BeNullOrEmpty
    }

    It '-WhatIf saves nothing and says what it would do; a bad style is refused even under -WhatIf' {
        Set-GeminiStyle -Name maybe -Template 'Maybe {prompt}' -WhatIf
        Get-GeminiStyle maybe -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $StylesFile | Should -Not -Exist
        { Set-GeminiStyle -Name maybe -Template 'no placeholder' -WhatIf -ErrorAction Stop } | Should -Throw -ErrorId 'GeminiImage.InvalidStyle*'
        Set-GeminiStyle -Name maybe -Template 'Maybe {prompt}' -Confirm:$false
        (Get-GeminiStyle maybe).Template | Should -Be 'Maybe {prompt}'
    }

    It 'refuses <Case> with GeminiImage.InvalidStyle, InvalidArgument and the name as target, saving nothing' -ForEach @(
        @{ Case = 'a new name without -Template'; Splat = @{ Name = 'brand-new' } }
        @{ Case = 'a name with a space'; Splat = @{ Name = 'two words'; Template = 'x {prompt}' } }
        @{ Case = 'an unknown aspect ratio'; Splat = @{ Name = 'odd'; Template = 'x {prompt}'; AspectRatio = '5:7' } }
        @{ Case = 'an unknown image size'; Splat = @{ Name = 'odd'; Template = 'x {prompt}'; ImageSize = '3K' } }
        @{ Case = 'a temperature above 2'; Splat = @{ Name = 'odd'; Template = 'x {prompt}'; Temperature = 2.5 } }
    ) {
        $err = $null
        Set-GeminiStyle @Splat -ErrorVariable err -ErrorAction SilentlyContinue | Out-Null
        $err | Should -HaveCount 1
        $err[0].FullyQualifiedErrorId | Should -Be 'GeminiImage.InvalidStyle,GeminiImage.Cmdlets.Commands.SetGeminiStyleCommand'
        $err[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
        $err[0].TargetObject | Should -Be $Splat.Name
        $err[0].Exception.GetType().Name | Should -Be 'GeminiStyleException'
        $StylesFile | Should -Not -Exist
    }

    It 'a bad row in a pipeline is reported and the other rows are still saved' {
        $rows = [pscustomobject]@{ Name = 'good-a'; Template = 'A {prompt}' },
                [pscustomobject]@{ Name = 'bad-b'; Template = 'no placeholder' },
                [pscustomobject]@{ Name = 'good-c'; Template = 'C {prompt}' }
        $err = $null
        $rows | Set-GeminiStyle -ErrorVariable err -ErrorAction SilentlyContinue
        $err | Should -HaveCount 1
        $err[0].TargetObject | Should -Be 'bad-b'
        @(Get-GeminiStyle -UserOnly).Name | Should -Be @('good-a', 'good-c')
    }

    It 'help example 1 creates the style and uses it for an image from the emulator' {
        $r = Invoke-HelpExample Set-GeminiStyle 1 -In $Out
        $r.Errors | Should -BeNullOrEmpty
        (Get-GeminiStyle noir).Description | Should -Be 'Film noir stills'
        $Emulator.RequestCount | Should -Be 1
        $Emulator.Requests[0].Prompt | Should -BeLike 'Black-and-white film noir still of a detective in a rainy alley*'
        $Emulator.Requests[0].AspectRatio | Should -Be '16:9'
        @($r.Output).Count | Should -Be 1
        Split-Path $r.Output[0].Path | Should -Be $Out
        $r.Output[0].Path | Should -Exist
    }

    It 'help example 2 changes only the aspect ratio and returns the style' {
        Set-GeminiStyle -Name noir -Template 'Noir {prompt}' -AspectRatio 16:9 -Description 'Film noir stills'
        $r = Invoke-HelpExample Set-GeminiStyle 2 -In $Out
        $r.Errors | Should -BeNullOrEmpty
        $r.Output.AspectRatio | Should -Be '21:9'
        $r.Output.Template | Should -Be 'Noir {prompt}'
        $r.Output.Description | Should -Be 'Film noir stills'
    }

    It 'help example 3 overrides a built-in style' {
        $r = Invoke-HelpExample Set-GeminiStyle 3 -In $Out
        $r.Errors | Should -BeNullOrEmpty
        $style = Get-GeminiStyle product-white
        "$($style.Source)" | Should -Be 'User'
        $style.AspectRatio | Should -Be '4:5'
        $style.Template | Should -BeLike 'Product photo of {prompt} on pure white*'
    }
}
