<#
    The help compiler's markdown parser (tools/HelpMarkdown.ps1) on its own: sections, sub-sections, blocks, fences,
    list items and the errors a malformed docs/<Verb-Noun>.md gets. Parameter facts are not its business (they come
    from the built module in tools/Build-Help.ps1, tested through Help.Tests.ps1).
#>
BeforeAll {
    . (Join-Path $PSScriptRoot '../../tools/HelpMarkdown.ps1')
    function Lines([string] $Text) { $Text -split "`n" }
}

Describe 'ConvertFrom-HelpMarkdown' {
    It 'reads the title, the sections in order and the ### sub-sections' {
        $doc = ConvertFrom-HelpMarkdown (@(
            'front matter before the title is ignored'
            '# New-Thing'
            '## Synopsis'
            'Makes a thing.'
            '## PARAMETERS'
            '### -Name'
            'The name.'
            '### -Force'
            'Overwrite.'
            '## Related   links'
            '- Get-Thing'
        ) -join "`n")
        $doc.Name | Should -Be 'New-Thing'
        @($doc.Sections.Keys) | Should -Be @('SYNOPSIS', 'PARAMETERS', 'RELATED LINKS')
        $doc.Sections['SYNOPSIS'].Lines | Should -Contain 'Makes a thing.'
        $doc.Sections['PARAMETERS'].Subs.Title | Should -Be @('-Name', '-Force')
        $doc.Sections['PARAMETERS'].Subs[1].Lines | Should -Contain 'Overwrite.'
    }

    It 'does not take headings inside a code fence or an HTML comment' {
        $doc = ConvertFrom-HelpMarkdown (@(
            '# Get-Thing', '## EXAMPLES', '### Example 1', '```powershell', '# not a title', '## NOT A SECTION', '```'
            '<!-- ## NOTES'
            'hidden -->'
        ) -join "`n")
        @($doc.Sections.Keys) | Should -Be @('EXAMPLES')
        $doc.Sections['EXAMPLES'].Subs[0].Lines | Should -Contain '## NOT A SECTION'
        ($doc.Sections['EXAMPLES'].Subs[0].Lines -join "`n") | Should -Not -Match 'hidden'
    }

    It 'refuses <Why>' -TestCases @(
        @{ Why = 'an unknown section';      Text = "# A-B`n## Usage`nx";          Message = "unknown section '## Usage'*" }
        @{ Why = 'a section twice';         Text = "# A-B`n## NOTES`n## Notes";  Message = "section '## NOTES' appears twice" }
        @{ Why = 'a second title';          Text = "# A-B`n# C-D";               Message = "second H1*" }
        @{ Why = 'no title';                Text = "## NOTES`nx";                Message = "no '# Verb-Noun' title line" }
        @{ Why = 'an unterminated fence';   Text = "# A-B`n## NOTES`n~~~`nx";     Message = 'unterminated code fence (~~~)' }
    ) {
        param($Why, $Text, $Message)
        { ConvertFrom-HelpMarkdown $Text } | Should -Throw -ExpectedMessage $Message
    }
}

Describe 'ConvertTo-Blocks' {
    It 'joins wrapped lines into one paragraph and splits paragraphs at blank lines' {
        $b = @(ConvertTo-Blocks (Lines "First line`nwraps here.`n`nSecond."))
        $b.Kind | Should -Be @('para', 'para')
        $b[0].Text | Should -Be 'First line wraps here.'
        $b[1].Text | Should -Be 'Second.'
    }

    It 'keeps a fenced block verbatim with its language' {
        $b = @(ConvertTo-Blocks (Lines "Before.`n``````powershell`n  Get-Thing |`n    Set-Thing`n```````nAfter."))
        $b.Kind | Should -Be @('para', 'code', 'para')
        $b[1].Lang | Should -Be 'powershell'
        $b[1].Text | Should -Be "  Get-Thing |`n    Set-Thing"
    }

    It 'makes each list item its own block, with indented continuation lines' {
        $b = @(ConvertTo-Blocks (Lines "- one`n  more of one`n* two`n1. three`n2) four"))
        $b.Kind | Should -Be @('item', 'item', 'item', 'item')
        $b[0].Text | Should -Be '- one more of one'
        $b[3].Text | Should -Be '2) four'
    }

    It 'refuses an unterminated fence' {
        { ConvertTo-Blocks (Lines "``````text`nnever closed") } | Should -Throw -ExpectedMessage 'unterminated code fence*'
    }
}
