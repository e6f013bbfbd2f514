BeforeAll {
    . (Join-Path $PSScriptRoot 'common.ps1')
    . (Join-Path $PSScriptRoot 'LedgerTestHelpers.ps1')
    $null = Enter-TestGeminiHome

    # $true when $Text occurs in the file, as UTF-8/ASCII or as UTF-16, ignoring case.
    function Test-FileContains([string] $Path, [string] $Text) {
        $haystack = [System.Text.Encoding]::Latin1.GetString([System.IO.File]::ReadAllBytes($Path))
        foreach ($encoding in [System.Text.Encoding]::UTF8, [System.Text.Encoding]::Unicode) {
            $needle = [System.Text.Encoding]::Latin1.GetString($encoding.GetBytes($Text))
            if ($haystack.IndexOf($needle, [System.StringComparison]::OrdinalIgnoreCase) -ge 0) { return $true }
        }
        $false
    }
}
AfterAll {
    Stop-GeminiEmulator
    Exit-TestGeminiHome
}

Describe 'Get-GeminiUsage' {
    BeforeAll {
        $null = Enter-TestGeminiHome
        $script:Emulator = Start-TestEmulator
        $Emulator.Reset()
        $script:Out = New-TestFolder 'usage-out'
        $null = New-GeminiImage 'first fox' -OutputDirectory $Out -Tag red
        $null = New-GeminiImage 'second fox' -OutputDirectory $Out -Tag red, arctic -AspectRatio 16:9
        $null = New-GeminiImage 'third fox' -OutputDirectory $Out -Model gemini-3-pro-image
        $null = New-GeminiImage 'fox crossing [emulator:block]' -OutputDirectory $Out -Tag red -ErrorAction SilentlyContinue
        $null = New-GeminiImage 'a very private fox prompt' -OutputDirectory $Out -NoPromptLogging
    }

    It 'returns one record object per call, oldest first' {
        $records = Get-GeminiUsage
        @($records).Count | Should -Be 5
        $records[0] | Should -BeOfType ([GeminiImage.Cmdlets.Infrastructure.GeminiUsageView])
        @($records.Id) | Should -Be @($records.Id | Sort-Object)
        $records[0].Prompt | Should -Be 'first fox'
        $records[0].Cmdlet | Should -Be 'New-GeminiImage'
        $records[0].Operation | Should -Be 'Generate'
        $records[0].Status | Should -Be 'Success'
        $records[0].Images | Should -Be 1
        $records[0].ImageOutputTokens | Should -Be 1120
        $records[0].CostUsd | Should -BeGreaterThan 0.067
        $records[0].TimeUtc.Kind | Should -Be 'Utc'
        $records[0].Tags | Should -Be 'red'
        $records[0].OutputPath | Should -Exist
        $records[0].MachineName | Should -Be ([Environment]::MachineName)
        $records[1].Tags | Should -Be 'red,arctic'
    }

    It 'records a blocked prompt with status Blocked, its error id, no image and no output file' {
        $blocked = Get-GeminiUsage | Where-Object Prompt -like 'fox crossing*'
        $blocked | Should -HaveCount 1
        $blocked.Status | Should -Be 'Blocked'
        $blocked.ErrorId | Should -Be 'GeminiImage.PromptBlocked'
        $blocked.Images | Should -Be 0
        $blocked.ImageOutputTokens | Should -Be 0
        $blocked.InputTokens | Should -BeGreaterThan 0
        $blocked.OutputPath | Should -BeNullOrEmpty
    }

    It '-NoPromptLogging leaves the prompt text out of the ledger' {
        $last = Get-GeminiUsage -Last 1
        $last.Prompt | Should -BeNullOrEmpty
        $last.Status | Should -Be 'Success'
        $last.CostUsd | Should -BeGreaterThan 0
        Test-FileContains (Join-Path $env:GEMINI_IMAGE_HOME 'usage.db') 'a very private fox prompt' | Should -BeFalse
        ($last | Out-String -Width 200) | Should -Match '\(not logged\)'
    }

    It 'filters by -Model, -Tag and -Last' {
        (Get-GeminiUsage -Model gemini-3-pro-image).Prompt | Should -Be 'third fox'
        (Get-GeminiUsage -Model models/GEMINI-3-PRO-IMAGE).Prompt | Should -Be 'third fox'
        @(Get-GeminiUsage -Tag RED).Count | Should -Be 3
        @(Get-GeminiUsage -Tag arctic).Prompt | Should -Be 'second fox'
        @(Get-GeminiUsage -Tag red -Last 2).Prompt | Should -Be @('second fox', 'fox crossing [emulator:block]')
        Get-GeminiUsage -Model gemini-3.1-flash-lite-image | Should -BeNullOrEmpty
    }

    It 'filters by -Since and -Until, reading a date without a zone as local time' {
        $all = Get-GeminiUsage
        $cut = $all[2].TimeUtc
        @(Get-GeminiUsage -Since $cut).Count | Should -Be 3
        @(Get-GeminiUsage -Until $cut).Count | Should -Be 2
        @(Get-GeminiUsage -Since $cut.ToLocalTime()).Count | Should -Be 3 -Because 'a local time is the same instant'
        $unspecified = [datetime]::SpecifyKind($cut.ToLocalTime(), 'Unspecified')
        @(Get-GeminiUsage -Since $unspecified).Count | Should -Be 3 -Because 'an unzoned date is local time'
        Get-GeminiUsage -Since (Get-Date).AddMinutes(5) | Should -BeNullOrEmpty
    }

    It 'round-trips through Export-Csv with readable columns' {
        $csv = Join-Path $Out 'usage.csv'
        Get-GeminiUsage | Export-Csv -LiteralPath $csv -NoTypeInformation
        $rows = Import-Csv -LiteralPath $csv
        @($rows).Count | Should -Be 5
        $rows[1].Tags | Should -Be 'red,arctic'
        $rows[1].Model | Should -Be 'gemini-3.1-flash-image'
        [decimal]$rows[0].CostUsd | Should -Be (Get-GeminiUsage)[0].CostUsd
        (Get-Content -LiteralPath $csv -Raw) | Should -Not -Match 'System\.Collections'
    }

    It 'pipes into the image cmdlets by Path, and sums by Cost like image results' {
        # Records of calls that saved a file (with -NoPromptLogging the ledger keeps only the folder).
        $records = Get-GeminiUsage | Where-Object { $_.Path -and $_.Prompt }
        @($records).Count | Should -Be 3
        $err = $null
        $info = $records | Get-GeminiImageInfo -ErrorVariable err
        $err | Should -BeNullOrEmpty
        @($info.Path) | Should -Be @($records.OutputPath)
        $sum = (Get-GeminiUsage | Measure-Object Cost -Sum).Sum
        $sum | Should -BeGreaterThan 0
        $sum | Should -Be ((Get-GeminiUsage).CostUsd | Measure-Object -Sum).Sum
        (Get-GeminiCost).Cost | Should -Be (Get-GeminiCost).CostUsd
    }

    It 'shows time, model, status, images, cost and the start of the prompt in its table view' {
        $text = Get-GeminiUsage | Out-String -Width 200
        $text | Should -Match 'Time\s+Model\s+Status\s+Images\s+Cost\s+Prompt'
        $text | Should -Match '\d{4}-\d\d-\d\d \d\d:\d\d\s+gemini-3\.1-flash-image\s+Success\s+1\s+\$0\.\d{4}\s+first fox'
        $text | Should -Match 'Blocked\s+0'
    }

    It 'returns nothing, and creates no ledger, in an empty data folder' {
        $saved = $env:GEMINI_IMAGE_HOME
        try {
            $env:GEMINI_IMAGE_HOME = New-TestFolder 'empty-home'
            Get-GeminiUsage | Should -BeNullOrEmpty
            Join-Path $env:GEMINI_IMAGE_HOME 'usage.db' | Should -Not -Exist
        }
        finally { $env:GEMINI_IMAGE_HOME = $saved }
    }

    It 'a damaged ledger is GeminiImage.LedgerUnavailable (ReadError, the file as target), from Get-GeminiUsage, Get-GeminiCost and Export-GeminiUsage' {
        $saved = $env:GEMINI_IMAGE_HOME
        try {
            $env:GEMINI_IMAGE_HOME = New-TestFolder 'damaged-home'
            $db = Join-Path $env:GEMINI_IMAGE_HOME 'usage.db'
            [IO.File]::WriteAllBytes($db, [byte[]](1..4096 | ForEach-Object { $_ % 251 }))
            $csv = Join-Path (New-TestFolder 'damaged-export') 'usage.csv'
            foreach ($call in @{ Command = 'Get-GeminiUsage'; With = @{} }, @{ Command = 'Get-GeminiCost'; With = @{} }, @{ Command = 'Export-GeminiUsage'; With = @{ LiteralPath = $csv } }) {
                $err = $null
                $with = $call.With
                & $call.Command @with -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
                @($err).Count | Should -Be 1 -Because "$($call.Command) writes one error"
                $err[0].FullyQualifiedErrorId | Should -BeLike 'GeminiImage.LedgerUnavailable*'
                $err[0].CategoryInfo.Category | Should -Be 'ReadError'
                $err[0].TargetObject | Should -Be $db
                $err[0].Exception.GetType().Name | Should -Be 'LedgerUnavailableException'
                $err[0].ErrorDetails.RecommendedAction | Should -Match 'GEMINI_IMAGE_HOME'
            }
        }
        finally { $env:GEMINI_IMAGE_HOME = $saved }
    }
}

