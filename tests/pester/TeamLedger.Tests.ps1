# The team ledger (PostgreSQL) through the cmdlets: a real server (tools/Start-TestPostgres.ps1), the emulator over
# HTTP, and psql to look at the database independently of the module.
BeforeAll {
    . (Join-Path $PSScriptRoot 'common.ps1')
    . (Join-Path $PSScriptRoot 'LedgerTestHelpers.ps1')
    . (Join-Path $PSScriptRoot 'PostgresTestHelpers.ps1')
    $null = Enter-TestGeminiHome
    $script:Pg = Use-TestPostgres
    $script:Emulator = Start-TestEmulator
}
AfterAll {
    Set-GeminiConfig -Ledger SQLite
    Stop-GeminiEmulator
    Stop-OwnedTestPostgres
    Exit-TestGeminiHome
}

Describe 'Set-GeminiConfig -Ledger (PostgreSQL)' {
    BeforeEach {
        $null = Enter-TestGeminiHome
        $Emulator.Reset()
        $script:Out = New-TestFolder 'team-out'
        $script:Ledger = New-TestPostgresDatabase $Pg
        $script:Database = ($Ledger -split ';' | Where-Object { $_ -like 'Database=*' }) -replace 'Database='
    }
    AfterEach { Set-GeminiConfig -Ledger SQLite }

    It 'writes every paid call to the team database with user, machine and -Project, and reads it back' {
        Set-GeminiConfig -Ledger $Ledger
        $null = New-GeminiImage 'team fox' -OutputDirectory $Out -Project Apollo -Tag red
        $null = New-GeminiImage 'solo fox' -OutputDirectory $Out

        Invoke-TestPostgresSql $Pg $Database 'SELECT count(*) FROM gemini_usage' | Should -Be '2'
        Invoke-TestPostgresSql $Pg $Database "SELECT user_name || '|' || machine_name || '|' || project || '|' || tags FROM gemini_usage WHERE prompt = 'team fox'" |
            Should -Be "$([Environment]::UserName)|$([Environment]::MachineName)|Apollo|red"
        Join-Path $env:GEMINI_IMAGE_HOME 'usage.db' | Should -Not -Exist

        $apollo = Get-GeminiUsage -Project apollo
        $apollo | Should -HaveCount 1
        $apollo.Project | Should -Be 'Apollo'
        (Get-GeminiUsage -User ([Environment]::UserName)) | Should -HaveCount 2
        $byProject = Get-GeminiCost -GroupBy Project | Where-Object { -not $_.IsTotal }
        @($byProject.Key) | Should -Be @('(none)', 'Apollo')
        $total = Get-GeminiCost -GroupBy User | Where-Object IsTotal
        $total.CostUsd | Should -Be ([decimal](Invoke-TestPostgresSql $Pg $Database 'SELECT SUM(cost_micros) / 1000000.0 FROM gemini_usage'))
    }

    It 'shows the ledger in Get-GeminiConfig without a password, and -Save keeps the choice in ledger.json' {
        Set-GeminiConfig -Ledger $Ledger -Save
        $config = Get-GeminiConfig
        $config.Ledger | Should -Be "PostgreSQL $($Pg.Host):$($Pg.Port)/$Database as $($Pg.AdminUser)"
        $config.LedgerSource | Should -Be 'Session'
        Set-GeminiConfig -Reset
        (Get-GeminiConfig).LedgerSource | Should -Be 'Saved'
        Get-Content (Join-Path $env:GEMINI_IMAGE_HOME 'ledger.json') -Raw | Should -Not -Match 'Password'
    }

    It 'refuses a connection string with a password or one that does not parse, with a stable id and nothing changed' {
        $err = { Set-GeminiConfig -Ledger "$Ledger;Password=hunter22" } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -BeLike 'GeminiImage.InvalidLedgerConnectionString*'
        $err.CategoryInfo.Category | Should -Be 'InvalidArgument'
        "$err $($err.ErrorDetails)" | Should -Not -Match 'hunter22'
        $err = { Set-GeminiConfig -Ledger 'no equals sign here' } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -BeLike 'GeminiImage.InvalidLedgerConnectionString*'
        (Get-GeminiConfig).Ledger | Should -BeLike '*usage.db'
    }

    It 'sends nothing when the team ledger cannot be reached (its budgets cannot be checked) and says so' {
        $listener = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, 0)
        $listener.Start(); $port = $listener.LocalEndpoint.Port; $listener.Stop()
        Set-GeminiConfig -Ledger "Host=127.0.0.1;Port=$port;Database=x;Username=u;Timeout=2"
        $err = $null
        $null = New-GeminiImage 'unreachable fox' -OutputDirectory $Out -ErrorVariable err -ErrorAction SilentlyContinue
        $err | Should -HaveCount 1
        $err[0].FullyQualifiedErrorId | Should -BeLike 'GeminiImage.LedgerUnreachable*'
        $err[0].CategoryInfo.Category | Should -Be 'ResourceUnavailable'
        "$($err[0])" | Should -Match 'not sent'
        $Emulator.RequestCount | Should -Be 0
        $err = { Get-GeminiUsage -ErrorAction Stop } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -BeLike 'GeminiImage.LedgerUnreachable*'
    }
}
