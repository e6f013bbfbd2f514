# Get-GeminiQueue against a real PostgreSQL.
BeforeAll {
    . (Join-Path $PSScriptRoot 'common.ps1')
    . (Join-Path $PSScriptRoot 'QueueTestHelpers.ps1')
    $script:Pg, $script:Emulator = Enter-TestQueueSuite
}
AfterAll { Exit-TestQueueSuite }

Describe 'Get-GeminiQueue' {
    AfterEach { Set-GeminiConfig -Ledger SQLite }

    It 'shows depth per priority, running, done, dead, throughput and the oldest wait; Dead makes an alert' {
        $queue = Reset-TestQueue $Pg $Emulator -Name shop
        $null = New-GeminiQueue -Name quiet -OutputRoot (New-TestFolder 'quiet')
        $null = Invoke-TestEmulatorControl $Emulator faults -Method Post -Body @{ kind = 'PromptBlocked'; promptContains = 'blocked' }
        $null = 'a done fox', 'a blocked fox' | Submit-GeminiJob -Queue shop
        $null = Start-GeminiWorker -Queue shop -Drain -WarningAction SilentlyContinue
        $null = 'h1', 'h2' | Submit-GeminiJob -Queue shop -Priority High
        $null = 'n1' | Submit-GeminiJob -Queue shop
        $null = 'l1', 'l2', 'l3' | Submit-GeminiJob -Queue shop -Priority Low

        $all = Get-GeminiQueue
        $all.Name | Should -Be @('quiet', 'shop')
        $shop = Get-GeminiQueue shop
        ($shop.High, $shop.Normal, $shop.Low, $shop.Queued, $shop.Running, $shop.Done, $shop.Dead) | Should -Be @(2, 1, 3, 6, 0, 1, 1)
        $shop.PerMinute | Should -Be 0.2
        $shop.OldestAge | Should -BeGreaterThan ([TimeSpan]::Zero)
        $shop.OutputRoot | Should -Be $queue.OutputRoot
        (Get-GeminiQueue quiet).OldestAge | Should -BeNullOrEmpty
        (Get-GeminiQueue | Where-Object Dead -gt 0).Name | Should -Be 'shop'
        ((Get-GeminiQueue | Format-Table | Out-String -Width 200) -split "`n" | ForEach-Object { $_.TrimEnd().Length } | Measure-Object -Maximum).Maximum | Should -BeLessOrEqual 80
    }

    It 'says when a queue is not there (QueueNotFound) or there is no team database (TeamLedgerRequired)' {
        $null = Reset-TestQueue $Pg $Emulator -Name shop
        $err = $null
        $null = Get-GeminiQueue nosuch -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -BeLike 'GeminiImage.QueueNotFound*'
        $err[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $err[0].TargetObject | Should -Be 'nosuch'
        Set-GeminiConfig -Ledger SQLite
        $err = { Get-GeminiQueue } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -BeLike 'GeminiImage.TeamLedgerRequired*'
    }
}