Describe 'Attribution to a project: -Project, a batch Project column and the UsageProject setting' {
    BeforeAll {
        $null = Enter-TestGeminiHome
        $script:Emulator = Start-TestEmulator
        $script:Out = New-TestFolder 'project-out'
    }
    AfterEach { Set-GeminiConfig -UsageProject '' }

    It 'charges each batch row to its Project column, and rows without one to -Project' {
        $csv = Join-Path (New-TestFolder 'project-csv') 'rows.csv'
        Set-Content -LiteralPath $csv -Value @('Id,Prompt,Project', 'a,a red fox,Apollo', 'b,a blue fox,', 'c,a green fox, Hermes ')
        $null = Invoke-GeminiBatch -Path $csv -OutputDirectory (Join-Path $Out 'batch') -Project Zeus
        $byRow = @{}; Get-GeminiUsage | Where-Object Cmdlet -eq 'Invoke-GeminiBatch' | ForEach-Object { $byRow[$_.Prompt] = $_.Project }
        $byRow['a red fox'] | Should -Be 'Apollo'
        $byRow['a blue fox'] | Should -Be 'Zeus'
        $byRow['a green fox'] | Should -Be 'Hermes'
        (Get-GeminiCost -GroupBy Project | Where-Object Key -eq 'Apollo').Requests | Should -Be 1
    }

    It 'charges calls without -Project to the UsageProject setting, which Get-GeminiConfig shows; -Project wins' {
        Set-GeminiConfig -UsageProject Athena
        (Get-GeminiConfig).UsageProject | Should -Be 'Athena'
        $null = New-GeminiImage 'an owl by night' -OutputDirectory $Out
        $null = New-GeminiImage 'an owl by day' -OutputDirectory $Out -Project Ares
        (Get-GeminiUsage -Last 2).Project | Should -Be @('Athena', 'Ares')
        (Get-GeminiConfig).Project | Should -BeNullOrEmpty   # not the Vertex AI project
    }

    It 'keeps UsageProject with a saved profile' {
        Set-GeminiConfig -Profile shop -BaseUri $Emulator.BaseUri -UsageProject Shop -Save
        $saved = Get-Content -Raw (Join-Path $env:GEMINI_IMAGE_HOME 'profiles.json') | ConvertFrom-Json
        $saved.Profiles.shop.UsageProject | Should -Be 'Shop'
        $null = New-GeminiImage 'a shop sign' -OutputDirectory $Out -Profile shop
        (Get-GeminiUsage -Last 1).Project | Should -Be 'Shop'
    }
}

