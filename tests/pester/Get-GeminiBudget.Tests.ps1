BeforeAll {
    . (Join-Path $PSScriptRoot 'common.ps1')
    . (Join-Path $PSScriptRoot 'LedgerTestHelpers.ps1')
    $null = Enter-TestGeminiHome
}
AfterAll { Exit-TestGeminiHome }

Describe 'Get-GeminiBudget' {
    BeforeEach { $null = Enter-TestGeminiHome }

    It 'shows no limits and no spend in a fresh data folder, without creating a ledger' {
        $b = Get-GeminiBudget
        $b.Daily | Should -BeNullOrEmpty
        $b.Monthly | Should -BeNullOrEmpty
        $b.SpentToday | Should -Be 0
        $b.SpentThisMonth | Should -Be 0
        $b.RemainingToday | Should -BeNullOrEmpty
        Join-Path $env:GEMINI_IMAGE_HOME 'usage.db' | Should -Not -Exist
    }

    It 'adds up today and this month (UTC) from the ledger' {
        $now = [datetime]::UtcNow
        Add-TestLedgerRecord -TimeUtc $now -Cost 0.25
        Add-TestLedgerRecord -TimeUtc $now -Cost 0.50
        Add-TestLedgerRecord -TimeUtc $now.AddYears(-1) -Cost 9.00   # neither today nor this month
        $monthStart = [datetime]::new($now.Year, $now.Month, 1, 0, 0, 0, [System.DateTimeKind]::Utc)
        $earlierThisMonth = $now.Date.AddDays(-1)
        $expectedMonth = 0.75
        if ($earlierThisMonth -ge $monthStart) {
            Add-TestLedgerRecord -TimeUtc $earlierThisMonth -Cost 1.00
            $expectedMonth = 1.75
        }
        Set-GeminiBudget -Daily 2 -Monthly 10
        $b = Get-GeminiBudget
        $b.SpentToday | Should -Be 0.75
        $b.SpentThisMonth | Should -Be $expectedMonth
        $b.RemainingToday | Should -Be 1.25
        $b.RemainingThisMonth | Should -Be (10 - $expectedMonth)
        $b.WarnAt | Should -Be 0.8
    }

    It 'shows the limits with spent and left in its list view' {
        Add-TestLedgerRecord -Cost 0.5
        Set-GeminiBudget -Daily 2
        $text = Get-GeminiBudget | Out-String -Width 200
        $text | Should -Match 'Daily\s+: \$2\.00 \(spent \$0\.50, left \$1\.50\)'
        $text | Should -Match 'Monthly\s+: \(none\)'
        $text | Should -Match 'WarnAt\s+: 80'
    }
}
