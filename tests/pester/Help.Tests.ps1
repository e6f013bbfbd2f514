# Every cmdlet the module exports must have real help: compiled from docs/<Verb-Noun>.md by
# tools/Build-Help.ps1 into output/GeminiImage/GeminiImage.Cmdlets.dll-Help.xml.

BeforeDiscovery {
    . (Join-Path $PSScriptRoot 'common.ps1')
    $common = [System.Management.Automation.Cmdlet]::CommonParameters + [System.Management.Automation.Cmdlet]::OptionalCommonParameters
    $cmdletCases = @(Get-Command -Module GeminiImage -CommandType Cmdlet | Sort-Object Name | ForEach-Object {
        @{
            Name       = $_.Name
            Parameters = @($_.Parameters.Keys | Where-Object { $_ -notin $common } | Sort-Object | ForEach-Object { @{ Parameter = $_ } })
        }
    })
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'common.ps1')
}

Describe 'Module' {
    It 'has a valid manifest' {
        $m = Test-ModuleManifest -Path (Join-Path $ModulePath 'GeminiImage.psd1')
        $m.Name | Should -Be 'GeminiImage'
        $m.Version | Should -Not -BeNullOrEmpty
    }
    It 'ships the compiled help file' {
        $help = Join-Path $ModulePath 'GeminiImage.Cmdlets.dll-Help.xml'
        $help | Should -Exist
        { [xml](Get-Content -LiteralPath $help -Raw) } | Should -Not -Throw
    }
    It 'ships an about_GeminiImage topic that Get-Help shows offline: settings, error ids, the emulator, cost' {
        Join-Path $ModulePath 'en-US/about_GeminiImage.help.txt' | Should -Exist
        $text = Get-Help about_GeminiImage | Out-String
        foreach ($subject in 'GEMINI_API_KEY', 'GEMINI_IMAGE_HOME', 'GeminiImage.NoApiKey', 'GeminiImage.OutputExists', 'Start-GeminiEmulator', 'Get-GeminiCost', 'Set-GeminiBudget') {
            $text | Should -Match ([regex]::Escape($subject))
        }
        foreach ($line in Get-Content -LiteralPath (Join-Path $ModulePath 'en-US/about_GeminiImage.help.txt')) { $line.Length | Should -BeLessOrEqual 80 }
    }
    It 'lists every GeminiImage.* error id the code throws, in README''s Error ids table and in about_GeminiImage (issue 15)' {
        # Literal ids in the sources; these two are property keys, not error ids, and assembly names are not ids either.
        $notErrors = 'GeminiImage.Endpoint', 'GeminiImage.RetryWaited'
        $assemblies = 'GeminiImage.Cmdlets', 'GeminiImage.Emulator', 'GeminiImage.Engine', 'GeminiImage.LoadContext'
        $sources = Get-ChildItem -LiteralPath (Join-Path $RepoRoot 'src') -Recurse -Filter *.cs |
            Where-Object { $_.FullName -notmatch '[\\/](bin|obj)[\\/]' }
        $thrown = @($sources | Select-String -Pattern '"(GeminiImage\.[A-Za-z]+)"' -AllMatches |
            ForEach-Object { $_.Matches } | ForEach-Object { $_.Groups[1].Value } | Sort-Object -Unique)
        foreach ($key in $notErrors) { $thrown | Should -Contain $key -Because 'the exception list names keys that still exist' }
        $thrown = @($thrown | Where-Object { $_ -notin $notErrors -and $_ -notin $assemblies })
        $thrown.Count | Should -BeGreaterThan 100

        $readme = Get-Content -LiteralPath (Join-Path $RepoRoot 'README.md') -Raw
        $section = $readme.Substring($readme.IndexOf('## Error ids'))
        $section = $section.Substring(0, $section.IndexOf("`n## ", 5))
        $table = @([regex]::Matches((@($section -split '\r?\n' | Where-Object { $_.StartsWith('| `GeminiImage.') } |
            ForEach-Object { ($_ -split '\|')[1] }) -join ' '), 'GeminiImage\.[A-Za-z]+') | ForEach-Object Value | Sort-Object -Unique)
        $about = Get-Content -LiteralPath (Join-Path $ModulePath 'en-US/about_GeminiImage.help.txt') -Raw
        $inAbout = @([regex]::Matches($about, 'GeminiImage\.[A-Za-z]+') | ForEach-Object Value | Sort-Object -Unique)

        @($thrown | Where-Object { $_ -notin $table }) | Should -BeNullOrEmpty -Because 'every id the code throws has a row in README "Error ids"'
        @($table | Where-Object { $_ -notin $thrown }) | Should -BeNullOrEmpty -Because 'the table lists no id the code no longer has'
        @($table | Where-Object { $_ -notin $inAbout }) | Should -BeNullOrEmpty -Because 'about_GeminiImage lists every id of the table (offline help)'
    }
    It 'does not ship PowerShell''s own System.Management.Automation.dll' {
        Join-Path $ModulePath 'System.Management.Automation.dll' | Should -Not -Exist
    }
}

Describe 'Help for <Name>' -ForEach $cmdletCases {
    BeforeAll {
        $help = Get-Help -Name $Name -Full
    }

    It 'has a synopsis (not the auto-generated syntax)' {
        $synopsis = "$($help.Synopsis)".Trim()
        $synopsis | Should -Not -BeNullOrEmpty
        # Without a help file, Get-Help puts the syntax line(s) in Synopsis.
        $synopsis | Should -Not -BeLike "$Name *"
        $synopsis | Should -Not -BeLike "$Name"
        $synopsis | Should -Not -Match '\[<CommonParameters>\]'
    }

    It 'has a description' {
        ($help.description.Text -join '').Trim() | Should -Not -BeNullOrEmpty
    }

    It 'has at least one example with code' {
        $examples = @($help.examples.example)
        $examples.Count | Should -BeGreaterThan 0
        foreach ($e in $examples) { "$($e.code)".Trim() | Should -Not -BeNullOrEmpty }
    }

    It 'describes parameter -<Parameter>' -ForEach $Parameters {
        $p = Get-Help -Name $Name -Parameter $Parameter -ErrorAction SilentlyContinue
        $p | Should -Not -BeNullOrEmpty -Because "docs/$Name.md should have '### -$Parameter' under '## PARAMETERS'"
        ($p.description.Text -join '').Trim() | Should -Not -BeNullOrEmpty -Because "docs/$Name.md should describe -$Parameter"
    }
}
