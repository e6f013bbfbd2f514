BeforeAll {
    . (Join-Path $PSScriptRoot 'common.ps1')
    . (Join-Path $PSScriptRoot 'LedgerTestHelpers.ps1')
    $null = Enter-TestGeminiHome
}
AfterAll { Exit-TestGeminiHome }

Describe 'Clear-GeminiBudget' {
    BeforeEach {
        $null = Enter-TestGeminiHome
        Set-GeminiBudget -Daily 5 -Monthly 100
        $script:BudgetFile = Join-Path $env:GEMINI_IMAGE_HOME 'budget.json'
    }

    It 'removes every limit' {
        Clear-GeminiBudget
        $BudgetFile | Should -Not -Exist
        $b = Get-GeminiBudget
        $b.Daily | Should -BeNullOrEmpty
        $b.Monthly | Should -BeNullOrEmpty
    }

    It '-Daily removes only the daily limit, -Monthly only the monthly one' {
        $b = Clear-GeminiBudget -Daily -PassThru
        $b.Daily | Should -BeNullOrEmpty
        $b.Monthly | Should -Be 100
        Set-GeminiBudget -Daily 5
        Clear-GeminiBudget -Monthly
        $b = Get-GeminiBudget
        $b.Daily | Should -Be 5
        $b.Monthly | Should -BeNullOrEmpty
    }

    It 'keeps the ledger' {
        Add-TestLedgerRecord -Cost 0.4
        Clear-GeminiBudget
        (Get-GeminiBudget).SpentToday | Should -Be 0.4
        @(Get-GeminiUsage).Count | Should -Be 1
    }

    It '-WhatIf keeps the limits' {
        Clear-GeminiBudget -WhatIf
        $BudgetFile | Should -Exist
        (Get-GeminiBudget).Daily | Should -Be 5
    }

    It 'does nothing, quietly, when no budget is set' {
        Clear-GeminiBudget
        foreach ($which in @{}, @{ Daily = $true }, @{ Monthly = $true }) {
            # every stream (output, error, warning, verbose, debug, information) merged into the output
            $said = @(Clear-GeminiBudget @which -ErrorAction Stop *>&1)
            $said | Should -BeNullOrEmpty -Because "Clear-GeminiBudget $($which.Keys) has nothing to clear"
            $BudgetFile | Should -Not -Exist
        }
    }
}
