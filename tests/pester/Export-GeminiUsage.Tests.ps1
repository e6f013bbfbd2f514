BeforeAll {
    . (Join-Path $PSScriptRoot 'common.ps1')
    . (Join-Path $PSScriptRoot 'LedgerTestHelpers.ps1')
    . (Join-Path $PSScriptRoot 'PostgresTestHelpers.ps1')
    $null = Enter-TestGeminiHome
}
AfterAll {
    Set-GeminiConfig -Ledger SQLite
    Stop-OwnedTestPostgres
    Exit-TestGeminiHome
}

Describe 'Export-GeminiUsage' {
    BeforeEach {
        $null = Enter-TestGeminiHome
        $script:Out = New-TestFolder 'export'
        Add-TestLedgerRecord -TimeUtc ([datetime]::UtcNow.AddDays(-40)) -Cost 1.5 -Tag old
        Add-TestLedgerRecord -Cost 0.039001 -Tag a, b -Prompt 'say "hi", =cmd|calc'
        Add-TestLedgerRecord -Cost $null -Model 'gemini-x-unpriced' -Prompt "two`nlines"
    }

    It 'writes every record as CSV that Import-Csv reads back exactly' {
        $file = Join-Path $Out 'usage.csv'
        Export-GeminiUsage -Path $file
        $rows = Import-Csv $file
        $rows | Should -HaveCount 3
        $records = Get-GeminiUsage
        @($rows.RecordId) | Should -Be @($records.RecordId)
        $rows[1].CostUsd | Should -Be '0.039001'
        $rows[2].CostUsd | Should -Be ''
        $rows[1].Prompt | Should -Be '''say "hi", =cmd|calc'.Substring(1)
        $rows[2].Prompt | Should -Be "two`nlines"
        $rows[1].TimeUtc | Should -Match '^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{7}Z$'
        $rows[1].UserName | Should -Be ([Environment]::UserName)
        (Get-Content $file -TotalCount 1) | Should -BeLike 'RecordId,TimeUtc,UserName,MachineName,Project,*'
    }

    It 'neutralizes a cell a spreadsheet would run as a formula' {
        Add-TestLedgerRecord -Prompt '=HYPERLINK("http://x")'
        $file = Join-Path $Out 'formula.csv'
        Export-GeminiUsage -Path $file
        (Import-Csv $file)[-1].Prompt | Should -Be '''=HYPERLINK("http://x")'
    }

    It 'writes JSON for a .json file, with numbers as numbers, and filters like Get-GeminiUsage' {
        $file = Join-Path $Out 'usage.json'
        Export-GeminiUsage -Path $file -Since ([datetime]::UtcNow.AddDays(-1))
        $rows = Get-Content $file -Raw | ConvertFrom-Json
        $rows | Should -HaveCount 2
        $rows[0].CostUsd | Should -BeOfType [ValueType]
        $rows[0].CostUsd | Should -Be 0.039001
        $rows[0].Tags | Should -Be 'a,b'
        $null -eq $rows[1].CostUsd | Should -BeTrue
        Export-GeminiUsage -Path (Join-Path $Out 'x.txt') -Format Json -Tag old
        @(Get-Content (Join-Path $Out 'x.txt') -Raw | ConvertFrom-Json) | Should -HaveCount 1
    }

    It 'does not replace an existing file without -Force, and -WhatIf writes nothing' {
        $file = Join-Path $Out 'keep.csv'
        Set-Content $file 'mine'
        $err = $null
        Export-GeminiUsage -Path $file -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -BeLike 'GeminiImage.*'
        Get-Content $file | Should -Be 'mine'
        Export-GeminiUsage -Path (Join-Path $Out 'none.csv') -WhatIf
        Join-Path $Out 'none.csv' | Should -Not -Exist
        (Export-GeminiUsage -Path $file -Force -PassThru).FullName | Should -Be $file
        (Import-Csv $file) | Should -HaveCount 3
    }

    It 'exports the team ledger the same way (user and project filters)' {
        $pg = Use-TestPostgres
        Set-GeminiConfig -Ledger (New-TestPostgresDatabase $pg)
        try {
            Import-GeminiUsage | Out-Null
            $file = Join-Path $Out 'team.csv'
            Export-GeminiUsage -Path $file -User ([Environment]::UserName)
            @((Import-Csv $file).RecordId) | Should -Be @((Get-GeminiUsage).RecordId)
            @((Import-Csv $file).RecordId).Count | Should -Be 3
        }
        finally { Set-GeminiConfig -Ledger SQLite }
    }

    It 'runs help example 1 as written' {
        $example = (Get-Help Export-GeminiUsage -Examples).examples.example[0].code
        $result = Invoke-Expression $example
        @($result).Count | Should -BeGreaterThan 0
    }
}
