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
        $script:Database = Get-TestPostgresDatabaseName $Ledger
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
        # A new session finds the saved choice.
        $child = Invoke-TestPwsh -Script "Import-Module '$ModulePath'; Get-GeminiConfig | Select-Object Ledger, LedgerSource | ConvertTo-Json -Compress" `
            -Environment @{ GEMINI_IMAGE_HOME = $env:GEMINI_IMAGE_HOME }
        $child.Result.LedgerSource | Should -Be 'Saved'
        $child.Result.Ledger | Should -Be $config.Ledger
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

Describe 'Grafana dashboard' {
    It 'runs every query of dashboards/grafana-gemini-usage.json against the gemini_usage_report view' {
        $null = Enter-TestGeminiHome
        Add-TestLedgerRecord -Cost 0.25 -Model gemini-3-pro-image
        Add-TestLedgerRecord -Cost 0.5 -Status Failed -Images 0
        Add-TestLedgerRecord -Cost 1 -TimeUtc ([datetime]::UtcNow.AddDays(-3))
        $ledger = New-TestPostgresDatabase $Pg
        $database = ($ledger -split ';' | Where-Object { $_ -like 'Database=*' }) -replace 'Database='
        Set-GeminiConfig -Ledger $ledger
        try { Import-GeminiUsage | Out-Null } finally { Set-GeminiConfig -Ledger SQLite }

        $dashboard = Get-Content (Join-Path $RepoRoot 'dashboards/grafana-gemini-usage.json') -Raw | ConvertFrom-Json
        $dashboard.panels.title | Should -Contain 'Spend per day (USD)'
        $dashboard.panels.title | Should -Contain 'Top users'
        # Grafana's macros as Grafana expands them for PostgreSQL, over the last 30 days and every project.
        $expand = {
            param([string] $sql)
            $sql -replace '\$__timeGroupAlias\((\w+), ''1d''\)', 'date_trunc(''day'', $1) AS "time"' `
                 -replace '\$__timeFilter\((\w+)\)', '$1 BETWEEN now() - interval ''30 days'' AND now()' `
                 -replace '\$\{project:sqlstring\}', '''(none)'''
        }
        foreach ($panel in $dashboard.panels) {
            foreach ($query in $panel.targets) { Invoke-TestPostgresSql $Pg $database (& $expand $query.rawSql) | Should -Not -BeNullOrEmpty -Because $panel.title }
        }
        Invoke-TestPostgresSql $Pg $database $dashboard.templating.list[0].query | Should -Be '(none)'
        $daily = $dashboard.panels | Where-Object title -eq 'Spend per day (USD)'
        $rows = Invoke-TestPostgresSql $Pg $database (& $expand $daily.targets[0].rawSql)
        $rows | Should -HaveCount 2
        ($rows | ForEach-Object { [decimal]($_ -split '\|')[1] } | Measure-Object -Sum).Sum | Should -Be 1.75
        $failures = $dashboard.panels | Where-Object title -eq 'Images and failures per day'
        (Invoke-TestPostgresSql $Pg $database (& $expand $failures.targets[0].rawSql))[-1] | Should -Match '\|1\|1$'
    }
}

Describe 'Team and project budgets' {
    BeforeEach {
        $null = Enter-TestGeminiHome
        $Emulator.Reset()
        $script:Out = New-TestFolder 'budget-out'
        $script:Ledger = New-TestPostgresDatabase $Pg
        $script:Database = Get-TestPostgresDatabaseName $Ledger
        Set-GeminiConfig -Ledger $Ledger
        # The real cost of one call of this test, measured in its own database so it does not count here.
        if (-not $script:CallCost) {
            Set-GeminiConfig -Ledger (New-TestPostgresDatabase $Pg)
            $null = New-GeminiImage 'probe 00' -OutputDirectory $Out -ImageSize 512
            $script:CallCost = [decimal](Get-GeminiUsage).CostUsd
            Set-GeminiConfig -Ledger $Ledger
            $Emulator.Reset()
        }
    }
    AfterEach { Set-GeminiConfig -Ledger SQLite }

    It 'needs a team ledger: -Scope Team on the SQLite ledger is refused with its own id' {
        Set-GeminiConfig -Ledger SQLite
        $err = $null
        Set-GeminiBudget -Scope Team -Daily 5 -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -BeLike 'GeminiImage.TeamLedgerRequired*'
        $err[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
        Join-Path $env:GEMINI_IMAGE_HOME 'budget.json' | Should -Not -Exist
    }

    It 'keeps team and project budgets in the database, shows them with who changed them, and audits every change' {
        Set-GeminiBudget -Scope Team -Daily 10 -Monthly 200
        Set-GeminiBudget -Project Apollo -Daily 2 -WarnAt 0.5
        Set-GeminiBudget -Project Apollo -Monthly 40
        Invoke-TestPostgresSql $Pg $Database "SELECT scope || '|' || daily_micros || '|' || COALESCE(monthly_micros::text, '-') FROM gemini_budget ORDER BY scope" |
            Should -Be @('project:Apollo|2000000|40000000', 'team|10000000|200000000')
        $views = Get-GeminiBudget
        @($views.Scope) | Should -Be @('Personal', 'Project:Apollo', 'Team')
        $apollo = $views | Where-Object Scope -eq 'Project:Apollo'
        ($apollo.Daily, $apollo.Monthly, $apollo.WarnAt) | Should -Be @(2, 40, 0.5)
        $apollo.UpdatedBy | Should -Be "$([Environment]::UserName)@$([Environment]::MachineName)"
        $apollo.Path | Should -BeLike "PostgreSQL *$Database*"
        Join-Path $env:GEMINI_IMAGE_HOME 'budget.json' | Should -Not -Exist

        Clear-GeminiBudget -Project Apollo
        @((Get-GeminiBudget).Scope) | Should -Be @('Personal', 'Team')
        $audit = Invoke-TestPostgresSql $Pg $Database "SELECT action || '|' || scope || '|' || user_name || '|' || detail FROM gemini_audit ORDER BY id"
        $audit | Should -HaveCount 4
        $audit[1] | Should -Be "Set-GeminiBudget|project:Apollo|$([Environment]::UserName)|none -> daily 2, monthly none, warn at 0.5"
        $audit[3] | Should -BeLike "Clear-GeminiBudget|project:Apollo|$([Environment]::UserName)|daily 2, monthly 40*-> none"
        Invoke-TestPostgresSql $Pg $Database "SELECT count(*) FROM gemini_audit WHERE utc_time > now() - interval '5 minutes'" | Should -Be '4'
    }

    It 'records price overrides in the audit log with who and when' {
        $file = Join-Path (New-TestFolder 'prices') 'prices.json'
        Set-Content -LiteralPath $file -Value '{ "models": { "gemini-3-pro-image": { "imageOutput": 100 } } }'
        Set-GeminiPricing -Path $file
        Set-GeminiPricing -Reset
        $audit = Invoke-TestPostgresSql $Pg $Database "SELECT action || '|' || user_name || '|' || machine_name || '|' || detail FROM gemini_audit WHERE utc_time > now() - interval '5 minutes' ORDER BY id"
        $audit | Should -HaveCount 2
        $audit[0] | Should -BeLike "Set-GeminiPricing|$([Environment]::UserName)|$([Environment]::MachineName)|override from $file*gemini-3-pro-image*image output 100 per 1M tokens"
        $audit[1] | Should -BeLike 'Set-GeminiPricing|*|removed the price override*'
    }

    It 'refuses a call that would pass its project budget, warns once per period and scope, and leaves other projects alone' {
        Set-GeminiBudget -Project Apollo -Daily ($CallCost * 3.5) -WarnAt 0.5
        $warnings = @()
        foreach ($i in 1..3) {
            $null = New-GeminiImage "apollo $i" -OutputDirectory $Out -ImageSize 512 -Project Apollo -WarningVariable w -WarningAction SilentlyContinue
            $warnings += $w
        }
        @($warnings | Where-Object { "$_" -match "project 'Apollo' daily budget" }) | Should -HaveCount 1
        Invoke-TestPostgresSql $Pg $Database 'SELECT count(*) FROM gemini_budget_warning' | Should -Be '1'

        $err = $null
        $null = New-GeminiImage 'apollo 4' -OutputDirectory $Out -ImageSize 512 -Project Apollo -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -BeLike 'GeminiImage.BudgetExceeded*'
        "$($err[0])" | Should -Match "project 'Apollo' daily budget"
        $Emulator.RequestCount | Should -Be 3

        $null = New-GeminiImage 'zeus 1' -OutputDirectory $Out -Project Zeus
        $null = New-GeminiImage 'nobody 1' -OutputDirectory $Out
        $Emulator.RequestCount | Should -Be 5
    }

    It 'holds a team budget across two processes racing at the limit: 2 x 50 calls, a budget for 60, at most 60 sent' {
        Set-GeminiBudget -Scope Team -Daily ($CallCost * 60.5) -WarnAt 0
        $work = New-TestFolder 'race'
        $script = Join-Path $work 'racer.ps1'
        Set-Content -LiteralPath $script -Encoding utf8 -Value @'
param([string] $ModulePath, [string] $Out, [int] $Worker, [string] $Ledger)
$ErrorActionPreference = 'Stop'
Import-Module $ModulePath
Set-GeminiConfig -Ledger $Ledger
$sent = 0; $refused = 0; $other = @()
foreach ($i in 1..50) {
    $err = $null
    $null = New-GeminiImage "race $Worker $i" -OutputDirectory $Out -ImageSize 512 -ErrorVariable err -ErrorAction SilentlyContinue -WarningAction SilentlyContinue
    if (-not $err) { $sent++ }
    elseif ($err[0].FullyQualifiedErrorId -like 'GeminiImage.BudgetExceeded*') { $refused++ }
    else { $other += $err[0].FullyQualifiedErrorId }
}
[pscustomobject]@{ sent = $sent; refused = $refused; other = $other } | ConvertTo-Json -Compress
'@
        $environment = @{ GEMINI_BASE_URL = $Emulator.BaseUri.ToString(); GEMINI_API_KEY = $Emulator.ApiKey; GEMINI_IMAGE_HOME = $env:GEMINI_IMAGE_HOME; PGPASSWORD = $Pg.Password }
        $children = foreach ($worker in 1, 2) {
            New-Item -ItemType Directory -Path (Join-Path $work "out$worker") | Out-Null
            Start-TestPwsh -Name "racer $worker" -File $script -Environment $environment -ArgumentList '-ModulePath', $ModulePath, '-Out', (Join-Path $work "out$worker"), '-Worker', $worker, '-Ledger', $Ledger
        }
        $results = foreach ($c in $children) { Wait-TestPwsh $c | ConvertFrom-Json }
        # Counted where the money is spent: the requests the emulator received.
        $Emulator.RequestCount | Should -BeLessOrEqual 60
        $Emulator.RequestCount | Should -BeGreaterOrEqual 59
        ($results | Measure-Object sent -Sum).Sum | Should -Be $Emulator.RequestCount
        ($results | Measure-Object refused -Sum).Sum | Should -Be (100 - $Emulator.RequestCount)
        @($results.other | Where-Object { $_ }) | Should -BeNullOrEmpty
        @($results | Where-Object sent -gt 0) | Should -HaveCount 2 -Because 'both processes got calls through'
        Invoke-TestPostgresSql $Pg $Database "SELECT count(*) FROM gemini_usage WHERE status = 'Success'" | Should -Be "$($Emulator.RequestCount)"
    }
}

Describe 'The team ledger server goes away in the middle of a batch' {
    BeforeAll {
        $null = Enter-TestGeminiHome
        $Emulator.Reset()
        # A server of its own: this test takes it away, and the shared one serves other runners at the same moment.
        $script:AwayPg = Start-PrivateTestPostgres
        $script:Out = New-TestFolder 'away-out'
        $script:Ledger = New-TestPostgresDatabase $AwayPg
        $script:Database = Get-TestPostgresDatabaseName $Ledger
        # The test server commits asynchronously for speed; a crash (the immediate stop below) may then lose commits it
        # had acknowledged. A real ledger server commits synchronously, as this database now does.
        Invoke-TestPostgresSql $AwayPg $Database "ALTER DATABASE $Database SET synchronous_commit = on" | Out-Null
        Set-GeminiConfig -Ledger "$Ledger;Timeout=3"
    }
    AfterAll {
        Set-GeminiConfig -Ledger SQLite
        $Emulator.Latency = [timespan]::Zero
        Stop-PrivateTestPostgres $AwayPg
    }

    It 'keeps every paid image and every usage record (pending, then replayed once), and sends nothing it cannot check' {
        $rows = 1..8 | ForEach-Object { [pscustomobject]@{ Id = "r$_"; Prompt = "a lighthouse number $_" } }
        $Emulator.Latency = [timespan]::FromMilliseconds(300)
        # Stops the server (immediate, as a crash would) once three requests have reached the emulator.
        $stopper = Start-ThreadJob -ArgumentList $Emulator, $AwayPg -ScriptBlock {
            param($emulator, $pg)
            $deadline = [datetime]::UtcNow.AddSeconds(60)
            while ($emulator.RequestCount -lt 3 -and [datetime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 20 }
            $ctl = @($pg.PgCtl, '-D', (Join-Path $pg.Folder 'data'), '-m', 'immediate', '-w', '-t', '30', 'stop')
            if ($pg.RunAs) { & runuser -u $pg.RunAs '--' @ctl 2>&1 | Out-Null } else { & $ctl[0] @($ctl[1..($ctl.Count - 1)]) 2>&1 | Out-Null }
            $emulator.RequestCount
        }
        try {
            $results = $rows | Invoke-GeminiBatch -OutputDirectory $Out -ThrottleLimit 2 -ErrorAction SilentlyContinue -WarningAction SilentlyContinue
            $atStop = $stopper | Wait-Job -Timeout 90 | Receive-Job
        }
        finally {
            $stopper | Remove-Job -Force
            Start-TestPostgresServer $AwayPg
        }
        $atStop | Should -BeGreaterOrEqual 3
        $billed = $Emulator.RequestCount
        $billed | Should -BeLessThan 8 -Because 'rows after the server went away are not sent: their budgets cannot be checked'
        $done = @($results | Where-Object Status -eq 'Succeeded')
        $done.Count | Should -Be $billed -Because 'every answer the emulator billed was saved'
        foreach ($r in $done) { $r.Path | Should -Exist }
        $refused = @($results | Where-Object Status -ne 'Succeeded')
        $refused.Count | Should -Be (8 - $billed)
        $refused.ErrorId | Sort-Object -Unique | Should -Be 'GeminiImage.LedgerUnreachable'

        # Once the server is back, the very next call goes through (the pool's dead connections are replaced), and
        # its write replays what waited in the pending file, once.
        $after = New-GeminiImage 'after the storm' -OutputDirectory $Out -ErrorAction Stop
        $after.Path | Should -Exist
        $null = New-GeminiImage 'after the storm, again' -OutputDirectory $Out -ErrorAction Stop
        Invoke-TestPostgresSql $AwayPg $Database "SELECT count(*) FROM gemini_usage WHERE cmdlet = 'New-GeminiImage'" | Should -Be '2'
        Invoke-TestPostgresSql $AwayPg $Database "SELECT count(*) FROM gemini_usage WHERE status = 'Success' AND cmdlet = 'Invoke-GeminiBatch'" | Should -Be "$billed"
        Invoke-TestPostgresSql $AwayPg $Database "SELECT count(DISTINCT row_id) FROM gemini_usage WHERE status = 'Success' AND cmdlet = 'Invoke-GeminiBatch'" | Should -Be "$billed"
        Get-ChildItem -Path $env:GEMINI_IMAGE_HOME -Recurse -Filter 'usage-pending*' | Where-Object Length -gt 0 | Should -BeNullOrEmpty
    }
}
