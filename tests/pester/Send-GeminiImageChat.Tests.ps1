BeforeAll {
    . (Join-Path $PSScriptRoot 'common.ps1')
    $script:Emulator = Start-TestEmulator
}
AfterAll { Stop-GeminiEmulator }

Describe 'Image chat' {
    BeforeEach {
        $Emulator.Reset()
        $script:Out = New-TestFolder 'chat'
    }

    It 'sends the whole history each turn, with every thought signature the emulator issued' {
        $chat = Start-GeminiImageChat -Model gemini-3-pro-image -OutputDirectory $Out
        $one = Send-GeminiImageChat -Chat $chat 'a plastic toy fox in a bedroom'
        $two = Send-GeminiImageChat -Chat $chat 'put it on a beach at sunset'
        $three = 'make it night' | Send-GeminiImageChat -Chat $chat
        $three.MimeType | Should -Be 'image/jpeg'
        $chat.Turns.Count | Should -Be 3
        $chat.LatestImage | Should -Be $three.Path
        $requests = $Emulator.Requests
        $requests.Count | Should -Be 3
        $requests[2].ContentsCount | Should -Be 5
        $requests[2].Prompt | Should -Be 'make it night'
        # Signatures from both earlier model turns come back verbatim.
        $requests[2].ThoughtSignatures.Count | Should -BeGreaterOrEqual 4
        $requests[2].ThoughtSignatures | ForEach-Object { $Emulator.IssuedThoughtSignatures | Should -Contain $_ }
        $requests[1].ThoughtSignatures | ForEach-Object { $requests[2].ThoughtSignatures | Should -Contain $_ }
    }

    It 'leaves a blocked turn and its prompt out of the history' {
        $chat = Start-GeminiImageChat -OutputDirectory $Out
        Send-GeminiImageChat -Chat $chat 'a cabin in the woods' | Out-Null
        $err = $null
        Send-GeminiImageChat -Chat $chat 'something bad [emulator:block]' -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -BeLike 'GeminiImage.PromptBlocked*'
        Send-GeminiImageChat -Chat $chat 'add snow' | Out-Null
        $Emulator.Requests[2].ContentsCount | Should -Be 3
        $Emulator.Requests[2].RawJson | Should -Not -Match 'something bad'
        $chat.Turns.Prompt | Should -Be @('a cabin in the woods', 'add snow')
    }

    It 'starts from an image' {
        $start = New-GeminiImage 'a red bicycle' -OutputDirectory $Out
        $chat = Start-GeminiImageChat -Image $start.Path -OutputDirectory $Out
        Send-GeminiImageChat -Chat $chat 'make it blue' | Out-Null
        $Emulator.Requests[1].InputImageCount | Should -Be 1
    }

    It 'pipes: image results into Start-GeminiImageChat (keeping their model), a chat into Send, a file name into Import' {
        $start = New-GeminiImage 'a red bicycle' -Model gemini-3-pro-image -OutputDirectory $Out
        $err = $null
        $chat = $start | Start-GeminiImageChat -OutputDirectory $Out -ErrorVariable err
        $err | Should -BeNullOrEmpty
        $chat.PendingImages.Count | Should -Be 1
        $chat.Model | Should -Be 'gemini-3-pro-image'
        $turn = $chat | Send-GeminiImageChat 'make it blue'
        $turn.Path | Should -Exist
        $Emulator.Requests[1].InputImageCount | Should -Be 1
        $file = Join-Path $Out 'piped.json'
        Save-GeminiImageChat -Chat $chat -Path $file
        (Get-Item -LiteralPath $file | Import-GeminiImageChat).Turns.Count | Should -Be 1
        ($file | Import-GeminiImageChat).Turns.Count | Should -Be 1
    }

    It 'refuses a JSON file that is not a chat with GeminiImage.InvalidChatFile' -TestCases @(
        @{ Json = '{"a":1}' }
        @{ Json = '[1,2]' }
        @{ Json = '"text"' }
    ) {
        $file = Join-Path $Out 'other.json'
        Set-Content -LiteralPath $file -Value $Json
        $err = $null
        $chat = Import-GeminiImageChat -Path $file -ErrorVariable err -ErrorAction SilentlyContinue
        $chat | Should -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -BeLike 'GeminiImage.InvalidChatFile*'
        "$($err[0].CategoryInfo.Category)" | Should -Be 'InvalidData'
        $err[0].TargetObject | Should -Be $file
    }

    It 'saves and imports a chat that goes on where it stopped' {
        $chat = Start-GeminiImageChat -Model gemini-3-pro-image -OutputDirectory $Out
        Send-GeminiImageChat -Chat $chat 'a lighthouse' | Out-Null
        $file = Join-Path $Out 'chat.json'
        Save-GeminiImageChat -Chat $chat -Path $file
        $file | Should -Exist
        { Save-GeminiImageChat -Chat $chat -Path $file } | Should -Throw -ErrorId 'GeminiImage.OutputExists*'
        $again = Import-GeminiImageChat -Path $file
        $again.Turns.Count | Should -Be 1
        $again.History.Count | Should -Be 2
        Send-GeminiImageChat -Chat $again 'add a storm' | Out-Null
        $Emulator.Requests[1].ContentsCount | Should -Be 3
        $Emulator.Requests[1].ThoughtSignatures | ForEach-Object { $Emulator.IssuedThoughtSignatures | Should -Contain $_ }
    }

    It 'refuses a saved chat whose turn image lies outside its output folder; relative ones resolve inside it' {
        $chat = Start-GeminiImageChat -OutputDirectory $Out
        Send-GeminiImageChat -Chat $chat 'a lighthouse' | Out-Null
        $file = Join-Path $Out 'chat.json'
        Save-GeminiImageChat -Chat $chat -Path $file
        $json = Get-Content -LiteralPath $file -Raw | ConvertFrom-Json
        $secret = Join-Path (New-TestFolder 'elsewhere') 'secret.png'
        Copy-Item (Join-Path $RepoRoot 'tests/unit/data/images/good.png') $secret

        foreach ($bad in $secret, '../../secret.png') {
            $json.turns[0].imagePath = $bad
            $json | ConvertTo-Json -Depth 20 | Set-Content -LiteralPath $file
            $err = $null
            $imported = Import-GeminiImageChat -Path $file -ErrorVariable err -ErrorAction SilentlyContinue
            $imported | Should -BeNullOrEmpty
            $err[0].FullyQualifiedErrorId | Should -BeLike 'GeminiImage.PathOutsideRoot*'
            $err[0].Exception.Message | Should -BeLike "Turn 1*'$bad'*"
        }
        (Import-GeminiImageChat -Path $file -AllowAbsolutePaths).Turns[0].ImagePath | Should -Be ([IO.Path]::GetFullPath((Join-Path $Out '../../secret.png')))

        $json.turns[0].imagePath = 'kept.png'
        $json.outputDirectory = 'images'
        $json | ConvertTo-Json -Depth 20 | Set-Content -LiteralPath $file
        $again = Import-GeminiImageChat -Path $file
        $again.OutputDirectory | Should -Be (Join-Path $Out 'images')
        $again.Turns[0].ImagePath | Should -Be (Join-Path $Out 'images/kept.png')
        $Emulator.RequestCount | Should -Be 1
    }

    It 'restarts from the latest image when the history grows past the limit, with a warning' {
        $chat = Start-GeminiImageChat -OutputDirectory $Out
        $chat.MaxRequestBytes = 1
        Send-GeminiImageChat -Chat $chat 'first' | Out-Null
        $warn = $null
        Send-GeminiImageChat -Chat $chat 'second' -WarningVariable warn | Out-Null
        $warn | Should -Match 'latest image'
        $Emulator.Requests[1].ContentsCount | Should -Be 1
        $Emulator.Requests[1].InputImageCount | Should -Be 1
    }
}
