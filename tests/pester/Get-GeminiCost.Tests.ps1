BeforeAll {
    . (Join-Path $PSScriptRoot 'common.ps1')
    . (Join-Path $PSScriptRoot 'LedgerTestHelpers.ps1')
    $null = Enter-TestGeminiHome
    $script:Prices = Get-CatalogPrices
}
AfterAll {
    Stop-GeminiEmulator
    Exit-TestGeminiHome
}

Describe 'Get-GeminiCost over a mix of emulated calls' {
    BeforeAll {
        $null = Enter-TestGeminiHome
        $script:Emulator = Start-TestEmulator
        $Emulator.Reset()
        $out = New-TestFolder 'cost-out'
        # prompt -> tags; the prompts are unique so requests, records and expectations join on them
        $script:Calls = @(
            @{ Prompt = 'a lighthouse at dusk'; Tags = @('coast'); Args = @{ AspectRatio = '16:9' } }
            @{ Prompt = 'a tall stone tower'; Tags = @('coast', 'tall'); Args = @{ AspectRatio = '9:16' } }
            @{ Prompt = 'a square herb garden'; Tags = @(); Args = @{} }
            @{ Prompt = 'a pro portrait of a heron'; Tags = @('pro'); Args = @{ Model = 'gemini-3-pro-image'; AspectRatio = '3:4' } }
            @{ Prompt = 'a pro wide harbour at 2K'; Tags = @(); Args = @{ Model = 'gemini-3-pro-image'; AspectRatio = '21:9'; ImageSize = '2K' } }
            @{ Prompt = 'forbidden cliff [emulator:block]'; Tags = @('coast'); Args = @{} }
        )
        $script:Images = foreach ($c in $Calls) {
            $a = $c.Args.Clone()
            if ($c.Tags.Count) { $a.Tag = $c.Tags }
            New-GeminiImage $c.Prompt -OutputDirectory $out @a -ErrorAction SilentlyContinue -ErrorVariable +script:CallErrors
        }
        $logged = @($Emulator.Requests | Where-Object Path -like '*:generateContent')
        # Independent expectation: replay each logged request, price its usageMetadata ourselves.
        $script:Expected = foreach ($r in $logged) {
            $u = Get-ReplayedUsage -Emulator $Emulator -Request $r -Prices $Prices
            $tags = ($Calls | Where-Object { $_.Prompt -eq $r.Prompt }).Tags
            $u | Add-Member -NotePropertyName Tags -NotePropertyValue @($tags) -PassThru |
                Add-Member -NotePropertyName Day -NotePropertyValue $r.Time.UtcDateTime.ToString('yyyy-MM-dd') -PassThru
        }
        function Get-ExpectedSum([object[]] $Rows) { Get-DecimalSum $Rows }
    }

    It 'made the calls it meant to: 6 requests, 5 images, 1 blocked' {
        @($Expected).Count | Should -Be 6
        @($Images).Count | Should -Be 5
        @($CallErrors).Count | Should -Be 1
        $CallErrors[0].FullyQualifiedErrorId | Should -BeLike 'GeminiImage.PromptBlocked*'
    }

    It 'records each call with the tokens and cost of its usageMetadata' {
        $records = Get-GeminiUsage
        @($records).Count | Should -Be 6
        foreach ($e in $Expected) {
            $r = $records | Where-Object Prompt -eq $e.Prompt
            $r | Should -HaveCount 1 -Because "one record for '$($e.Prompt)'"
            $r.Model | Should -Be $e.Model
            $r.InputTokens | Should -Be $e.InputTokens
            $r.TextOutputTokens | Should -Be $e.TextOutputTokens
            $r.ImageOutputTokens | Should -Be $e.ImageOutputTokens
            $r.ThinkingTokens | Should -Be $e.ThinkingTokens
            $r.CostUsd | Should -Be $e.CostUsd -Because "cost of '$($e.Prompt)'"
        }
    }

    It 'the emitted images agree with the ledger (input and output tokens, cost)' {
        foreach ($image in $Images) {
            $e = $Expected | Where-Object Prompt -eq $image.Prompt
            $image.InputTokens | Should -Be $e.InputTokens
            $image.OutputTokens | Should -Be ($e.TextOutputTokens + $e.ImageOutputTokens)
            $image.Cost | Should -Be $e.CostUsd
        }
    }

    It 'the grand total equals the sum computed from usageMetadata and the price table' {
        $rows = Get-GeminiCost
        $total = $rows | Where-Object IsTotal
        $total | Should -HaveCount 1
        $rows[-1].IsTotal | Should -BeTrue -Because 'the grand total comes last'
        $total.Key | Should -Be 'Total'
        $total.Requests | Should -Be 6
        $total.Images | Should -Be 5
        $total.CostUsd | Should -Be (Get-ExpectedSum $Expected)
        $total.CostUsd | Should -BeGreaterThan 0.3
        $total.InputTokens | Should -Be ($Expected | Measure-Object InputTokens -Sum).Sum
        $total.OutputTokens | Should -Be (($Expected | Measure-Object TextOutputTokens -Sum).Sum + ($Expected | Measure-Object ImageOutputTokens -Sum).Sum)
        $total.ThinkingTokens | Should -Be ($Expected | Measure-Object ThinkingTokens -Sum).Sum
        $total.AverageCostPerImage | Should -Be ([math]::Round($total.CostUsd / 5, 6))
    }

    It 'groups by UTC day' {
        $groups = Get-GeminiCost -GroupBy Day | Where-Object { -not $_.IsTotal }
        $days = $Expected | Group-Object Day
        @($groups).Count | Should -Be @($days).Count
        foreach ($d in $days) {
            $g = $groups | Where-Object Key -eq $d.Name
            $g.Requests | Should -Be $d.Count
            $g.CostUsd | Should -Be (Get-ExpectedSum $d.Group)
            $g.GroupBy | Should -Be 'Day'
        }
    }

    It 'groups by model' {
        $groups = Get-GeminiCost -GroupBy Model | Where-Object { -not $_.IsTotal }
        @($groups.Key) | Should -Be @('gemini-3-pro-image', 'gemini-3.1-flash-image')
        foreach ($g in $groups) {
            $mine = @($Expected | Where-Object Model -eq $g.Key)
            $g.Requests | Should -Be $mine.Count
            $g.CostUsd | Should -Be (Get-ExpectedSum $mine)
        }
        ($groups | Where-Object Key -eq 'gemini-3-pro-image').Images | Should -Be 2
        ($groups | Where-Object Key -eq 'gemini-3.1-flash-image').Images | Should -Be 3
    }

    It 'groups by tag: a record counts under each of its tags, untagged under (none), the total once' {
        $rows = Get-GeminiCost Tag
        $groups = $rows | Where-Object { -not $_.IsTotal }
        @($groups.Key | Sort-Object) | Should -Be @('(none)', 'coast', 'pro', 'tall')
        foreach ($g in $groups) {
            $mine = if ($g.Key -eq '(none)') { @($Expected | Where-Object { $_.Tags.Count -eq 0 }) } else { @($Expected | Where-Object { $_.Tags -contains $g.Key }) }
            $g.Requests | Should -Be $mine.Count -Because "requests tagged $($g.Key)"
            $g.CostUsd | Should -Be (Get-ExpectedSum $mine) -Because "cost tagged $($g.Key)"
        }
        ($groups | Where-Object Key -eq 'coast').Requests | Should -Be 3
        ($rows | Where-Object IsTotal).CostUsd | Should -Be (Get-ExpectedSum $Expected)
    }

    It 'groups by cmdlet' {
        $groups = Get-GeminiCost -GroupBy Cmdlet | Where-Object { -not $_.IsTotal }
        $groups.Key | Should -Be 'New-GeminiImage'
        $groups.Requests | Should -Be 6
    }

    It 'filters by -Model and -Tag before totalling' {
        (Get-GeminiCost -Model gemini-3-pro-image | Where-Object IsTotal).CostUsd |
            Should -Be (Get-ExpectedSum @($Expected | Where-Object Model -eq 'gemini-3-pro-image'))
        (Get-GeminiCost -Tag tall | Where-Object IsTotal).Requests | Should -Be 1
    }

    It 'shows key, requests, images, cost and average per image in its table view' {
        $text = Get-GeminiCost -GroupBy Model | Out-String -Width 200
        $text | Should -Match 'Key\s+Requests\s+Images\s+Cost\s+PerImage'
        $text | Should -Match 'gemini-3-pro-image\s+2\s+2\s+\$0\.\d{4}\s+\$0\.\d{4}'
        $text | Should -Match '= Total\s+6\s+5'
    }
}

