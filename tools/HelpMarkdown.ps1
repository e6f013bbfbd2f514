<#
    The markdown half of the help compiler (tools/Build-Help.ps1 dot-sources it): docs/<Verb-Noun>.md into sections
    and blocks. It knows nothing of the module; parameter facts come from the built module in Build-Help.ps1.
    Format: docs/README.md. Tests: tests/pester/HelpMarkdown.Tests.ps1.
#>
#region Markdown parsing

# Splits section lines into blocks: @{ Kind = 'para'|'code'|'item'; Text = '...'; Lang = '' }.
function ConvertTo-Blocks([string[]] $Lines) {
    $blocks = [System.Collections.Generic.List[object]]::new()
    $para = [System.Collections.Generic.List[string]]::new()
    $flush = {
        if ($para.Count) { $blocks.Add([pscustomobject]@{ Kind = 'para'; Text = ($para -join ' '); Lang = '' }); $para.Clear() }
    }
    $i = 0
    while ($i -lt $Lines.Count) {
        $line = $Lines[$i]
        if ($line -match '^\s*(```+|~~~+)\s*([\w#+.-]*)\s*$') {
            . $flush
            $fence = $Matches[1]; $lang = $Matches[2]; $code = [System.Collections.Generic.List[string]]::new()
            $i++
            while ($i -lt $Lines.Count -and $Lines[$i] -notmatch ('^\s*' + [regex]::Escape($fence) + '\s*$')) { $code.Add($Lines[$i]); $i++ }
            if ($i -ge $Lines.Count) { throw "unterminated code fence ($fence)" }
            $blocks.Add([pscustomobject]@{ Kind = 'code'; Text = ($code -join "`n"); Lang = $lang })
        }
        elseif ($line -match '^\s*$') { . $flush }
        elseif ($line -match '^\s*([-*+]|\d+[.)])\s+') {
            . $flush
            $para.Add($line.Trim()); . $flush   # a list item is its own paragraph
            $blocks[$blocks.Count - 1].Kind = 'item'
        }
        elseif ($blocks.Count -and $blocks[$blocks.Count - 1].Kind -eq 'item' -and $para.Count -eq 0 -and $line -match '^\s{2,}\S') {
            $blocks[$blocks.Count - 1].Text += ' ' + $line.Trim()   # continuation of a list item
        }
        else { $para.Add($line.Trim()) }
        $i++
    }
    . $flush
    $blocks   # enumerated: callers wrap the call in @()
}

# Returns @{ Name; Title; Sections = ordered @{ NAME = @{ Lines; Subs = list of @{ Title; Lines } } } }.
function Read-HelpMarkdown([string] $Path) { ConvertFrom-HelpMarkdown ([System.IO.File]::ReadAllText($Path)) }

# The same from markdown text (HTML comments are dropped first).
function ConvertFrom-HelpMarkdown([string] $Text) {
    $text = [regex]::Replace($Text, '(?s)<!--.*?-->', '')
    $lines = $text -split '\r?\n'
    $doc = [ordered]@{ Name = $null; Sections = [ordered]@{} }
    $section = $null; $sub = $null; $inFence = $null
    foreach ($line in $lines) {
        if ($inFence) {
            if ($line -match ('^\s*' + [regex]::Escape($inFence) + '\s*$')) { $inFence = $null }
        }
        elseif ($line -match '^\s*(```+|~~~+)') { $inFence = $Matches[1] }
        elseif ($line -match '^#\s+(.+?)\s*#*\s*$') {
            if ($doc.Name) { throw "second H1 '$line'" }
            $doc.Name = $Matches[1]; continue
        }
        elseif ($line -match '^##\s+(.+?)\s*#*\s*$') {
            $name = $Matches[1].Trim().ToUpperInvariant() -replace '\s+', ' '
            if ($name -notin 'SYNOPSIS', 'SYNTAX', 'DESCRIPTION', 'PARAMETERS', 'EXAMPLES', 'INPUTS', 'OUTPUTS', 'NOTES', 'RELATED LINKS') {
                throw "unknown section '## $($Matches[1])' (expected SYNOPSIS, DESCRIPTION, PARAMETERS, EXAMPLES, INPUTS, OUTPUTS, NOTES, RELATED LINKS)"
            }
            if ($doc.Sections.Contains($name)) { throw "section '## $name' appears twice" }
            $section = [pscustomobject]@{ Lines = [System.Collections.Generic.List[string]]::new(); Subs = [System.Collections.Generic.List[object]]::new() }
            $doc.Sections[$name] = $section; $sub = $null; continue
        }
        elseif ($line -match '^###\s+(.+?)\s*#*\s*$' -and $section) {
            $sub = [pscustomobject]@{ Title = $Matches[1].Trim(); Lines = [System.Collections.Generic.List[string]]::new() }
            $section.Subs.Add($sub); continue
        }
        if (-not $doc.Name) { continue }          # text before the H1 is ignored
        if ($sub) { $sub.Lines.Add($line) } elseif ($section) { $section.Lines.Add($line) }
    }
    if ($inFence) { throw "unterminated code fence ($inFence)" }
    if (-not $doc.Name) { throw "no '# Verb-Noun' title line" }
    [pscustomobject]$doc
}

function Get-SectionText($Doc, [string] $Name) {
    if (-not $Doc.Sections.Contains($Name)) { return @() }
    $s = $Doc.Sections[$Name]
    ConvertTo-Blocks $s.Lines
}

#endregion