Describe 'The ledger never contains the API key' {
    BeforeAll {
        Stop-GeminiEmulator   # the session must not carry the emulator's key: the env key is tested here
        $null = Enter-TestGeminiHome
        $script:KeyEmulator = (Get-GeminiType GeminiImage.Emulator.GeminiEmulator)::Start((@{ AcceptAnyKey = $true } -as (Get-GeminiType GeminiImage.Emulator.EmulatorOptions)))
        $script:ParamKey = 'AIzaSyPARAM' + [guid]::NewGuid().ToString('N')
        $script:EnvKey = 'AIzaSyENVKEY' + [guid]::NewGuid().ToString('N')
        $script:SavedKey = $env:GEMINI_API_KEY
        $env:GEMINI_API_KEY = $EnvKey
        $out = New-TestFolder 'key-out'
        $secure = ConvertTo-SecureString $ParamKey -AsPlainText -Force
        $base = $KeyEmulator.BaseUri
        # Keys pasted into prompts (the worst case) are scrubbed too.
        $null = New-GeminiImage "a poster that reads $ParamKey in neon" -ApiKey $secure -BaseUri $base -OutputDirectory $out -Tag keyed
        $null = New-GeminiImage "a sign that reads $EnvKey on a wall" -BaseUri $base -OutputDirectory $out -Tag keyed
        $null = New-GeminiImage "blocked $EnvKey [emulator:block]" -BaseUri $base -OutputDirectory $out -ErrorAction SilentlyContinue
    }
    AfterAll {
        $env:GEMINI_API_KEY = $SavedKey
        $KeyEmulator.Stop()
    }

    It 'sent both keys (parameter and environment) to the API' {
        $KeyEmulator.RequestCount | Should -Be 3
        ($KeyEmulator.Requests | Where-Object ApiKeyPresent).Count | Should -Be 3
    }

    It 'stores the records with the key replaced by ***' {
        $records = Get-GeminiUsage
        @($records).Count | Should -Be 3
        $records[0].Prompt | Should -Be 'a poster that reads *** in neon'
        $records[1].Prompt | Should -Be 'a sign that reads *** on a wall'
        $records[2].Status | Should -Be 'Blocked'
    }

    It 'has neither key in any byte of the data folder (usage.db, WAL, pending file) nor in the temp pending file' {
        $files = @(Get-ChildItem -LiteralPath $env:GEMINI_IMAGE_HOME -Recurse -File)
        $files.Name | Should -Contain 'usage.db'
        foreach ($file in $files) {
            Test-FileContains $file.FullName $ParamKey | Should -BeFalse -Because "$($file.Name) must not hold the -ApiKey key"
            Test-FileContains $file.FullName $EnvKey | Should -BeFalse -Because "$($file.Name) must not hold the GEMINI_API_KEY key"
        }
        $tempPending = Join-Path ((Get-GeminiType GeminiImage.Engine.Ledger.DataFolder)::Temp) 'usage-pending.jsonl'
        if (Test-Path -LiteralPath $tempPending) {
            Test-FileContains $tempPending $ParamKey | Should -BeFalse
            Test-FileContains $tempPending $EnvKey | Should -BeFalse
        }
    }
}

