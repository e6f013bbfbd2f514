BeforeAll {
    . (Join-Path $PSScriptRoot 'common.ps1')
    . (Join-Path $PSScriptRoot 'HelpExamples.ps1')
    $script:OldHome = $env:GEMINI_IMAGE_HOME
    $env:GEMINI_IMAGE_HOME = New-TestFolder 'start-chat-home'
    $script:Emulator = Start-TestEmulator
    $script:Corpus = Join-Path $RepoRoot 'tests/unit/data/images'
}
AfterAll {
    Stop-GeminiEmulator
    $env:GEMINI_IMAGE_HOME = $script:OldHome
}

Describe 'Start-GeminiImageChat' {
    BeforeEach {
        $Emulator.Reset()
        $script:Work = New-TestFolder 'start-chat'
    }

    It 'returns a new chat with the settings given, sends nothing, and each chat has its own id' {
        $before = [datetime]::UtcNow.AddSeconds(-5)
        $chat = Start-GeminiImageChat -Model gemini-3-pro-image -AspectRatio 3:2 -ImageSize 2K -OutputDirectory $Work
        @($chat).Count | Should -Be 1
        $chat.GetType().FullName | Should -Be 'GeminiImage.Engine.Chat.ImageChat'
        $chat.Id | Should -Match '^[0-9a-f]{12}$'
        $chat.Model | Should -Be 'gemini-3-pro-image'
        $chat.AspectRatio | Should -Be '3:2'
        $chat.ImageSize | Should -Be '2K'
        $chat.OutputDirectory | Should -Be $Work
        $chat.Turns | Should -BeNullOrEmpty
        $chat.History | Should -BeNullOrEmpty
        $chat.PendingImages | Should -BeNullOrEmpty
        $chat.LatestImage | Should -BeNullOrEmpty
        $chat.TotalCost | Should -Be 0
        $chat.CreatedUtc | Should -BeGreaterThan $before
        (Start-GeminiImageChat -OutputDirectory $Work).Id | Should -Not -Be $chat.Id
        $Emulator.RequestCount | Should -Be 0
    }

    It 'defaults to the configured model and the current folder, and resolves a relative -OutputDirectory there' {
        Push-Location -LiteralPath $Work
        try {
            $saved = $env:GEMINI_IMAGE_MODEL
            $env:GEMINI_IMAGE_MODEL = 'gemini-2.5-flash-image'
            $chat = Start-GeminiImageChat
            $chat.Model | Should -Be 'gemini-2.5-flash-image'
            $chat.OutputDirectory | Should -Be $Work
            (Start-GeminiImageChat -OutputDirectory 'poster').OutputDirectory | Should -Be (Join-Path $Work 'poster')
        }
        finally {
            Pop-Location
            $env:GEMINI_IMAGE_MODEL = $saved
        }
    }

    It 'keeps the starting images for the first turn only, and the chat''s ratio and size for every turn' {
        $photo = Join-Path $Work 'photo.png'
        Copy-Item (Join-Path $Corpus 'good.png') $photo
        $chat = Start-GeminiImageChat -Image $photo -AspectRatio 16:9 -OutputDirectory $Work
        $chat.PendingImages | Should -HaveCount 1
        $first = Send-GeminiImageChat -Chat $chat 'make it autumn'
        Send-GeminiImageChat -Chat $chat 'add fog' | Out-Null
        $Emulator.Requests[0].InputImageCount | Should -Be 1
        $Emulator.Requests[0].AspectRatio | Should -Be '16:9'
        $Emulator.Requests[1].AspectRatio | Should -Be '16:9'
        # the second turn carries the photo only inside the history, not as a new image
        $Emulator.Requests[1].Prompt | Should -Be 'add fog'
        $chat.PendingImages | Should -BeNullOrEmpty
        $chat.LatestImage | Should -Not -Be $first.Path
        $chat.TotalCost | Should -BeGreaterThan 0
    }

    It 'takes image files from Get-ChildItem by property name, all for the first turn' {
        foreach ($name in 'a.png', 'b.png') { Copy-Item (Join-Path $Corpus 'good.png') (Join-Path $Work $name) }
        $chat = Get-ChildItem -LiteralPath $Work -Filter *.png | Start-GeminiImageChat -OutputDirectory $Work
        @($chat).Count | Should -Be 1
        $chat.PendingImages | Should -HaveCount 2
        Send-GeminiImageChat -Chat $chat 'combine them' | Out-Null
        $Emulator.Requests[0].InputImageCount | Should -Be 2
    }

    It 'refuses <Case> at once with <Id>, <Category> and the input as target, sending nothing' -ForEach @(
        @{ Case = 'a missing image'; Splat = @{ Image = 'nope.png' }; Id = 'GeminiImage.ImageNotFound'; Category = 'ObjectNotFound'; Target = 'nope.png' }
        @{ Case = 'an aspect ratio the model cannot do'; Splat = @{ AspectRatio = '5:7' }; Id = 'GeminiImage.InvalidAspectRatio'; Category = 'InvalidArgument'; Target = '5:7' }
        @{ Case = 'a size on a fixed-size model'; Splat = @{ Model = 'gemini-2.5-flash-image'; ImageSize = '2K' }; Id = 'GeminiImage.InvalidImageSize'; Category = 'InvalidArgument'; Target = '2K' }
        @{ Case = 'a thinking level the model lacks'; Splat = @{ Model = 'gemini-2.5-flash-image'; ThinkingLevel = 'High' }; Id = 'GeminiImage.InvalidThinkingLevel'; Category = 'InvalidArgument'; Target = 'High' }
        @{ Case = 'Search on a model without it'; Splat = @{ Model = 'gemini-3.1-flash-lite-image'; GoogleSearch = $true }; Id = 'GeminiImage.GoogleSearchNotSupported'; Category = 'InvalidArgument'; Target = 'GoogleSearch' }
    ) {
        Push-Location -LiteralPath $Work
        try {
            $err = { Start-GeminiImageChat @Splat -OutputDirectory $Work } | Should -Throw -PassThru
        }
        finally { Pop-Location }
        $err.FullyQualifiedErrorId | Should -Be "$Id,GeminiImage.Cmdlets.Commands.StartGeminiImageChatCommand"
        "$($err.CategoryInfo.Category)" | Should -Be $Category
        $err.TargetObject | Should -Be $Target
        $Emulator.RequestCount | Should -Be 0
    }

    It 'keeps the generation options and project for every turn; a turn''s own option replaces the chat''s for that turn only' {
        $chat = Start-GeminiImageChat -Model gemini-3.1-flash-image -ThinkingLevel Minimal -GoogleSearch -SearchType Web -ImageOnly -NoStore -Project poster-team -OutputDirectory $Work
        $chat.Options.ThinkingLevel | Should -Be 'MINIMAL'
        $chat.Project | Should -Be 'poster-team'
        $Emulator.RequestCount | Should -Be 0
        $null = Send-GeminiImageChat -Chat $chat 'a poster of the tallest tower in Paris'
        $null = Send-GeminiImageChat -Chat $chat 'make it night' -ThinkingLevel High -GoogleSearch:$false
        $null = Send-GeminiImageChat -Chat $chat 'add stars'
        $bodies = @($Emulator.Requests | ForEach-Object { $_.RawJson | ConvertFrom-Json -AsHashtable })
        $bodies.generationConfig.thinkingConfig.thinkingLevel | Should -Be @('MINIMAL', 'HIGH', 'MINIMAL')
        $bodies | ForEach-Object { $_.store | Should -BeFalse; $_.generationConfig.responseModalities | Should -Be @('IMAGE') }
        $bodies[0].tools[0].googleSearch.searchTypes.Keys | Should -Be @('webSearch')
        $bodies[1].ContainsKey('tools') | Should -BeFalse
        $bodies[2].tools[0].ContainsKey('googleSearch') | Should -BeTrue
        @(Get-GeminiUsage -Project poster-team | Where-Object Operation -ne 'Search').Count | Should -Be 3

        # A saved chat keeps them.
        $file = Join-Path $Work 'chat.json'
        Save-GeminiImageChat -Chat $chat -LiteralPath $file
        $again = Import-GeminiImageChat -LiteralPath $file
        $again.Options.ThinkingLevel | Should -Be 'MINIMAL'
        $again.Options.NoStore | Should -BeTrue
        $again.Project | Should -Be 'poster-team'
    }

    It 'has no connection, tag, style or cache parameters (it sends nothing; each turn connects itself)' {
        $params = (Get-Command Start-GeminiImageChat).Parameters
        foreach ($name in 'ApiKey', 'BaseUri', 'Profile', 'Proxy', 'TimeoutSec', 'Tag', 'Style', 'Cache') { $params.ContainsKey($name) | Should -BeFalse -Because "-$name" }
        foreach ($name in 'ThinkingLevel', 'IncludeThoughts', 'GoogleSearch', 'SearchType', 'ImageOnly', 'NoStore', 'Project', 'ReferenceImage') { $params.ContainsKey($name) | Should -BeTrue -Because "-$name" }
    }

    It 'help example 1 designs a poster in three turns and shows the chat' {
        $r = Invoke-HelpExample Start-GeminiImageChat 1 -In $Work
        $r.Errors | Should -BeNullOrEmpty
        $results = @($r.Output | Where-Object { $_.PSObject.Properties['Path'] })
        $results | Should -HaveCount 3
        $results | ForEach-Object { Split-Path $_.Path | Should -Be (Join-Path $Work 'poster') }
        $chat = @($r.Output | Where-Object { $_.GetType().Name -eq 'ImageChat' })
        $chat | Should -HaveCount 1
        $chat[0].Turns | Should -HaveCount 3
        $chat[0].LatestImage | Should -Be $results[2].Path
        $chat[0].TotalCost | Should -BeGreaterThan 0
        $Emulator.Requests.AspectRatio | Should -Be @('2:3', '2:3', '2:3')
    }

    It 'help example 2 starts from a photo with gemini-3-pro-image at 2K' {
        Copy-Item (Join-Path $Corpus 'good.jpg') (Join-Path $Work 'living-room.jpg')
        $r = Invoke-HelpExample Start-GeminiImageChat 2 -In $Work
        $r.Errors | Should -BeNullOrEmpty
        @($r.Output) | Should -HaveCount 2
        $Emulator.Requests.Model | Should -Be @('gemini-3-pro-image', 'gemini-3-pro-image')
        $Emulator.Requests.ImageSize | Should -Be @('2K', '2K')
        $Emulator.Requests[0].InputImageCount | Should -Be 1
    }

    It 'help example 3 fails at once with TooManyImages and sends nothing' {
        foreach ($name in 'a.png', 'b.png', 'c.png', 'd.png') { Copy-Item (Join-Path $Corpus 'good.png') (Join-Path $Work $name) }
        $r = Invoke-HelpExample Start-GeminiImageChat 3 -In $Work
        $r.Output | Should -BeNullOrEmpty
        $r.Errors | Should -HaveCount 1
        $r.Errors[0].FullyQualifiedErrorId | Should -BeLike 'GeminiImage.TooManyImages,*'
        "$($r.Errors[0].CategoryInfo.Category)" | Should -Be 'InvalidArgument'
        @($r.Errors[0].TargetObject) | Should -HaveCount 4
        $Emulator.RequestCount | Should -Be 0
    }
}
