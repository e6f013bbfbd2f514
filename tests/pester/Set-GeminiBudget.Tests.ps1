BeforeAll {
    . (Join-Path $PSScriptRoot 'common.ps1')
    . (Join-Path $PSScriptRoot 'LedgerTestHelpers.ps1')
    $null = Enter-TestGeminiHome
    $script:Emulator = Start-TestEmulator
}
AfterAll {
    Stop-GeminiEmulator
    Exit-TestGeminiHome
}

Describe 'Set-GeminiBudget' {
    BeforeEach {
        $null = Enter-TestGeminiHome
        $Emulator.Reset()
        $script:Out = New-TestFolder 'budget-out'
    }

    It 'warns when the daily limit is above the monthly one (swapped?), and keeps what was given' {
        $warnings = $null
        Set-GeminiBudget -Daily 100 -Monthly 1 -WarningVariable warnings -WarningAction SilentlyContinue
        @($warnings).Count | Should -Be 1
        "$($warnings[0])" | Should -Match 'daily limit \(\$100\.00\) is above the monthly limit \(\$1\.00\)'
        (Get-GeminiBudget).Daily | Should -Be 100
        $warnings = $null
        Set-GeminiBudget -Daily 1 -Monthly 100 -WarningVariable warnings -WarningAction SilentlyContinue
        $warnings | Should -BeNullOrEmpty
        Clear-GeminiBudget
    }

    It 'a daily budget smaller than one image blocks the call before anything is sent' {
        Set-GeminiBudget -Daily 0.01
        $err = $null
        $image = New-GeminiImage 'too expensive' -OutputDirectory $Out -ErrorVariable err -ErrorAction SilentlyContinue
        $image | Should -BeNullOrEmpty
        $err | Should -HaveCount 1
        $err[0].FullyQualifiedErrorId | Should -BeLike 'GeminiImage.BudgetExceeded*'
        $err[0].CategoryInfo.Category | Should -Be 'QuotaExceeded'
        $err[0].Exception.Message | Should -Match 'daily budget of \$0\.01'
        $err[0].ErrorDetails.RecommendedAction | Should -Match 'Set-GeminiBudget'
        $Emulator.RequestCount | Should -Be 0
        Get-ChildItem -LiteralPath $Out | Should -BeNullOrEmpty
        Get-GeminiUsage | Should -BeNullOrEmpty -Because 'nothing was spent, so nothing is recorded'
    }

    It 'a monthly budget blocks too' {
        Set-GeminiBudget -Daily 100 -Monthly 0.01
        $err = $null
        $null = New-GeminiImage 'too expensive this month' -OutputDirectory $Out -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -BeLike 'GeminiImage.BudgetExceeded*'
        $err[0].Exception.Message | Should -Match 'monthly budget'
        $Emulator.RequestCount | Should -Be 0
    }

    It 'stops a pipeline at the budget: the rows that fit are sent, the rest fail without a request' {
        Set-GeminiBudget -Daily 0.15   # one 1K image of the default gemini-3.1-flash-image is about $0.067
        $err = $null
        $images = 'one', 'two', 'three', 'four' | New-GeminiImage -OutputDirectory $Out -ErrorVariable err -ErrorAction SilentlyContinue
        @($images).Count | Should -Be 2
        $err | Should -HaveCount 2
        $err | ForEach-Object { $_.FullyQualifiedErrorId | Should -BeLike 'GeminiImage.BudgetExceeded*' }
        @($err.TargetObject) | Should -Be @('three', 'four')
        $Emulator.RequestCount | Should -Be 2
        (Get-GeminiBudget).SpentToday | Should -BeLessOrEqual 0.15
    }

    It 'warns once when spending passes the threshold, and again after the budget is set anew' {
        Set-GeminiBudget -Daily 1 -WarnAt 0.1   # warn from $0.10: the second call (about $0.067 each) passes it
        $counts = foreach ($i in 1..4) {
            $w = $null
            $null = New-GeminiImage "warn $i" -OutputDirectory $Out -WarningVariable w -WarningAction SilentlyContinue
            @($w | Where-Object { "$_" -match 'near the daily budget' }).Count
        }
        $counts | Should -Be @(0, 1, 0, 0)
        $Emulator.RequestCount | Should -Be 4 -Because 'a warning does not stop the call'

        Set-GeminiBudget -WarnAt 0.2
        $w = $null
        $null = New-GeminiImage 'warn again' -OutputDirectory $Out -WarningVariable w -WarningAction SilentlyContinue
        @($w | Where-Object { "$_" -match 'near the daily budget' }).Count | Should -Be 1
    }

    It 'changes only the limits given and keeps the others' {
        Set-GeminiBudget -Daily 5 -Monthly 100 -WarnAt 0.9
        Set-GeminiBudget -Daily 7
        $b = Get-GeminiBudget
        $b.Daily | Should -Be 7
        $b.Monthly | Should -Be 100
        $b.WarnAt | Should -Be 0.9
        Set-GeminiBudget -WarnAt 0
        (Get-GeminiBudget).WarnAt | Should -BeNullOrEmpty -Because '0 turns the warning off'
    }

    It '-PassThru returns the budget with the spend so far' {
        $null = New-GeminiImage 'spent first' -OutputDirectory $Out
        $b = Set-GeminiBudget -Daily 5 -Monthly 100 -PassThru
        $b | Should -BeOfType ([GeminiImage.Cmdlets.Infrastructure.GeminiBudgetView])
        $b.SpentToday | Should -Be (Get-GeminiUsage).CostUsd
        $b.RemainingToday | Should -Be (5 - $b.SpentToday)
        $b.Path | Should -Be (Join-Path $env:GEMINI_IMAGE_HOME 'budget.json')
        Set-GeminiBudget -Daily 6 | Should -BeNullOrEmpty -Because 'nothing is written without -PassThru'
    }

    It '-WhatIf changes nothing' {
        Set-GeminiBudget -Daily 3 -WhatIf
        Join-Path $env:GEMINI_IMAGE_HOME 'budget.json' | Should -Not -Exist
    }

    It 'refuses <Name>' -TestCases @(
        @{ Name = 'no limit at all'; Splat = @{} }
        @{ Name = 'a negative daily limit'; Splat = @{ Daily = -1 } }
        @{ Name = 'a negative monthly limit'; Splat = @{ Monthly = -1 } }
        @{ Name = 'a threshold above 1'; Splat = @{ WarnAt = 1.5 } }
    ) {
        $err = $null
        Set-GeminiBudget @Splat -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -BeLike 'GeminiImage.InvalidArgument*'
        $err[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
        Join-Path $env:GEMINI_IMAGE_HOME 'budget.json' | Should -Not -Exist
    }
}
