<#
    The module's shape (issue 14): rules about how the cmdlets are built, checked on the built assembly.
    The generation parameters are declared once, in GeminiGenerationCmdlet, and every generating cmdlet derives from it.
#>
BeforeDiscovery {
    $script:Generating = @('New-GeminiImage', 'Edit-GeminiImage', 'Start-GeminiImageChat', 'Send-GeminiImageChat', 'Invoke-GeminiBatch',
        'Start-GeminiFolderWatch', 'Register-GeminiFolderWatchTask') |
        ForEach-Object { @{ Name = $_ } }
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'common.ps1')
    $script:Cmdlets = [GeminiImage.Cmdlets.Infrastructure.GeminiCmdlet].Assembly
    $script:Base = $script:Cmdlets.GetType('GeminiImage.Cmdlets.Infrastructure.GeminiGenerationCmdlet', $true)
}

Describe 'The generation base cmdlet' {
    It '<Name> derives from GeminiGenerationCmdlet' -TestCases $Generating {
        param($Name)
        (Get-Command $Name).ImplementingType.IsSubclassOf($Base) | Should -BeTrue
    }

    It '<Name> takes the request options from the base (one declaration)' -TestCases $Generating {
        param($Name)
        $type = (Get-Command $Name).ImplementingType
        foreach ($option in 'AspectRatio', 'ImageSize', 'ThinkingLevel', 'GoogleSearch', 'NoStore') {
            (Get-Command $Name).Parameters.ContainsKey($option) | Should -BeTrue -Because "$Name has -$option"
        }
        # Only New-GeminiImage and Edit-GeminiImage re-declare (to bind from pipeline properties); the others use the base's declaration.
        if ($Name -notin 'New-GeminiImage', 'Edit-GeminiImage') {
            $type.GetProperty('AspectRatio').GetMethod.GetBaseDefinition().DeclaringType | Should -Be $Base
            $type.GetProperty('AspectRatio').DeclaringType | Should -Be $Base
        }
    }

    It 'keeps each cmdlet''s own parameters (a base parameter a cmdlet does not take stays out)' {
        $has = { param($c, $p) (Get-Command $c).Parameters.ContainsKey($p) }
        & $has 'Send-GeminiImageChat' 'Model' | Should -BeFalse
        & $has 'Send-GeminiImageChat' 'Style' | Should -BeFalse
        & $has 'Send-GeminiImageChat' 'Cache' | Should -BeFalse
        & $has 'Send-GeminiImageChat' 'Tag' | Should -BeFalse
        & $has 'Send-GeminiImageChat' 'ReferenceImage' | Should -BeTrue
        & $has 'Invoke-GeminiBatch' 'Style' | Should -BeFalse
        & $has 'Invoke-GeminiBatch' 'ReferenceImage' | Should -BeFalse
        & $has 'Invoke-GeminiBatch' 'Cache' | Should -BeFalse
        & $has 'Invoke-GeminiBatch' 'Tag' | Should -BeTrue
        & $has 'Start-GeminiFolderWatch' 'Style' | Should -BeFalse
        & $has 'Start-GeminiFolderWatch' 'Cache' | Should -BeFalse
        & $has 'Start-GeminiFolderWatch' 'ReferenceImage' | Should -BeTrue
        & $has 'Edit-GeminiImage' 'Style' | Should -BeTrue
        & $has 'Edit-GeminiImage' 'Cache' | Should -BeTrue
        # New-GeminiImage and Edit-GeminiImage bind their row values from pipeline properties (a CSV with settings per row;
        # a piped image result keeps its model); the chat cmdlets do not (a piped chat's AspectRatio is the chat's own).
        foreach ($p in 'Model', 'AspectRatio', 'ImageSize', 'Tag', 'Style') {
            (Get-Command New-GeminiImage).Parameters[$p].ParameterSets['__AllParameterSets'].ValueFromPipelineByPropertyName | Should -BeTrue -Because "-$p of New-GeminiImage"
        }
        foreach ($p in 'Model', 'AspectRatio', 'Tag') {
            (Get-Command Edit-GeminiImage).Parameters[$p].ParameterSets['__AllParameterSets'].ValueFromPipelineByPropertyName | Should -BeTrue -Because "-$p of Edit-GeminiImage"
        }
        (Get-Command Send-GeminiImageChat).Parameters['AspectRatio'].ParameterSets['__AllParameterSets'].ValueFromPipelineByPropertyName | Should -BeFalse
    }
}

Describe 'No process-wide setting changed by a cmdlet' {
    It 'only Set-GeminiConfig changes the shared request limiter' {
        $hits = Get-ChildItem -LiteralPath (Join-Path $RepoRoot 'src/GeminiImage.Cmdlets') -Filter *.cs -Recurse |
            Where-Object Name -ne 'SetGeminiConfigCommand.cs' |
            Select-String -Pattern '\.(MaxConcurrency|RequestsPerMinute)\s*=[^=>]' | ForEach-Object { "$($_.Filename):$($_.LineNumber): $($_.Line.Trim())" }
        $hits | Should -BeNullOrEmpty
    }
}

Describe 'Shared parameter bases' {
    It '<Name> takes the ledger filter from LedgerQueryCmdlet' -TestCases @(
        @{ Name = 'Get-GeminiUsage' }, @{ Name = 'Get-GeminiCost' }, @{ Name = 'Export-GeminiUsage' }
    ) {
        param($Name)
        $base = $Cmdlets.GetType('GeminiImage.Cmdlets.Infrastructure.LedgerQueryCmdlet', $true)
        $type = (Get-Command $Name).ImplementingType
        $type.IsSubclassOf($base) | Should -BeTrue
        foreach ($p in 'Since', 'Until', 'Model', 'Tag', 'User', 'Project') { $type.GetProperty($p).DeclaringType | Should -Be $base -Because "-$p of $Name" }
    }

    It '<Name> takes -Scope, -Project and -PassThru from BudgetCmdlet' -TestCases @(@{ Name = 'Set-GeminiBudget' }, @{ Name = 'Clear-GeminiBudget' }) {
        param($Name)
        $base = $Cmdlets.GetType('GeminiImage.Cmdlets.Infrastructure.BudgetCmdlet', $true)
        (Get-Command $Name).ImplementingType.IsSubclassOf($base) | Should -BeTrue
    }
}
