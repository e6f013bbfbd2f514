BeforeAll {
    . (Join-Path $PSScriptRoot 'common.ps1')
    . (Join-Path $PSScriptRoot 'HelpExamples.ps1')
    $script:OldHome = $env:GEMINI_IMAGE_HOME
    $env:GEMINI_IMAGE_HOME = New-TestFolder 'save-chat-home'
    $script:Emulator = Start-TestEmulator
    # One chat with one turn for the whole file: saving does not change it.
    $script:ChatFolder = New-TestFolder 'save-chat-images'
    $script:Chat = Start-GeminiImageChat -Model gemini-3-pro-image -AspectRatio 4:5 -OutputDirectory $ChatFolder
    Send-GeminiImageChat -Chat $Chat 'a lighthouse on a cliff' | Out-Null
}
AfterAll {
    Stop-GeminiEmulator
    $env:GEMINI_IMAGE_HOME = $script:OldHome
}

Describe 'Save-GeminiImageChat' {
    BeforeEach {
        $Emulator.Reset()
        $script:Work = New-TestFolder 'save-chat'
    }

    It 'writes the chat as JSON with its settings, turns and history, and no API key; returns nothing by default' {
        # beside the chat's images, where Import-GeminiImageChat trusts them
        $file = Join-Path $ChatFolder 'roundtrip.json'
        Save-GeminiImageChat -Chat $Chat -Path $file | Should -BeNullOrEmpty
        $text = Get-Content -LiteralPath $file -Raw
        $text | Should -Not -Match ([regex]::Escape($Emulator.ApiKey))
        $json = $text | ConvertFrom-Json
        $json.id | Should -Be $Chat.Id
        $json.model | Should -Be 'gemini-3-pro-image'
        $json.aspectRatio | Should -Be '4:5'
        @($json.turns) | Should -HaveCount 1
        $json.turns[0].prompt | Should -Be 'a lighthouse on a cliff'
        @($json.history).Count | Should -Be 2
        # the file holds what Import needs to go on
        $again = Import-GeminiImageChat -Path $file
        $again.Id | Should -Be $Chat.Id
        $again.TotalCost | Should -Be $Chat.TotalCost
        $again.LatestImage | Should -Be $Chat.LatestImage
    }

    It '-PassThru returns the file; a relative -Path resolves against the current location, -LiteralPath is an alias' {
        Push-Location -LiteralPath $Work
        try {
            $info = Save-GeminiImageChat -Chat $Chat -Path 'relative.json' -PassThru
            $info | Should -BeOfType [System.IO.FileInfo]
            $info.FullName | Should -Be (Join-Path $Work 'relative.json')
            $info.Length | Should -BeGreaterThan 0
            Save-GeminiImageChat -Chat $Chat -LiteralPath 'lit[1].json'
            Test-Path -LiteralPath (Join-Path $Work 'lit[1].json') | Should -BeTrue
        }
        finally { Pop-Location }
    }

    It 'takes the chat from the pipeline; a second piped chat is not written over the first' {
        $file = Join-Path $Work 'piped.json'
        $Chat | Save-GeminiImageChat $file
        (Get-Content -LiteralPath $file -Raw | ConvertFrom-Json).id | Should -Be $Chat.Id
        # The same -Path for every piped chat: the second is refused, not silently written over the first.
        $other = Start-GeminiImageChat -OutputDirectory $Work
        $err = $null
        $Chat, $other | Save-GeminiImageChat (Join-Path $Work 'both.json') -ErrorVariable err -ErrorAction SilentlyContinue
        $err | Should -HaveCount 1
        (Get-Content -LiteralPath (Join-Path $Work 'both.json') -Raw | ConvertFrom-Json).id | Should -Be $Chat.Id
    }

    It 'creates a missing folder for the file' {
        $file = Join-Path $Work 'chats/2026/poster.json'
        Save-GeminiImageChat -Chat $Chat -Path $file
        $file | Should -Exist
    }

    It 'an existing file is refused with OutputExists, ResourceExists and the path as target, unchanged; -Force replaces it' {
        $file = Join-Path $Work 'kept.json'
        Set-Content -LiteralPath $file -Value 'keep me'
        $err = $null
        Save-GeminiImageChat -Chat $Chat -Path $file -PassThru -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $err | Should -HaveCount 1
        $err[0].FullyQualifiedErrorId | Should -Be 'GeminiImage.OutputExists,GeminiImage.Cmdlets.Commands.SaveGeminiImageChatCommand'
        "$($err[0].CategoryInfo.Category)" | Should -Be 'ResourceExists'
        $err[0].TargetObject | Should -Be $file
        Get-Content -LiteralPath $file | Should -Be 'keep me'
        Save-GeminiImageChat -Chat $Chat -Path $file -Force
        (Get-Content -LiteralPath $file -Raw | ConvertFrom-Json).id | Should -Be $Chat.Id
    }

    It 'a folder as -Path is a GeminiImage error with the folder as target, and the folder is left alone' {
        $folder = Join-Path $Work 'a-folder'
        New-Item -ItemType Directory -Path $folder | Out-Null
        Set-Content -LiteralPath (Join-Path $folder 'inside.txt') -Value 'x'
        $err = $null
        Save-GeminiImageChat -Chat $Chat -Path $folder -Force -ErrorVariable err -ErrorAction SilentlyContinue
        $err | Should -HaveCount 1
        $err[0].FullyQualifiedErrorId | Should -BeLike 'GeminiImage.*'
        $err[0].TargetObject | Should -Be $folder
        Test-Path -LiteralPath $folder -PathType Container | Should -BeTrue
        Join-Path $folder 'inside.txt' | Should -Exist
    }

    It '-WhatIf writes nothing' {
        $file = Join-Path $Work 'whatif.json'
        Save-GeminiImageChat -Chat $Chat -Path $file -WhatIf
        $file | Should -Not -Exist
    }

    It 'a $null chat is refused by parameter validation' {
        { Save-GeminiImageChat -Chat $null -Path (Join-Path $Work 'null.json') } | Should -Throw -ErrorId 'ParameterArgumentValidationError*'
    }

    It 'help example 1 saves the chat to poster\chat.json for Import-GeminiImageChat' {
        # as in Start-GeminiImageChat's example, the chat saves its images in poster
        $poster = Start-GeminiImageChat -OutputDirectory (Join-Path $Work 'poster')
        Send-GeminiImageChat -Chat $poster 'a lighthouse on a cliff' | Out-Null
        $r = Invoke-HelpExample Save-GeminiImageChat 1 -In $Work -Variables @{ chat = $poster }
        $r.Errors | Should -BeNullOrEmpty
        (Import-GeminiImageChat (Join-Path $Work 'poster/chat.json')).Id | Should -Be $poster.Id
    }

    It 'help example 2 sends every step and keeps the file up to date' {
        Set-Content -LiteralPath (Join-Path $Work 'steps.txt') -Value 'make the sky purple', 'add a title'
        $poster = Start-GeminiImageChat -OutputDirectory (Join-Path $Work 'poster')
        Send-GeminiImageChat -Chat $poster 'a lighthouse on a cliff' | Out-Null
        $r = Invoke-HelpExample Save-GeminiImageChat 2 -In $Work -Variables @{ chat = $poster }
        $r.Errors | Should -BeNullOrEmpty
        $saved = Import-GeminiImageChat (Join-Path $Work 'poster/chat.json')
        $saved.Turns.Prompt | Should -Be @('a lighthouse on a cliff', 'make the sky purple', 'add a title')
        $Emulator.RequestCount | Should -Be 3
    }

    It 'help example 3 returns the saved file''s name and size' {
        $r = Invoke-HelpExample Save-GeminiImageChat 3 -In $Work -Variables @{ chat = $Chat }
        $r.Errors | Should -BeNullOrEmpty
        $r.Output | Should -HaveCount 1
        $r.Output[0].Name | Should -Be 'lighthouse.json'
        $r.Output[0].Length | Should -Be (Get-Item -LiteralPath (Join-Path $Work 'chats/lighthouse.json')).Length
    }
}
