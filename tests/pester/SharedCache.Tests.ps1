# The team-shared response cache (Set-GeminiConfig -Cache Shared) against a real PostgreSQL (the team ledger's server)
# and the emulator over HTTP with small images: a second machine (its own process and data folder) is served what the
# first paid for, with no call and a cache-hit record of the saving; batches and queue jobs alike.
BeforeAll {
    . (Join-Path $PSScriptRoot 'common.ps1')
    . (Join-Path $PSScriptRoot 'QueueTestHelpers.ps1')
    $script:Pg, $script:Emulator = Enter-TestQueueSuite
}
AfterAll { Exit-TestQueueSuite }

Describe 'Team-shared response cache' {
    BeforeEach {
        $script:Team = Reset-TestQueue $Pg $Emulator -Name shop
        Set-GeminiConfig -Cache Shared
    }
    AfterEach { Set-GeminiConfig -Cache Off -Ledger SQLite }

    It 'serves another machine''s paid image with no call: same bytes, a cache-hit record with the saving, and no key in the cache' {
        $first = New-GeminiImage 'a shared fox' -OutputDirectory (New-TestFolder 'machine-a')
        $first.FromCache | Should -BeFalse
        $Emulator.RequestCount | Should -Be 1

        $out = New-TestFolder 'machine-b'
        $child = Start-TestQueueProcess -Queue $Team -Emulator $Emulator -Script @"
Set-GeminiConfig -Cache Shared
`$image = New-GeminiImage 'a shared fox' -OutputDirectory '$out'
'FromCache=' + `$image.FromCache
"@
        $result = Wait-TestQueueProcess $child
        $result.ExitCode | Should -Be 0 -Because $result.Output
        $result.Output | Should -Match 'FromCache=True'
        $Emulator.RequestCount | Should -Be 1
        $second = Get-ChildItem -LiteralPath $out -Filter *.png
        (Get-FileHash -LiteralPath $second.FullName).Hash | Should -Be (Get-FileHash -LiteralPath $first.Path).Hash

        Invoke-TestPostgresSql $Pg $Team.Database "SELECT operation || ',' || cmdlet || ',' || cost_micros || ',' || (saved_micros = (SELECT cost_micros FROM gemini_usage WHERE status = 'Success')) || ',' || (saved_micros > 0) FROM gemini_usage WHERE status = 'CacheHit'" |
            Should -Be 'cache-hit,New-GeminiImage,0,true,true'
        Invoke-TestPostgresSql $Pg $Team.Database "SELECT count(*) FROM gemini_cache WHERE position(convert_to('$($Emulator.ApiKey)', 'UTF8') in entry) > 0" | Should -Be 0
        $info = Get-GeminiCache
        $info.Mode | Should -Be 'Shared'
        $info.EntryCount | Should -Be 1
        $info.Path | Should -Match 'PostgreSQL'
    }

    It 'serves edits, batch rows and queue jobs from it too: no call, cost 0, a cache-hit record each' {
        $null = New-GeminiImage 'a batch fox' -OutputDirectory (New-TestFolder 'new')
        $null = New-GeminiImage 'a job fox' -OutputDirectory (New-TestFolder 'new')
        $Emulator.RequestCount | Should -Be 2
        $source = Join-Path (New-TestFolder 'edit') 'good.png'
        Copy-Item -LiteralPath $SmallImage -Destination $source
        $null = Edit-GeminiImage 'make it night' -LiteralPath $source -OutputDirectory (New-TestFolder 'edit-a')
        (Edit-GeminiImage 'make it night' -LiteralPath $source -OutputDirectory (New-TestFolder 'edit-b')).FromCache | Should -BeTrue
        $Emulator.RequestCount | Should -Be 3

        $rows = @{ Id = 'cached'; Prompt = 'a batch fox' }, @{ Id = 'fresh'; Prompt = 'a fresh fox' } | Invoke-GeminiBatch -OutputDirectory (New-TestFolder 'batch')
        ($rows | Where-Object Id -eq cached).Cost | Should -Be 0
        ($rows | Where-Object Id -eq cached).Path | Should -Exist
        ($rows | Where-Object Id -eq fresh).Cost | Should -BeGreaterThan 0
        $Emulator.RequestCount | Should -Be 4

        $job = 'a job fox' | Submit-GeminiJob -Queue shop
        $done = Start-GeminiWorker -Queue shop -Drain
        $done.Id | Should -Be $job.Id
        $done.State | Should -Be 'Done'
        $done.Cost | Should -Be 0
        $done.Path | Should -Exist
        $Emulator.RequestCount | Should -Be 4
        Invoke-TestPostgresSql $Pg $Team.Database "SELECT string_agg(cmdlet, ',' ORDER BY cmdlet) FROM gemini_usage WHERE status = 'CacheHit' AND saved_micros > 0" |
            Should -Be 'Edit-GeminiImage,Invoke-GeminiBatch,Start-GeminiWorker'
    }

    It 'takes a damaged entry as a miss: the request is sent again without an error and the entry replaced' {
        $null = New-GeminiImage 'a damaged fox' -OutputDirectory (New-TestFolder 'a')
        Invoke-TestPostgresSql $Pg $Team.Database "UPDATE gemini_cache SET entry = set_byte(entry, length(entry) - 5, (get_byte(entry, length(entry) - 5) + 1) % 256)" | Out-Null
        $again = New-GeminiImage 'a damaged fox' -OutputDirectory (New-TestFolder 'b') -ErrorVariable err
        $err | Should -BeNullOrEmpty
        $again.FromCache | Should -BeFalse
        $Emulator.RequestCount | Should -Be 2
        (New-GeminiImage 'a damaged fox' -OutputDirectory (New-TestFolder 'c')).FromCache | Should -BeTrue
        $Emulator.RequestCount | Should -Be 2
    }

    It 'needs the team database: -Cache Shared with the SQLite ledger is TeamLedgerRequired' {
        Set-GeminiConfig -Cache Off -Ledger SQLite
        $err = { Set-GeminiConfig -Cache Shared } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -BeLike 'GeminiImage.TeamLedgerRequired*'
        $err.CategoryInfo.Category | Should -Be 'InvalidArgument'
        (Get-GeminiConfig).Cache | Should -Be 'Off'
    }
}
