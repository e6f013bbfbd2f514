# The default views (module/GeminiImage.Format.ps1xml) at 80 columns, with names as long as real ones (issue 15):
# a name shown is shown whole (it can be copied), headers do not wrap, and Format-List shows values, not type names.
BeforeAll {
    . (Join-Path $PSScriptRoot 'common.ps1')
    $script:OldHome = $env:GEMINI_IMAGE_HOME
    $env:GEMINI_IMAGE_HOME = New-TestFolder 'views-home'
    $script:Emulator = Start-TestEmulator
    # Small answers: these tests are about text, not pixels.
    $Emulator.ImageFile = Join-Path $RepoRoot 'tests/unit/data/images/good.png'
    # A prompt as long as people write: its file name is cut at the longest stem there is, then dated.
    $script:LongPrompt = 'a red fox jumping over a very lazy dog in the snowy mountains at dawn, watercolor'

    # The lines of $InputObject's default view at 80 columns; fails when one is wider.
    function Get-View80 {
        param([Parameter(ValueFromPipeline)] $InputObject, [switch] $List)
        begin { $all = [System.Collections.Generic.List[object]]::new() }
        process { $all.Add($InputObject) }
        end {
            $text = if ($List) { $all | Format-List | Out-String -Width 80 } else { $all | Out-String -Width 80 }
            $lines = @($text -split '\r?\n' | ForEach-Object { $_.TrimEnd() } | Where-Object { $_ })
            foreach ($line in $lines) { $line.Length | Should -BeLessOrEqual 80 -Because "'$line' is wider than 80 columns" }
            $lines
        }
    }
}
AfterAll {
    Stop-GeminiEmulator
    $env:GEMINI_IMAGE_HOME = $script:OldHome
}

Describe 'Default views at 80 columns' {
    BeforeEach { $script:Out = New-TestFolder 'views' }

    It 'New-GeminiImage and Edit-GeminiImage show every file name whole (-2, -edited at the end included)' {
        $made = @(New-GeminiImage $LongPrompt -Count 2 -OutputDirectory $Out)
        $made += New-GeminiImage 'a fox' -OutFile (Join-Path $Out 'fox.png') -Count 2
        $made += $made[0] | Edit-GeminiImage 'make it night' -OutputDirectory $Out
        $made | Should -HaveCount 5
        $made[4].Name | Should -BeLike '*-edited.png'
        $made[4].Name.Length | Should -BeGreaterThan 60
        $lines = $made | Get-View80
        foreach ($image in $made) {
            @($lines | Where-Object { $_ -match "(^|\s)$([regex]::Escape($image.Name))$" }) | Should -HaveCount 1 -Because "$($image.Name) should be shown whole"
        }
        $lines[0] | Should -Match '\bCost\b.*\bName\b'
    }

    It 'Get-GeminiImageInfo shows every file name whole' {
        $made = @(New-GeminiImage $LongPrompt -OutputDirectory $Out)
        $made += $made[0] | Edit-GeminiImage 'make it night' -OutputDirectory $Out
        $lines = Get-GeminiImageInfo -LiteralPath $made.Path | Get-View80
        foreach ($image in $made) {
            @($lines | Where-Object { $_.EndsWith(" $($image.Name)") }) | Should -HaveCount 1 -Because "$($image.Name) should be shown whole"
        }
    }

    It 'Invoke-GeminiBatch rows: the header stays on one line and file names are whole' {
        $rows = @(
            @{ Id = 'poster-summer-sale-2026-hero'; Prompt = 'a summer sale poster' }
            @{ Id = 'b2'; Prompt = 'a dog' }
            @{ Id = 'broken'; Prompt = 'a fox'; Image = 'missing.png' }
        )
        $results = @($rows | Invoke-GeminiBatch -OutputDirectory $Out -ErrorAction SilentlyContinue)
        $results | Should -HaveCount 3
        $lines = $results | Get-View80
        $lines[0] | Should -Match '^Status\s+Cost\s+Id\s+Name / Error$'
        $lines[1] | Should -Match '^-+\s+-+\s+-+\s+-+$'
        foreach ($r in $results | Where-Object Path) {
            @($lines | Where-Object { $_.EndsWith(' ' + [System.IO.Path]::GetFileName($r.Path)) }) | Should -HaveCount 1
        }
        @($lines | Where-Object { $_ -match '^Invalid\b.*\bbroken\b' }) | Should -HaveCount 1
    }

    It 'a server-side batch job shows its whole name, ready to copy' {
        $job = @{ Id = 'r1'; Prompt = 'a fox' } | Invoke-GeminiBatch -OutputDirectory $Out -Mode Server
        $job.Name.Length | Should -BeGreaterThan 30
        $lines = $job | Get-View80
        $lines[0] | Should -Match '^State\s+Rows\s+OK\s+Failed\s+Name$'
        $lines[2] | Should -Match "\s$([regex]::Escape($job.Name))$"
        # What was copied from the view finds the job.
        (Get-GeminiBatchJob -Name ($lines[2] -split '\s+')[-1]).Name | Should -Be $job.Name
    }
}

Describe 'Format-List shows values, not type names' {
    BeforeEach { $script:Out = New-TestFolder 'views-list' }

    It 'a chat: History, Turns and Options read as text' {
        $chat = Start-GeminiImageChat -OutputDirectory $Out -ThinkingLevel HIGH
        $null = Send-GeminiImageChat -Chat $chat 'a cat on a mat'
        $null = Send-GeminiImageChat -Chat $chat 'make it blue'
        $text = $chat | Format-List * | Out-String -Width 80
        $text | Should -Not -Match 'GeminiImage\.(Engine|Cmdlets)\.'
        $text | Should -Match 'Turns\s+: \{1\. a cat on a mat, 2\. make it blue\}'
        $text | Should -Match 'History\s+: \{user: a cat on a mat, model: '
        $text | Should -Match 'Options\s+: thinking HIGH'
        ($chat.Turns | Format-List * | Out-String) | Should -Not -Match 'GeminiImage\.(Engine|Cmdlets)\.'
    }

    It '<Case>' -ForEach @(
        @{ Case = 'a model (Prices, sizes)'; Make = { Get-GeminiModel gemini-3.1-flash-image } }
        @{ Case = 'a price (per-size prices)'; Make = { Get-GeminiPricing gemini-3.1-flash-image } }
        @{ Case = 'an image result'; Make = { New-GeminiImage 'a lighthouse' -OutputDirectory $Out -Tag poster } }
        @{ Case = 'image info (Provenance)'; Make = { New-GeminiImage 'a lighthouse' -OutputDirectory $Out | Get-GeminiImageInfo } }
        @{ Case = 'a provenance record'; Make = { (New-GeminiImage 'a lighthouse' -OutputDirectory $Out | Get-GeminiImageInfo).Provenance } }
    ) {
        $object = & $Make
        $object | Should -Not -BeNullOrEmpty
        ($object | Format-List * | Out-String -Width 80) | Should -Not -Match 'GeminiImage\.(Engine|Cmdlets)\.'
        ($object | Format-List | Out-String -Width 80) | Should -Not -Match 'GeminiImage\.(Engine|Cmdlets)\.'
    }
}
