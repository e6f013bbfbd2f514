<#
.SYNOPSIS
    Compiles docs/<Verb-Noun>.md into the MAML help file GeminiImage.Cmdlets.dll-Help.xml.

.DESCRIPTION
    Get-Help reads the help of binary (C#) cmdlets from a MAML XML file named
    '<assembly>.dll-Help.xml' next to the module. This script writes that file from one
    markdown file per cmdlet, merged with the metadata of the compiled cmdlets: parameter
    type, required, position, pipeline input, aliases, wildcards, parameter sets (the syntax
    block) and output types all come from the built module, so the markdown only carries prose.

    Run it in a CHILD PowerShell process (build.ps1 does: `dotnet pwsh -NoProfile -File
    tools/Build-Help.ps1 ...`): it imports the built module, and a loaded binary module cannot
    be unloaded (and is locked on Windows).

    It fails when an exported cmdlet has no docs/<name>.md (set the environment variable
    GEMINIIMAGE_ALLOW_MISSING_HELP=1, or pass -AllowMissingHelp, to only warn), and when a doc
    has no SYNOPSIS. It warns for documented parameters that do not exist, undocumented
    parameters, docs for cmdlets that do not exist, and CmdletsToExport entries that the
    assembly does not implement.

    MARKDOWN FORMAT (one file per cmdlet: docs/<Verb-Noun>.md; docs/README.md says the same)

        # Verb-Noun                       <- H1: the cmdlet name, must match the file name
        ## SYNOPSIS                       <- one line (required)
        ## DESCRIPTION                    <- paragraphs (blank line between paragraphs)
        ## PARAMETERS
        ### -Prompt                       <- one H3 per parameter, with or without the dash
        description paragraph(s)
        Default value: 1                  <- optional last line: shown as "Default value"
        ## EXAMPLES
        ### Example 1: Generate a wide image   <- one H3 per example: the title
        ```powershell
        New-GeminiImage 'a fox' -AspectRatio 16:9
        ```                               <- the FIRST fenced block is the example code
        remarks paragraph(s)              <- all other text (and later fenced blocks, e.g.
                                             sample output) become the remarks
        ## INPUTS
        ### System.String                 <- one H3 per type, optional description below it
        ## OUTPUTS
        ### GeminiImage.ImageResult
        ## NOTES
        paragraphs
        ## RELATED LINKS
        - [Edit-GeminiImage](Edit-GeminiImage.md)   <- markdown links or plain text, one per line;
        - [Online docs](https://example.org/x)         an http(s) link makes Get-Help -Online work

    Sections may come in any order; all but SYNOPSIS are optional. Section names are
    case-insensitive. Empty INPUTS/OUTPUTS are filled from the cmdlet metadata (pipeline
    parameter types; [OutputType] attributes). Within paragraphs, lines are joined with spaces;
    list items ('- ', '* ', '1. ') and fenced code blocks keep their own lines. Markdown inline
    syntax (`code`, **bold**) is kept as typed: Get-Help shows plain text. Text before the H1 and
    HTML comments (<!-- -->) are ignored. -WhatIf and -Confirm get a standard description when not
    documented.

.EXAMPLE
    dotnet pwsh -NoProfile -File tools/Build-Help.ps1 -ModulePath output/GeminiImage -DocsPath docs
#>
[CmdletBinding()]
param(
    # Folder of the built module (holds GeminiImage.psd1).
    [Parameter(Mandatory)] [string] $ModulePath,
    # Folder of the markdown sources.
    [string] $DocsPath = (Join-Path $PSScriptRoot '../docs'),
    # Output file; defaults to <ModulePath>/<RootModule>-Help.xml.
    [string] $OutFile,
    # Only warn (do not fail) when an exported cmdlet has no markdown file.
    [switch] $AllowMissingHelp
)

Set-StrictMode -Version 3.0
$ErrorActionPreference = 'Stop'
if ($PSVersionTable.PSVersion.Major -ge 7) { $PSStyle.OutputRendering = 'PlainText' }
if ($env:GEMINIIMAGE_ALLOW_MISSING_HELP -in '1', 'true', 'yes') { $AllowMissingHelp = $true }

$script:Problems = [System.Collections.Generic.List[string]]::new()
function Add-Problem([string] $Message) { $script:Problems.Add($Message); Write-Host "ERROR: $Message" }
function Write-Note([string] $Message) { Write-Warning $Message }

# The markdown parser (tested on its own: tests/pester/HelpMarkdown.Tests.ps1).
. (Join-Path $PSScriptRoot 'HelpMarkdown.ps1')

#region Metadata

$CommonParameterNames = [System.Collections.Generic.HashSet[string]]::new(
    [string[]]([System.Management.Automation.Cmdlet]::CommonParameters + [System.Management.Automation.Cmdlet]::OptionalCommonParameters),
    [System.StringComparer]::OrdinalIgnoreCase)
$NeverDocumented = [System.Collections.Generic.HashSet[string]]::new(
    [string[]][System.Management.Automation.Cmdlet]::CommonParameters, [System.StringComparer]::OrdinalIgnoreCase)
$StandardDescriptions = @{
    WhatIf  = 'Shows what would happen if the cmdlet runs. The cmdlet is not run.'
    Confirm = 'Prompts you for confirmation before running the cmdlet.'
}

function Get-FriendlyTypeName([type] $Type) {
    if ($Type.IsArray) { return (Get-FriendlyTypeName $Type.GetElementType()) + '[]' }
    if ($Type.IsGenericType) {
        $def = $Type.GetGenericTypeDefinition()
        if ($def -eq [System.Nullable`1]) { return (Get-FriendlyTypeName $Type.GetGenericArguments()[0]) }
        $base = $Type.Name -replace '`\d+$', ''
        return $base + '[' + (($Type.GetGenericArguments() | ForEach-Object { Get-FriendlyTypeName $_ }) -join ', ') + ']'
    }
    $Type.Name
}

# Per-parameter facts merged across the parameter sets it belongs to.
function Get-ParameterFacts([System.Management.Automation.ParameterMetadata] $Meta, [string[]] $SetOrder) {
    $sets = @($Meta.ParameterSets.GetEnumerator() | Sort-Object { $i = [array]::IndexOf($SetOrder, $_.Key); if ($i -lt 0) { 999 } else { $i } })
    $describe = {
        param($selector)
        $vals = @($sets | ForEach-Object { [pscustomobject]@{ Set = $_.Key; Value = (& $selector $_.Value) } })
        $distinct = @($vals.Value | Select-Object -Unique)
        if ($distinct.Count -le 1) { [string]$distinct[0] }
        else { ($vals | ForEach-Object { if ($_.Set -eq '__AllParameterSets') { $_.Value } else { "$($_.Value) ($($_.Set))" } }) -join ', ' }
    }
    # Get-Help shows 'Required?' only for a plain true/false: true when mandatory in any set (as
    # PowerShell's own generated help does); position: that of the first (default) set.
    $required = if (@($sets | Where-Object { $_.Value.IsMandatory }).Count) { 'true' } else { 'false' }
    $first = $sets[0].Value
    $position = if ($first.Position -ge 0) { [string]$first.Position } else { 'named' }
    $pipeline = & $describe {
        param($p)
        $k = @(); if ($p.ValueFromPipeline) { $k += 'ByValue' }; if ($p.ValueFromPipelineByPropertyName) { $k += 'ByPropertyName' }
        if ($k) { "True ($($k -join ', '))" } else { 'False' }
    }
    $attrs = @($Meta.Attributes)
    $validateSet = @($attrs | Where-Object { $_ -is [System.Management.Automation.ValidateSetAttribute] } | ForEach-Object { $_.ValidValues })
    $type = $Meta.ParameterType
    $enumType = if ($type.IsEnum) { $type } elseif ($type.IsArray -and $type.GetElementType().IsEnum) { $type.GetElementType() } else { $null }
    if (-not $validateSet -and $enumType) { $validateSet = [enum]::GetNames($enumType) }
    [pscustomobject]@{
        Name        = $Meta.Name
        Type        = $type
        TypeName    = Get-FriendlyTypeName $type
        IsSwitch    = $Meta.SwitchParameter
        Required    = $required
        Position    = $position
        Pipeline    = $pipeline
        Aliases     = if ($Meta.Aliases.Count) { $Meta.Aliases -join ', ' } else { 'None' }
        Globbing    = [bool]($attrs | Where-Object { $_ -is [System.Management.Automation.SupportsWildcardsAttribute] })
        ValidValues = $validateSet
    }
}

#endregion

#region MAML writing

$NsMaml = 'http://schemas.microsoft.com/maml/2004/10'
$NsCommand = 'http://schemas.microsoft.com/maml/dev/command/2004/10'
$NsDev = 'http://schemas.microsoft.com/maml/dev/2004/10'

function Write-Paras([System.Xml.XmlWriter] $W, $Blocks) {
    foreach ($b in @($Blocks)) { if ($null -ne $b) { $W.WriteElementString('maml', 'para', $NsMaml, $b.Text) } }
}

function Write-Description([System.Xml.XmlWriter] $W, $Blocks) {
    $W.WriteStartElement('maml', 'description', $NsMaml)
    Write-Paras $W $Blocks
    $W.WriteEndElement()
}

function Write-ParameterElement([System.Xml.XmlWriter] $W, $Facts, $Blocks, [string] $DefaultValue, [bool] $InSyntax, $SetParam) {
    $W.WriteStartElement('command', 'parameter', $NsCommand)
    if ($InSyntax) {
        $W.WriteAttributeString('required', $(if ($SetParam.IsMandatory) { 'true' } else { 'false' }))
        $W.WriteAttributeString('position', $(if ($SetParam.Position -ge 0) { [string]$SetParam.Position } else { 'named' }))
        $k = @(); if ($SetParam.ValueFromPipeline) { $k += 'ByValue' }; if ($SetParam.ValueFromPipelineByPropertyName) { $k += 'ByPropertyName' }
        $W.WriteAttributeString('pipelineInput', $(if ($k) { "True ($($k -join ', '))" } else { 'False' }))
    }
    else {
        $W.WriteAttributeString('required', $Facts.Required)
        $W.WriteAttributeString('position', $Facts.Position)
        $W.WriteAttributeString('pipelineInput', $Facts.Pipeline)
    }
    $W.WriteAttributeString('variableLength', $(if ($Facts.Type.IsArray) { 'true' } else { 'false' }))
    $W.WriteAttributeString('globbing', $(if ($Facts.Globbing) { 'true' } else { 'false' }))
    $W.WriteAttributeString('aliases', $Facts.Aliases)
    $W.WriteElementString('maml', 'name', $NsMaml, $Facts.Name)
    Write-Description $W $Blocks
    if ($Facts.ValidValues -and $InSyntax) {
        $W.WriteStartElement('command', 'parameterValueGroup', $NsCommand)
        foreach ($v in $Facts.ValidValues) {
            $W.WriteStartElement('command', 'parameterValue', $NsCommand)
            $W.WriteAttributeString('required', 'false'); $W.WriteAttributeString('variableLength', 'false')
            $W.WriteString($v); $W.WriteEndElement()
        }
        $W.WriteEndElement()
    }
    elseif (-not $Facts.IsSwitch) {
        $W.WriteStartElement('command', 'parameterValue', $NsCommand)
        $W.WriteAttributeString('required', 'true'); $W.WriteAttributeString('variableLength', 'false')
        $W.WriteString($Facts.TypeName); $W.WriteEndElement()
    }
    $W.WriteStartElement('dev', 'type', $NsDev)
    $W.WriteElementString('maml', 'name', $NsMaml, $Facts.Type.FullName)
    $W.WriteElementString('maml', 'uri', $NsMaml, '')
    $W.WriteEndElement()
    if (-not $InSyntax) {
        $dv = if ($DefaultValue) { $DefaultValue } elseif ($Facts.IsSwitch) { 'False' } else { 'None' }
        $W.WriteElementString('dev', 'defaultValue', $NsDev, $dv)
    }
    $W.WriteEndElement()
}

function Write-TypeList([System.Xml.XmlWriter] $W, [string] $Outer, [string] $Inner, $Entries) {
    $W.WriteStartElement('command', $Outer, $NsCommand)
    foreach ($e in @($Entries)) {
        $W.WriteStartElement('command', $Inner, $NsCommand)
        $W.WriteStartElement('dev', 'type', $NsDev)
        $W.WriteElementString('maml', 'name', $NsMaml, $e.Name)
        $W.WriteEndElement()
        Write-Description $W $e.Blocks
        $W.WriteEndElement()
    }
    $W.WriteEndElement()
}

function Get-TypeEntries($Doc, [string] $Section, [object[]] $FromMetadata) {
    $entries = @()
    if ($Doc.Sections.Contains($Section)) {
        $s = $Doc.Sections[$Section]
        foreach ($sub in $s.Subs) { $entries += [pscustomobject]@{ Name = $sub.Title; Blocks = (ConvertTo-Blocks $sub.Lines) } }
        if (-not $s.Subs.Count) {
            foreach ($b in (ConvertTo-Blocks $s.Lines)) { $entries += [pscustomobject]@{ Name = ($b.Text -replace '^[-*+]\s+', ''); Blocks = @() } }
        }
    }
    if (-not $entries) { $entries = @($FromMetadata | Select-Object -Unique | ForEach-Object { [pscustomobject]@{ Name = $_; Blocks = @() } }) }
    $entries
}

function Write-CommandHelp([System.Xml.XmlWriter] $W, $Doc, [System.Management.Automation.CmdletInfo] $Cmd, [string] $Source) {
    $name = $Cmd.Name
    # --- prose from markdown
    $synopsis = @(Get-SectionText $Doc 'SYNOPSIS')
    if (-not $synopsis -or -not ($synopsis.Text -join '').Trim()) { Add-Problem "${Source}: '## SYNOPSIS' is missing or empty" }
    $synopsisText = ($synopsis.Text -join ' ').Trim()
    $description = @(Get-SectionText $Doc 'DESCRIPTION')
    if (-not $description) { Write-Note "${Source}: no '## DESCRIPTION'" }

    $paramDocs = [ordered]@{}
    if ($Doc.Sections.Contains('PARAMETERS')) {
        foreach ($sub in $Doc.Sections['PARAMETERS'].Subs) {
            $pname = $sub.Title -replace '^-', ''
            $blocks = @(ConvertTo-Blocks $sub.Lines)
            $default = $null
            if ($blocks.Count -and $blocks[-1].Kind -eq 'para' -and $blocks[-1].Text -match '^Default value:\s*(.+)$') {
                $default = $Matches[1]; $blocks = @($blocks | Select-Object -SkipLast 1)
            }
            $paramDocs[$pname] = [pscustomobject]@{ Blocks = $blocks; Default = $default }
        }
    }

    # --- metadata
    $setOrder = @($Cmd.ParameterSets | Sort-Object { -not $_.IsDefault } | ForEach-Object Name)
    $params = @($Cmd.Parameters.Values | Where-Object { -not $NeverDocumented.Contains($_.Name) })
    # declaration order: as listed by the default parameter set, then the rest
    # order: as the markdown lists them, then the undocumented ones in declaration order
    $declOrder = @(@($paramDocs.Keys) + @($Cmd.ParameterSets | ForEach-Object { $_.Parameters.Name }) | Select-Object -Unique)
    $params = @($params | Sort-Object { $i = [array]::IndexOf($declOrder, $_.Name); if ($i -lt 0) { 9999 } else { $i } })
    foreach ($k in $paramDocs.Keys) {
        if (-not ($params | Where-Object Name -eq $k)) { Write-Note "${Source}: documents parameter -$k, which $name does not have" }
    }
    $facts = @{}
    foreach ($p in $params) {
        $facts[$p.Name] = Get-ParameterFacts $p $setOrder
        if (-not $paramDocs.Contains($p.Name)) {
            if ($StandardDescriptions.ContainsKey($p.Name)) {
                $paramDocs[$p.Name] = [pscustomobject]@{ Blocks = @([pscustomobject]@{ Kind = 'para'; Text = $StandardDescriptions[$p.Name]; Lang = '' }); Default = 'False' }
            }
            else { Write-Note "${Source}: parameter -$($p.Name) is not documented (add '### -$($p.Name)' under '## PARAMETERS')" }
        }
    }
    $blocksOf = { param($n) if ($paramDocs.Contains($n)) { $paramDocs[$n].Blocks } else { @() } }

    $W.WriteStartElement('command', 'command', $NsCommand)
    $W.WriteAttributeString('xmlns', 'maml', $null, $NsMaml)
    $W.WriteAttributeString('xmlns', 'command', $null, $NsCommand)
    $W.WriteAttributeString('xmlns', 'dev', $null, $NsDev)

    $W.WriteStartElement('command', 'details', $NsCommand)
    $W.WriteElementString('command', 'name', $NsCommand, $name)
    $W.WriteElementString('command', 'verb', $NsCommand, $Cmd.Verb)
    $W.WriteElementString('command', 'noun', $NsCommand, $Cmd.Noun)
    $W.WriteStartElement('maml', 'description', $NsMaml)
    $W.WriteElementString('maml', 'para', $NsMaml, $synopsisText)
    $W.WriteEndElement()
    $W.WriteEndElement() # details

    Write-Description $W $description

    # syntax: one item per parameter set, default set first
    $W.WriteStartElement('command', 'syntax', $NsCommand)
    foreach ($set in ($Cmd.ParameterSets | Sort-Object { -not $_.IsDefault }, Name)) {
        $W.WriteStartElement('command', 'syntaxItem', $NsCommand)
        $W.WriteElementString('maml', 'name', $NsMaml, $name)
        $setParams = @($set.Parameters | Where-Object { -not $NeverDocumented.Contains($_.Name) })
        $ordered = @(
            $setParams | Where-Object Position -ge 0 | Sort-Object Position
            $setParams | Where-Object { $_.Position -lt 0 -and $_.IsMandatory }
            $setParams | Where-Object { $_.Position -lt 0 -and -not $_.IsMandatory -and -not $CommonParameterNames.Contains($_.Name) }
            $setParams | Where-Object { $_.Position -lt 0 -and -not $_.IsMandatory -and $CommonParameterNames.Contains($_.Name) }
        )
        foreach ($sp in $ordered) {
            Write-ParameterElement $W $facts[$sp.Name] (& $blocksOf $sp.Name) $null $true $sp
        }
        $W.WriteEndElement()
    }
    $W.WriteEndElement() # syntax

    $W.WriteStartElement('command', 'parameters', $NsCommand)
    foreach ($p in $params) {
        $d = $paramDocs[$p.Name]
        Write-ParameterElement $W $facts[$p.Name] (& $blocksOf $p.Name) $(if ($d) { $d.Default }) $false $null
    }
    $W.WriteEndElement() # parameters

    $pipelineTypes = @($params | Where-Object { $facts[$_.Name].Pipeline -ne 'False' } | ForEach-Object { $_.ParameterType.FullName })
    if (-not $pipelineTypes) { $pipelineTypes = @('None') }
    Write-TypeList $W 'inputTypes' 'inputType' (Get-TypeEntries $Doc 'INPUTS' $pipelineTypes)
    $outTypes = @($Cmd.OutputType | ForEach-Object Name)
    if (-not $outTypes) { $outTypes = @('None') }
    Write-TypeList $W 'returnValues' 'returnValue' (Get-TypeEntries $Doc 'OUTPUTS' $outTypes)

    $notes = @(Get-SectionText $Doc 'NOTES')
    $W.WriteStartElement('maml', 'alertSet', $NsMaml)
    if ($notes) {
        $W.WriteStartElement('maml', 'alert', $NsMaml)
        Write-Paras $W $notes
        $W.WriteEndElement()
    }
    $W.WriteEndElement()

    $W.WriteStartElement('command', 'examples', $NsCommand)
    $exampleCount = 0
    if ($Doc.Sections.Contains('EXAMPLES')) {
        foreach ($sub in $Doc.Sections['EXAMPLES'].Subs) {
            $blocks = @(ConvertTo-Blocks $sub.Lines)
            $codeIndex = -1
            for ($i = 0; $i -lt $blocks.Count; $i++) { if ($blocks[$i].Kind -eq 'code') { $codeIndex = $i; break } }
            if ($codeIndex -lt 0) { Add-Problem "${Source}: example '$($sub.Title)' has no fenced code block"; continue }
            $code = $blocks[$codeIndex]
            $remarks = @(for ($i = 0; $i -lt $blocks.Count; $i++) { if ($i -ne $codeIndex) { $blocks[$i] } })
            $exampleCount++
            $W.WriteStartElement('command', 'example', $NsCommand)
            $dashes = '-' * [Math]::Max(2, [int]((76 - $sub.Title.Length - 2) / 2))
            $W.WriteElementString('maml', 'title', $NsMaml, "$dashes $($sub.Title) $dashes")
            $W.WriteElementString('dev', 'code', $NsDev, $code.Text)
            $W.WriteStartElement('dev', 'remarks', $NsDev)
            Write-Paras $W $remarks
            $W.WriteEndElement()
            $W.WriteEndElement()
        }
    }
    if (-not $exampleCount) { Write-Note "${Source}: no examples (add '### Example 1: ...' with a fenced code block under '## EXAMPLES')" }
    $W.WriteEndElement() # examples

    $W.WriteStartElement('command', 'relatedLinks', $NsCommand)
    if ($Doc.Sections.Contains('RELATED LINKS')) {
        foreach ($b in (ConvertTo-Blocks $Doc.Sections['RELATED LINKS'].Lines)) {
            $t = $b.Text -replace '^([-*+]|\d+[.)])\s+', ''
            $text = $t; $uri = ''
            if ($t -match '^\[(?<text>[^\]]*)\]\((?<uri>[^)]*)\)$') {
                $text = $Matches.text; $uri = $Matches.uri
                if ($uri -notmatch '^[a-z]+://') { $uri = '' }   # relative .md links: the text names the cmdlet
            }
            elseif ($t -match '^<?(https?://\S+?)>?$') { $text = $Matches[1]; $uri = $Matches[1] }
            $W.WriteStartElement('maml', 'navigationLink', $NsMaml)
            $W.WriteElementString('maml', 'linkText', $NsMaml, $text)
            $W.WriteElementString('maml', 'uri', $NsMaml, $uri)
            $W.WriteEndElement()
        }
    }
    $W.WriteEndElement() # relatedLinks

    $W.WriteEndElement() # command
}

#endregion

#region Main

$ModulePath = (Resolve-Path -LiteralPath $ModulePath).ProviderPath
$manifestPath = Get-ChildItem -LiteralPath $ModulePath -Filter *.psd1 | Select-Object -First 1
if (-not $manifestPath) { throw "No module manifest (*.psd1) in $ModulePath" }
$manifest = Import-PowerShellDataFile -LiteralPath $manifestPath.FullName
if (-not $OutFile) { $OutFile = Join-Path $ModulePath ($manifest.RootModule + '-Help.xml') }

$module = Import-Module -Name $manifestPath.FullName -Force -PassThru -ErrorAction Stop
$commands = @(Get-Command -Module $module.Name -CommandType Cmdlet | Sort-Object Name)
Write-Host "Build-Help: $($module.Name) $($module.Version) exports $($commands.Count) cmdlet(s)"

# Cross-check the manifest against the assembly.
$implemented = @()
if ($module.ImplementingAssembly) {
    $implemented = @($module.ImplementingAssembly.GetExportedTypes() |
        ForEach-Object { $_.GetCustomAttributes([System.Management.Automation.CmdletAttribute], $false) } |
        ForEach-Object { "$($_.VerbName)-$($_.NounName)" })
}
foreach ($n in @($manifest.CmdletsToExport)) {
    if ($n -notin $implemented) { Write-Note "CmdletsToExport lists $n, which GeminiImage.Cmdlets.dll does not implement (yet)" }
}
foreach ($n in $implemented) {
    if ($n -notin @($manifest.CmdletsToExport)) { Write-Note "$n is implemented but not in CmdletsToExport of module/GeminiImage.psd1, so it is not exported" }
}

$docFiles = @{}
if (Test-Path -LiteralPath $DocsPath) {
    Get-ChildItem -LiteralPath $DocsPath -Filter '*-*.md' -File | ForEach-Object { $docFiles[$_.BaseName] = $_.FullName }
}

$settings = [System.Xml.XmlWriterSettings]::new()
$settings.Indent = $true
$settings.IndentChars = '  '
$settings.Encoding = [System.Text.UTF8Encoding]::new($false)
$settings.NewLineChars = "`n"
$tmpOut = "$OutFile.tmp"
$writer = [System.Xml.XmlWriter]::Create($tmpOut, $settings)
$documented = 0
try {
    $writer.WriteStartDocument()
    $writer.WriteStartElement('helpItems', 'http://msh')
    $writer.WriteAttributeString('schema', 'maml')
    foreach ($cmd in $commands) {
        $src = $docFiles[$cmd.Name]
        if (-not $src) {
            $msg = "$($cmd.Name) is exported but has no help source docs/$($cmd.Name).md"
            if ($AllowMissingHelp) { Write-Note $msg } else { Add-Problem $msg }
            continue
        }
        $rel = "docs/$($cmd.Name).md"
        try { $doc = Read-HelpMarkdown $src }
        catch { Add-Problem "${rel}: $($_.Exception.Message)"; continue }
        if ($doc.Name -ne $cmd.Name) { Add-Problem "${rel}: title '# $($doc.Name)' does not match the file name" }
        Write-CommandHelp $writer $doc $cmd $rel
        $documented++
    }
    $writer.WriteEndElement()
    $writer.WriteEndDocument()
}
finally { $writer.Dispose() }

foreach ($n in $docFiles.Keys) {
    if ($n -notin @($commands | ForEach-Object Name)) { Write-Note "docs/$n.md: $n is not a cmdlet of the built module; skipped" }
}

if ($script:Problems.Count) {
    Remove-Item -LiteralPath $tmpOut -Force
    Write-Host "Build-Help: FAILED with $($script:Problems.Count) problem(s); see ERROR lines above. (GEMINIIMAGE_ALLOW_MISSING_HELP=1 downgrades missing docs to warnings.)"
    exit 1
}
Move-Item -LiteralPath $tmpOut -Destination $OutFile -Force
# Sanity: the file must parse as XML.
[void][xml](Get-Content -LiteralPath $OutFile -Raw)
Write-Host "Build-Help: wrote help for $documented cmdlet(s) to $OutFile"
exit 0

#endregion