Describe 'Concurrent writers' {
    BeforeAll {
        $null = Enter-TestGeminiHome
        $script:Emulator = Start-TestEmulator
        $Emulator.Reset()
    }

    It '4 fresh pwsh processes x 50 calls each leave 200 records, none pending' {
        # The ledger under parallel writers is the subject, not image size: a small answer keeps 200 calls quick.
        $Emulator.ImageFile = Join-Path $RepoRoot 'tests/unit/data/images/big.png'
        $work = New-TestFolder 'writers'
        $script = Join-Path $work 'writer.ps1'
        Set-Content -LiteralPath $script -Encoding utf8 -Value @'
param([string] $ModulePath, [string] $Out, [int] $Worker)
$ErrorActionPreference = 'Stop'
Import-Module $ModulePath
$images = New-GeminiImage "writer $Worker" -Count 50 -OutputDirectory $Out -Tag "writer$Worker" -WarningVariable warned
"images=$(@($images).Count) warnings=$(@($warned).Count)"
'@
        # Under `dotnet pwsh` the process is dotnet and pwsh.dll is its first argument.
        $environment = @{ GEMINI_BASE_URL = $Emulator.BaseUri.ToString(); GEMINI_API_KEY = $Emulator.ApiKey; GEMINI_IMAGE_HOME = $env:GEMINI_IMAGE_HOME }
        $children = foreach ($worker in 1..4) {
            Start-TestPwsh -Name "writer $worker" -File $script -Environment $environment -ArgumentList '-ModulePath', $ModulePath, '-Out', (Join-Path $work "out$worker"), '-Worker', $worker
        }
        # A wide bound: the subject is the records, not speed.
        foreach ($c in $children) { Wait-TestPwsh $c -TimeoutSec 300 | Should -Be 'images=50 warnings=0' -Because "$($c.Name) output" }

        $Emulator.RequestCount | Should -Be 200
        $records = Get-GeminiUsage
        @($records).Count | Should -Be 200
        @($records.RecordId | Select-Object -Unique).Count | Should -Be 200
        foreach ($worker in 1..4) { @(Get-GeminiUsage -Tag "writer$worker").Count | Should -Be 50 }
        Join-Path $env:GEMINI_IMAGE_HOME 'usage-pending.jsonl' | Should -Not -Exist
        (Get-GeminiCost | Where-Object IsTotal).CostUsd | Should -Be (Get-DecimalSum $records)
    }
}
