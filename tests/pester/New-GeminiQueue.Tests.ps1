# New-GeminiQueue against a real PostgreSQL.
BeforeAll {
    . (Join-Path $PSScriptRoot 'common.ps1')
    . (Join-Path $PSScriptRoot 'QueueTestHelpers.ps1')
    $script:Pg, $script:Emulator = Enter-TestQueueSuite
}
AfterAll { Exit-TestQueueSuite }

Describe 'New-GeminiQueue' {
    AfterEach { Set-GeminiConfig -Ledger SQLite }

    It 'creates a queue with its output root (resolved), and nothing with -WhatIf' {
        $database = New-TestPostgresDatabase $Pg
        Set-GeminiConfig -Ledger $database
        $folder = New-TestFolder 'root'
        New-GeminiQueue -Name later -OutputRoot $folder -WhatIf | Should -BeNullOrEmpty
        Get-GeminiQueue | Should -BeNullOrEmpty
        Push-Location -LiteralPath $folder
        try { $queue = New-GeminiQueue -Name shop.images_1 -OutputRoot out }
        finally { Pop-Location }
        $queue.Name | Should -Be 'shop.images_1'
        $queue.OutputRoot | Should -Be (Join-Path $folder 'out')
        $queue.CreatedBy | Should -Be "$([Environment]::UserName)@$([Environment]::MachineName)"
    }

    It 'refuses a queue that exists (QueueExists, ResourceExists) and a bad name (InvalidQueueName)' {
        $null = New-TestQueue $Pg -Name shop
        $err = { New-GeminiQueue -Name shop -OutputRoot (New-TestFolder 'other') } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -BeLike 'GeminiImage.QueueExists*'
        $err.CategoryInfo.Category | Should -Be 'ResourceExists'
        $err.TargetObject | Should -Be 'shop'
        $err = { New-GeminiQueue -Name 'no spaces' -OutputRoot (New-TestFolder 'other') } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -BeLike 'GeminiImage.InvalidQueueName*'
        $err.CategoryInfo.Category | Should -Be 'InvalidArgument'
        $err.TargetObject | Should -Be 'no spaces'
    }
}