Describe 'Get-GeminiCost over history' {
    BeforeAll {
        $null = Enter-TestGeminiHome
        # 2025-03-03 is a Monday.
        Add-TestLedgerRecord -TimeUtc '2025-03-03T10:00:00' -Cost 0.10 -Tag a
        Add-TestLedgerRecord -TimeUtc '2025-03-05T23:59:59' -Cost 0.20 -Tag a, b -Model gemini-3-pro-image
        Add-TestLedgerRecord -TimeUtc '2025-03-10T00:00:00' -Cost 0.40 -Cmdlet Edit-GeminiImage
        Add-TestLedgerRecord -TimeUtc '2025-04-01T12:00:00' -Cost 0.80 -Tag '<b>html</b>'
        Add-TestLedgerRecord -TimeUtc '2025-04-01T13:00:00' -Cost $null -Model 'gemini-9-imaginary'
    }

    It 'groups by <GroupBy>' -TestCases @(
        @{ GroupBy = 'Day'; Keys = @('2025-03-03', '2025-03-05', '2025-03-10', '2025-04-01'); Costs = @(0.10, 0.20, 0.40, 0.80) }
        @{ GroupBy = 'Week'; Keys = @('2025-03-03', '2025-03-10', '2025-03-31'); Costs = @(0.30, 0.40, 0.80) }
        @{ GroupBy = 'Month'; Keys = @('2025-03', '2025-04'); Costs = @(0.70, 0.80) }
        @{ GroupBy = 'Cmdlet'; Keys = @('Edit-GeminiImage', 'New-GeminiImage'); Costs = @(0.40, 1.10) }
    ) {
        $groups = @(Get-GeminiCost -GroupBy $GroupBy | Where-Object { -not $_.IsTotal })
        @($groups.Key) | Should -Be $Keys
        @($groups.CostUsd) | Should -Be ([decimal[]]$Costs)
    }

    It 'counts an unpriced call as a request without cost' {
        $total = Get-GeminiCost | Where-Object IsTotal
        $total.Requests | Should -Be 5
        $total.UnpricedRequests | Should -Be 1
        $total.CostUsd | Should -Be 1.50
    }

    It '-Since is inclusive and -Until exclusive' {
        $since = [datetime]::SpecifyKind([datetime]'2025-03-05T23:59:59', 'Utc')
        $until = [datetime]::SpecifyKind([datetime]'2025-04-01T12:00:00', 'Utc')
        $total = Get-GeminiCost -Since $since -Until $until | Where-Object IsTotal
        $total.Requests | Should -Be 2
        $total.CostUsd | Should -Be 0.60
    }

    It '-Report writes an HTML page with the daily chart and the tables, escaping what it shows' {
        $path = Join-Path (New-TestFolder 'report') 'sub/spend.html'
        $rows = Get-GeminiCost -GroupBy Model -Report $path
        ($rows | Where-Object IsTotal).CostUsd | Should -Be 1.50 -Because 'the rows are still written'
        $path | Should -Exist
        $html = Get-Content -LiteralPath $path -Raw
        $html | Should -Match '<svg'
        $html | Should -Match '<rect class="bar"'
        foreach ($day in '2025-03-03', '2025-03-05', '2025-03-10', '2025-04-01') { $html | Should -Match $day }
        $html | Should -Match '<h2>By day</h2>'
        $html | Should -Match '<h2>By model</h2>'
        $html | Should -Match '<h2>By tag</h2>'
        $html | Should -Match 'gemini-3-pro-image'
        $html | Should -Match '&lt;b&gt;html&lt;/b&gt;'
        $html | Should -Not -Match '<b>html'
    }

    It '-Report does not replace an existing file without -Force' {
        $path = Join-Path (New-TestFolder 'report') 'spend.html'
        Set-Content -LiteralPath $path -Value 'last month'
        $err = $null
        $rows = Get-GeminiCost -Report $path -ErrorVariable err -ErrorAction SilentlyContinue
        $rows | Should -Not -BeNullOrEmpty -Because 'the totals are still written'
        $err[0].FullyQualifiedErrorId | Should -BeLike 'GeminiImage.OutputExists*'
        "$($err[0].CategoryInfo.Category)" | Should -Be 'ResourceExists'
        $err[0].TargetObject | Should -Be $path
        Get-Content -LiteralPath $path | Should -Be 'last month'
        $null = Get-GeminiCost -Report $path -Force
        Get-Content -LiteralPath $path -Raw | Should -Match '<svg'
    }

    It '-Report -WhatIf writes no file' {
        $path = Join-Path (New-TestFolder 'report') 'spend.html'
        $null = Get-GeminiCost -Report $path -WhatIf
        $path | Should -Not -Exist
    }

    It 'returns only a zero total for an empty data folder, and creates no ledger there' {
        $null = Enter-TestGeminiHome
        $rows = @(Get-GeminiCost)
        $rows.Count | Should -Be 1
        $rows[0].IsTotal | Should -BeTrue
        $rows[0].CostUsd | Should -Be 0
        Join-Path $env:GEMINI_IMAGE_HOME 'usage.db' | Should -Not -Exist
    }
}
