BeforeAll {
    . (Join-Path $PSScriptRoot 'common.ps1')
    . (Join-Path $PSScriptRoot 'LedgerTestHelpers.ps1')
    . (Join-Path $PSScriptRoot 'PostgresTestHelpers.ps1')
    $null = Enter-TestGeminiHome
    $script:Pg = Use-TestPostgres
}
AfterAll {
    Set-GeminiConfig -Ledger SQLite
    Stop-OwnedTestPostgres
    Exit-TestGeminiHome
}

Describe 'Import-GeminiUsage' {
    BeforeEach {
        Set-GeminiConfig -Ledger SQLite
        $null = Enter-TestGeminiHome
        foreach ($i in 1..4) { Add-TestLedgerRecord -Cost (0.01 * $i) -Tag "t$i" -TimeUtc ([datetime]::UtcNow.AddDays(-$i)) }
        $script:Local = @(Get-GeminiUsage)
        $script:Ledger = New-TestPostgresDatabase $Pg
        $script:Database = Get-TestPostgresDatabaseName $Ledger
    }
    AfterEach { Set-GeminiConfig -Ledger SQLite }

    It 'moves the SQLite history into the team ledger once: a second run adds nothing' {
        Set-GeminiConfig -Ledger $Ledger
        $first = Import-GeminiUsage
        $first.Read | Should -Be 4
        $first.Added | Should -Be 4
        $first.Target | Should -BeLike "PostgreSQL *$Database*"
        $second = Import-GeminiUsage -Path (Join-Path $env:GEMINI_IMAGE_HOME 'usage.db')
        ($second.Added, $second.AlreadyPresent) | Should -Be @(0, 4)
        Invoke-TestPostgresSql $Pg $Database 'SELECT count(*), SUM(cost_micros) FROM gemini_usage' | Should -Be '4|100000'
        $team = Get-GeminiUsage
        @($team.RecordId) | Should -Be @($Local.RecordId)
        @($team.Tags) | Should -Be @($Local.Tags)
        # PostgreSQL keeps times to the microsecond.
        @($team.TimeUtc.Ticks) | Should -Be @($Local.TimeUtc.Ticks | ForEach-Object { $_ - $_ % 10 })
    }

    It 'needs a team ledger, and -WhatIf imports nothing' {
        $err = $null
        Import-GeminiUsage -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -BeLike 'GeminiImage.TeamLedgerRequired*'
        Set-GeminiConfig -Ledger $Ledger
        Import-GeminiUsage -WhatIf
        Invoke-TestPostgresSql $Pg $Database "SELECT to_regclass('gemini_usage') IS NULL" | Should -Be 't'
    }

    It 'says so for a path without a usage.db, and for a team ledger the user may not write' {
        Set-GeminiConfig -Ledger $Ledger
        $err = $null
        Import-GeminiUsage -Path (New-TestFolder 'empty') -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -BeLike 'GeminiImage.LedgerNotFound*'
        $err[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        Set-GeminiConfig -Ledger ($Ledger -replace "Username=$($Pg.AdminUser)", "Username=$($Pg.LimitedUser)")
        $err = $null
        Import-GeminiUsage -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -BeLike 'GeminiImage.LedgerPermissionDenied*'
    }
}
