BeforeAll {
    . (Join-Path $PSScriptRoot 'common.ps1')
    $script:OldHome = $env:GEMINI_IMAGE_HOME
    $env:GEMINI_IMAGE_HOME = New-TestFolder 'cache-home'
    $script:Emulator = Start-TestEmulator
    $script:Corpus = Join-Path $RepoRoot 'tests/unit/data/images'
    function Get-Sha256([string] $Path) { (Get-FileHash -LiteralPath $Path -Algorithm SHA256).Hash }
    function Get-LedgerRecords { (Get-GeminiType GeminiImage.Engine.Ledger.UsageLedger)::new($null).Query($null) }
}
AfterAll {
    Set-GeminiConfig -Cache Off
    Stop-GeminiEmulator
    $env:GEMINI_IMAGE_HOME = $script:OldHome
}

Describe 'Response cache' {
    BeforeEach {
        $script:Out = New-TestFolder 'cache-out'
        Set-GeminiConfig -Cache Off -CacheMaxMB 1024
        Clear-GeminiCache
        $Emulator.Reset()
    }

    It 'a second identical request with -Cache sends nothing, writes an identical file and records a cache hit' {
        $first = New-GeminiImage 'a red fox in the snow' -Cache -OutputDirectory $Out -Tag cache-test
        $second = New-GeminiImage '  a red   fox in the snow ' -Cache -OutputDirectory $Out -Tag cache-test
        $Emulator.RequestCount | Should -Be 1
        $second.Path | Should -Not -Be $first.Path
        (Split-Path $second.Path -Leaf) | Should -Match '^a-red-fox-in-the-snow-\d{8}-\d{6}(-\d+)?\.png$'
        Get-Sha256 $second.Path | Should -Be (Get-Sha256 $first.Path)
        $first.FromCache | Should -BeFalse
        $second.FromCache | Should -BeTrue
        $second.Cost | Should -Be 0
        $second.Width | Should -Be $first.Width
        $second.ResponseId | Should -Be $first.ResponseId

        $records = @(Get-LedgerRecords | Where-Object { $_.Tags -contains 'cache-test' })
        $records.Count | Should -Be 2
        $records[0].Status | Should -Be 'Success'
        $records[1].Status | Should -Be 'CacheHit'
        $records[1].Operation | Should -Be 'CacheHit'
        $records[1].CostUsd | Should -Be 0
        $records[1].SavedCostUsd | Should -Be $records[0].CostUsd
        $records[1].SavedCostUsd | Should -BeGreaterThan 0
        $records[1].OutputPath | Should -Be $second.Path
    }

    It 'is off by default, and -Cache:$false wins over Set-GeminiConfig' {
        New-GeminiImage 'uncached' -OutputDirectory $Out | Out-Null
        New-GeminiImage 'uncached' -OutputDirectory $Out | Out-Null
        $Emulator.RequestCount | Should -Be 2
        Set-GeminiConfig -Cache ReadWrite
        (Get-GeminiConfig).Cache | Should -Be 'ReadWrite'
        New-GeminiImage 'configured' -OutputDirectory $Out | Out-Null
        New-GeminiImage 'configured' -OutputDirectory $Out | Out-Null
        $Emulator.RequestCount | Should -Be 3
        New-GeminiImage 'configured' -Cache:$false -OutputDirectory $Out | Out-Null
        $Emulator.RequestCount | Should -Be 4
    }

    It 'image chats never use the cache, even when the session turns it on' {
        Set-GeminiConfig -Cache ReadWrite
        $chat = Start-GeminiImageChat -OutputDirectory $Out
        Send-GeminiImageChat -Chat $chat 'a toy fox' | Out-Null
        $Emulator.RequestCount | Should -Be 1
        (Get-GeminiCache).EntryCount | Should -Be 0
    }

    It 'ReadOnly serves hits but stores nothing new' {
        New-GeminiImage 'stored' -Cache -OutputDirectory $Out | Out-Null
        Set-GeminiConfig -Cache ReadOnly
        (New-GeminiImage 'stored' -OutputDirectory $Out).FromCache | Should -BeTrue
        New-GeminiImage 'not stored' -OutputDirectory $Out | Out-Null
        New-GeminiImage 'not stored' -OutputDirectory $Out | Out-Null
        $Emulator.RequestCount | Should -Be 3
        (Get-GeminiCache).EntryCount | Should -Be 1
    }

    It 'a changed setting misses' {
        New-GeminiImage 'a lighthouse' -Cache -OutputDirectory $Out | Out-Null
        New-GeminiImage 'a lighthouse' -Cache -AspectRatio 16:9 -OutputDirectory $Out | Out-Null
        New-GeminiImage 'a lighthouse' -Cache -Temperature 0.5 -OutputDirectory $Out | Out-Null
        New-GeminiImage 'a lighthouse' -Cache -Seed 7 -OutputDirectory $Out | Out-Null
        New-GeminiImage 'A lighthouse' -Cache -OutputDirectory $Out | Out-Null
        New-GeminiImage 'a lighthouse' -Cache -Style flat-illustration -OutputDirectory $Out | Out-Null
        $Emulator.RequestCount | Should -Be 6
        New-GeminiImage 'a lighthouse' -Cache -AspectRatio 16:9 -OutputDirectory $Out | Out-Null
        $Emulator.RequestCount | Should -Be 6
    }

    It 'a changed input image misses; the same bytes under another name hit' {
        $in = New-TestFolder 'cache-in'
        Copy-Item (Join-Path $Corpus 'good.png') (Join-Path $in 'a.png')
        Copy-Item (Join-Path $Corpus 'good.png') (Join-Path $in 'same-bytes.png')
        Copy-Item (Join-Path $Corpus 'good.jpg') (Join-Path $in 'other.jpg')
        $a = Edit-GeminiImage 'add a hat' -Path (Join-Path $in 'a.png') -Cache -OutputDirectory $Out
        $same = Edit-GeminiImage 'add a hat' -Path (Join-Path $in 'same-bytes.png') -Cache -OutputDirectory $Out
        $Emulator.RequestCount | Should -Be 1
        $same.FromCache | Should -BeTrue
        (Split-Path $same.Path -Leaf) | Should -Be 'same-bytes-edited.png'
        Get-Sha256 $same.Path | Should -Be (Get-Sha256 $a.Path)
        Edit-GeminiImage 'add a hat' -Path (Join-Path $in 'other.jpg') -Cache -OutputDirectory $Out | Out-Null
        $Emulator.RequestCount | Should -Be 2
    }

    It '-Count n with -Cache gives n different images, and the same n again' {
        $first = New-GeminiImage 'variants' -Count 3 -Cache -OutputDirectory $Out
        ($first | ForEach-Object { Get-Sha256 $_.Path } | Select-Object -Unique).Count | Should -Be 3
        $again = New-GeminiImage 'variants' -Count 3 -Cache -OutputDirectory $Out
        $Emulator.RequestCount | Should -Be 3
        ($again | ForEach-Object { Get-Sha256 $_.Path }) | Should -Be ($first | ForEach-Object { Get-Sha256 $_.Path })
    }

    It 'evicts the least recently used entries at the size bound' {
        Set-GeminiConfig -CacheMaxMB 1
        $prompts = 1..8 | ForEach-Object { "evict me $_" }
        foreach ($p in $prompts) { New-GeminiImage $p -Cache -OutputDirectory $Out | Out-Null }
        $info = Get-GeminiCache
        $info.SizeBytes | Should -BeLessOrEqual 1MB
        $info.EntryCount | Should -BeLessThan 8
        $info.EntryCount | Should -BeGreaterThan 0
        $Emulator.Reset()
        (New-GeminiImage $prompts[-1] -Cache -OutputDirectory $Out).FromCache | Should -BeTrue
        (New-GeminiImage $prompts[0] -Cache -OutputDirectory $Out).FromCache | Should -BeFalse
        $Emulator.RequestCount | Should -Be 1
    }

    It 'a damaged or half-written entry is never served' {
        New-GeminiImage 'fragile' -Cache -OutputDirectory $Out | Out-Null
        $entry = Get-ChildItem (Join-Path (Get-GeminiCache).Path 'entries') -Filter *.entry | Select-Object -First 1
        $bytes = [System.IO.File]::ReadAllBytes($entry.FullName)
        [System.IO.File]::WriteAllBytes($entry.FullName, [byte[]]$bytes[0..($bytes.Length / 2)])
        $tmp = Join-Path (Get-GeminiCache).Path 'tmp'
        New-Item -ItemType Directory -Force -Path $tmp | Out-Null
        [System.IO.File]::WriteAllBytes((Join-Path $tmp "$($entry.BaseName).0000.tmp"), [byte[]]$bytes[0..100])
        $image = New-GeminiImage 'fragile' -Cache -OutputDirectory $Out
        $image.FromCache | Should -BeFalse
        $Emulator.RequestCount | Should -Be 2
        (Get-Item $image.Path).Length | Should -BeGreaterThan 1000
        (New-GeminiImage 'fragile' -Cache -OutputDirectory $Out).FromCache | Should -BeTrue
    }

    It 'Clear-GeminiCache empties it' {
        New-GeminiImage 'to be cleared' -Cache -OutputDirectory $Out | Out-Null
        (Get-GeminiCache).EntryCount | Should -Be 1
        Clear-GeminiCache -WhatIf
        (Get-GeminiCache).EntryCount | Should -Be 1
        (Clear-GeminiCache -PassThru).EntryCount | Should -Be 0
        New-GeminiImage 'to be cleared' -Cache -OutputDirectory $Out | Out-Null
        $Emulator.RequestCount | Should -Be 2
    }

    It 'two processes filling the cache at once leave only complete entries' {
        $script = Join-Path $Out 'fill.ps1'
        Set-Content -LiteralPath $script -Value @'
param($ModulePath, $BaseUri, $Key, $Out)
$ErrorActionPreference = 'Stop'
Import-Module $ModulePath
$secure = ConvertTo-SecureString $Key -AsPlainText -Force
foreach ($i in 1..6) { New-GeminiImage "shared prompt $i" -Cache -BaseUri $BaseUri -ApiKey $secure -OutputDirectory $Out | Out-Null }
'@
        $jobs = foreach ($n in 1, 2) {
            $dir = New-Item -ItemType Directory -Path (Join-Path $Out "p$n") -Force
            Start-TestPwsh -Name "filler $n" -File $script -Environment @{ GEMINI_IMAGE_HOME = $env:GEMINI_IMAGE_HOME } -ArgumentList $ModulePath, $Emulator.BaseUri, $Emulator.ApiKey, $dir.FullName
        }
        foreach ($p in $jobs) { $null = Wait-TestPwsh $p -TimeoutSec 120 }
        $Emulator.RequestCount | Should -BeGreaterOrEqual 6
        $Emulator.RequestCount | Should -BeLessOrEqual 12
        $info = Get-GeminiCache
        $info.EntryCount | Should -Be 6
        $info.PendingWrites | Should -Be 0
        $Emulator.Reset()
        $hits = 1..6 | ForEach-Object { New-GeminiImage "shared prompt $_" -Cache -OutputDirectory $Out }
        $hits.FromCache | Should -Be (@($true) * 6)
        $Emulator.RequestCount | Should -Be 0
    }
}
