BeforeAll {
    . (Join-Path $PSScriptRoot 'common.ps1')
    . (Join-Path $PSScriptRoot 'HelpExamples.ps1')
    $script:OldHome = $env:GEMINI_IMAGE_HOME
    $env:GEMINI_IMAGE_HOME = New-TestFolder 'import-chat-home'
    $script:Emulator = Start-TestEmulator

    # A chat with one turn, saved in its own output folder as <Folder>/<Name>.
    function New-SavedChat([string] $Folder, [string] $Name = 'chat.json', [string] $Prompt = 'a lighthouse') {
        $chat = Start-GeminiImageChat -Model gemini-3-pro-image -AspectRatio 2:3 -OutputDirectory $Folder
        Send-GeminiImageChat -Chat $chat $Prompt | Out-Null
        Save-GeminiImageChat -Chat $chat -Path (Join-Path $Folder $Name)
        $chat
    }
}
AfterAll {
    Stop-GeminiEmulator
    $env:GEMINI_IMAGE_HOME = $script:OldHome
}

Describe 'Import-GeminiImageChat' {
    BeforeEach {
        $Emulator.Reset()
        $script:Work = New-TestFolder 'import-chat'
    }

    It 'returns the chat as it was saved: id, settings, turns, cost, latest image and creation time' {
        $original = New-SavedChat $Work
        $chat = Import-GeminiImageChat -Path (Join-Path $Work 'chat.json')
        @($chat).Count | Should -Be 1
        $chat.GetType().FullName | Should -Be 'GeminiImage.Engine.Chat.ImageChat'
        $chat.Id | Should -Be $original.Id
        $chat.Model | Should -Be 'gemini-3-pro-image'
        $chat.AspectRatio | Should -Be '2:3'
        $chat.OutputDirectory | Should -Be $Work
        $chat.Turns.Prompt | Should -Be @('a lighthouse')
        $chat.TotalCost | Should -Be $original.TotalCost
        $chat.TotalCost | Should -BeGreaterThan 0
        $chat.LatestImage | Should -Be $original.LatestImage
        $chat.CreatedUtc | Should -Be $original.CreatedUtc
        $Emulator.RequestCount | Should -Be 1
    }

    It 'takes paths by value and files by property name, one chat per file' {
        $one = New-TestFolder 'one'; $two = New-TestFolder 'two'
        $a = New-SavedChat $one 'a.json' 'first chat'
        $b = New-SavedChat $two 'b.json' 'second chat'
        (Join-Path $one 'a.json'), (Join-Path $two 'b.json') | Import-GeminiImageChat | ForEach-Object Id | Should -Be @($a.Id, $b.Id)
        (Get-ChildItem -LiteralPath $one, $two -Filter *.json | Import-GeminiImageChat).Id | Should -Be @($a.Id, $b.Id)
        (Import-GeminiImageChat -LiteralPath (Join-Path $one 'a.json')).Id | Should -Be $a.Id
    }

    It 'refuses <Case> with <Id>, <Category> and the path as target (non-terminating, so piped files go on)' -ForEach @(
        @{ Case = 'a missing file'; Relative = 'nope.json'; Content = $null; Id = 'GeminiImage.ChatNotFound'; Category = 'ObjectNotFound' }
        @{ Case = 'a missing folder'; Relative = 'gone/chat.json'; Content = $null; Id = 'GeminiImage.ChatNotFound'; Category = 'ObjectNotFound' }
        @{ Case = 'a truncated chat file'; Relative = 'cut.json'; Content = '{ "id": "0123456789ab", "model": "gemini-3-pro-image", "turns": ['; Id = 'GeminiImage.InvalidChatFile'; Category = 'InvalidData' }
        @{ Case = 'an empty file'; Relative = 'empty.json'; Content = ''; Id = 'GeminiImage.InvalidChatFile'; Category = 'InvalidData' }
    ) {
        $good = New-SavedChat $Work
        $bad = Join-Path $Work $Relative
        if ($null -ne $Content) { Set-Content -LiteralPath $bad -Value $Content -NoNewline }
        $err = $null
        $chats = @($bad, (Join-Path $Work 'chat.json') | Import-GeminiImageChat -ErrorVariable err -ErrorAction SilentlyContinue)
        $err | Should -HaveCount 1
        $err[0].FullyQualifiedErrorId | Should -Be "$Id,GeminiImage.Cmdlets.Commands.ImportGeminiImageChatCommand"
        "$($err[0].CategoryInfo.Category)" | Should -Be $Category
        $err[0].TargetObject | Should -Be $bad
        $chats.Id | Should -Be @($good.Id)
    }

    It 'a file over 16 MB is refused with FileTooLarge before it is parsed' {
        $big = Join-Path $Work 'big.json'
        $stream = [System.IO.File]::Create($big)
        try { $stream.SetLength(17MB) } finally { $stream.Dispose() }
        $err = $null
        Import-GeminiImageChat -Path $big -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $err | Should -HaveCount 1
        $err[0].FullyQualifiedErrorId | Should -BeLike 'GeminiImage.FileTooLarge,*'
        $err[0].TargetObject | Should -Be $big
    }

    It 'help example 1 continues yesterday''s chat with its whole history' {
        $poster = Join-Path $Work 'poster'
        New-Item -ItemType Directory -Path $poster | Out-Null
        $original = New-SavedChat $poster
        $r = Invoke-HelpExample Import-GeminiImageChat 1 -In $Work
        $r.Errors | Should -BeNullOrEmpty
        @($r.Output) | Should -HaveCount 1
        Split-Path $r.Output[0].Path | Should -Be $poster
        $Emulator.RequestCount | Should -Be 2
        $Emulator.Requests[1].Prompt | Should -Be 'Make the title a little larger'
        $Emulator.Requests[1].ContentsCount | Should -Be 3
        # the file itself is not changed by the import or the send
        (Import-GeminiImageChat (Join-Path $poster 'chat.json')).Turns | Should -HaveCount 1
    }

    It 'help example 2 lists the saved chats with their turns and cost' {
        $chats = Join-Path $Work 'chats'
        New-Item -ItemType Directory -Path $chats | Out-Null
        $a = New-SavedChat $chats 'a.json' 'one'
        $b = New-SavedChat $chats 'b.json' 'two'
        $r = Invoke-HelpExample Import-GeminiImageChat 2 -In $Work
        $r.Errors | Should -BeNullOrEmpty
        $r.Output | Should -HaveCount 2
        $r.Output.Id | Should -Be @($a.Id, $b.Id)
        $r.Output.Turns | Should -Be @(1, 1)
        $r.Output | ForEach-Object { $_.TotalCost | Should -BeGreaterThan 0; $_.Model | Should -Be 'gemini-3-pro-image'; $_.LatestImage | Should -Exist }
    }

    It 'help example 3 continues a chat from a share in another output folder' {
        $share = New-TestFolder 'share'
        $design = Join-Path $share 'design'
        New-Item -ItemType Directory -Path $design | Out-Null
        $null = New-SavedChat $design
        $pictures = New-TestFolder 'pictures'
        $r = Invoke-HelpExample Import-GeminiImageChat 3 -In $Work -Replace ([ordered]@{
                '\\server\share\design\chat.json' = (Join-Path $design 'chat.json')
                '$HOME\Pictures\design'           = $pictures
            })
        $r.Errors | Should -BeNullOrEmpty
        @($r.Output) | Should -HaveCount 1
        Split-Path $r.Output[0].Path | Should -Be $pictures
        $Emulator.Requests[1].Prompt | Should -Be 'Try a version with a dark background'
    }
}
