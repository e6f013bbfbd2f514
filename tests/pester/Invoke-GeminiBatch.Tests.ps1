BeforeAll {
    . (Join-Path $PSScriptRoot 'common.ps1')
    # Keep the user's ledger and job manifests out of it.
    $script:SavedHome = $env:GEMINI_IMAGE_HOME
    $env:GEMINI_IMAGE_HOME = New-TestFolder 'home'
    $script:Emulator = Start-TestEmulator

    function New-TaskCsv([string] $Folder, [object[]] $Rows) {
        $path = Join-Path $Folder 'tasks.csv'
        $Rows | ForEach-Object { [pscustomobject]$_ } | Export-Csv -LiteralPath $path -NoTypeInformation
        $path
    }
}
AfterAll {
    Stop-GeminiEmulator
    $env:GEMINI_IMAGE_HOME = $SavedHome
}

Describe 'Invoke-GeminiBatch (local)' {
    BeforeEach {
        $Emulator.Reset()
        $Emulator.Latency = [timespan]::Zero
        $Emulator.HoldBatches = $false
        $script:Work = New-TestFolder 'batch'
        $script:Out = Join-Path $Work 'out'
        Copy-Item (Join-Path $RepoRoot 'tests/unit/data/images/good.png') (Join-Path $Work 'cat.png')
        $script:Csv = New-TaskCsv $Work @(
            @{ Id = 'fox'; Prompt = 'a red fox <b>bold</b> & co'; Image = ''; AspectRatio = '16:9' }
            @{ Id = 'edit'; Prompt = 'make it blue'; Image = 'cat.png'; AspectRatio = '' }
            @{ Id = 'empty'; Prompt = ''; Image = ''; AspectRatio = '' }
            @{ Id = 'fox'; Prompt = 'duplicate id'; Image = ''; AspectRatio = '' }
            @{ Id = 'ratio'; Prompt = 'bad ratio'; Image = ''; AspectRatio = '5:7' }
            @{ Id = 'noimg'; Prompt = 'missing image'; Image = 'nope.png'; AspectRatio = '' }
            @{ Id = 'blocked'; Prompt = '[emulator:block] nope'; Image = ''; AspectRatio = '' }
        )
    }

    It 'a CSV without a Prompt column names the columns found and suggests the delimiter; an empty file and a folder say so; nothing sent (issue 15)' {
        Set-Content -LiteralPath (Join-Path $Work 'semi.csv') -Value "Prompt;Model`na fox;gemini-3.1-flash-image"
        Set-Content -LiteralPath (Join-Path $Work 'noprompt.csv') -Value "Text,Model`na fox,gemini-3.1-flash-image"
        Set-Content -LiteralPath (Join-Path $Work 'header.csv') -Value 'Id,Prompt'
        [System.IO.File]::WriteAllText((Join-Path $Work 'empty.csv'), '')
        $cases = @(
            @{ File = 'semi.csv'; Id = 'GeminiImage.BatchNoPromptColumn'; Category = 'InvalidData'; Text = "columns found are 'Prompt;Model'.*separated by semicolons.*-Delimiter ';'" }
            @{ File = 'noprompt.csv'; Id = 'GeminiImage.BatchNoPromptColumn'; Category = 'InvalidData'; Text = "columns found are 'Text', 'Model'" }
            @{ File = 'header.csv'; Id = 'GeminiImage.BatchFileEmpty'; Category = 'InvalidData'; Text = 'has no rows' }
            @{ File = 'empty.csv'; Id = 'GeminiImage.BatchFileEmpty'; Category = 'InvalidData'; Text = 'has no rows' }
            @{ File = 'folder'; Id = 'GeminiImage.BatchFileNotFound'; Category = 'ObjectNotFound'; Text = 'is a folder, not a batch file' }
        )
        New-Item -ItemType Directory -Path (Join-Path $Work 'folder') | Out-Null
        foreach ($case in $cases) {
            $path = Join-Path $Work $case.File
            $err = { Invoke-GeminiBatch -Path $path -OutputDirectory $Out } | Should -Throw -ErrorId "$($case.Id)*" -PassThru -Because $case.File
            "$($err.CategoryInfo.Category)" | Should -Be $case.Category -Because $case.File
            $err.TargetObject | Should -Be $path
            $err.Exception.Message | Should -Match $case.Text
        }
        $Emulator.RequestCount | Should -Be 0
    }

    It 'runs the good rows, reports the bad ones, and matches results to rows by id' {
        $results = Invoke-GeminiBatch -Path $Csv -OutputDirectory $Out -ThrottleLimit 3 -ErrorVariable errs -ErrorAction SilentlyContinue
        $byId = @{}; $results | Where-Object Status -ne Invalid | ForEach-Object { $byId[$_.Id] = $_ }
        $byId['fox'].Status | Should -Be 'Succeeded'
        $byId['fox'].Prompt | Should -Be 'a red fox <b>bold</b> & co'
        $byId['fox'].AspectRatio | Should -Be '16:9'
        $byId['fox'].Path | Should -Be (Join-Path $Out 'fox.png')
        $byId['fox'].Path | Should -Exist
        $byId['fox'].Cost | Should -BeGreaterThan 0
        $byId['edit'].Status | Should -Be 'Succeeded'
        $byId['blocked'].Status | Should -Be 'Blocked'
        $byId['blocked'].Error | Should -Not -BeNullOrEmpty
        $invalid = @($results | Where-Object Status -eq Invalid)
        @($invalid.ErrorId | Sort-Object) | Should -Be @('GeminiImage.DuplicateRowId', 'GeminiImage.EmptyPrompt', 'GeminiImage.ImageNotFound', 'GeminiImage.InvalidAspectRatio')
        $missing = $errs | Where-Object { $_.TargetObject -eq 'noimg' }
        "$($missing.CategoryInfo.Category)" | Should -Be 'ObjectNotFound' -Because 'a missing image is ImageNotFound, as in Edit-GeminiImage' 
        @($errs.FullyQualifiedErrorId | ForEach-Object { $_.Split(',')[0] }) | Should -Contain 'GeminiImage.EmptyPrompt'
        # the edit row sent its image; nothing was sent for the invalid rows
        $Emulator.RequestCount | Should -Be 3
        @($Emulator.Requests | Where-Object Prompt -eq 'make it blue')[0].InputImageCount | Should -Be 1
    }

    It 'applies a Style column, with explicit columns winning, and refuses an unknown style before sending' {
        $csv = New-TaskCsv $Work @(
            @{ Id = 'styled'; Prompt = 'a smartwatch'; Style = 'product-white'; AspectRatio = '' }
            @{ Id = 'override'; Prompt = 'a mug'; Style = 'product-white'; AspectRatio = '16:9' }
            @{ Id = 'nostyle'; Prompt = 'a lamp'; Style = 'no-such-style'; AspectRatio = '' }
        )
        $results = Invoke-GeminiBatch -Path $csv -OutputDirectory $Out -ErrorAction SilentlyContinue
        $style = Get-GeminiStyle product-white
        $sent = @{}; $Emulator.Requests | ForEach-Object { $sent[$_.AspectRatio + '|' + $_.Prompt] = $_ }
        $Emulator.RequestCount | Should -Be 2
        $Emulator.Requests.Prompt | Should -Contain ($style.Template.Replace('{prompt}', 'a smartwatch'))
        ($Emulator.Requests | Where-Object { $_.Prompt -like '*a smartwatch*' }).AspectRatio | Should -Be $style.AspectRatio
        ($Emulator.Requests | Where-Object { $_.Prompt -like '*a mug*' }).AspectRatio | Should -Be '16:9'
        ($results | Where-Object Id -eq 'nostyle').ErrorId | Should -Be 'GeminiImage.StyleNotFound'
    }

    It 'writes batch-report.json and an HTML gallery that parse and escape the prompts; -Thumbnail shows previews' {
        $null = Invoke-GeminiBatch -Path $Csv -OutputDirectory $Out -Thumbnail -ErrorAction SilentlyContinue
        $report = Get-Content (Join-Path $Out 'batch-report.json') -Raw | ConvertFrom-Json
        $report.summary.total | Should -Be 7
        $report.summary.succeeded | Should -Be 2
        $report.summary.blocked | Should -Be 1
        $report.summary.invalid | Should -Be 4
        $report.summary.cost | Should -BeGreaterThan 0
        @($report.rows).Count | Should -Be 7
        $html = Get-Content (Join-Path $Out 'batch-report.html') -Raw
        $html | Should -Match 'a red fox &lt;b&gt;bold&lt;/b&gt; &amp; co'
        $html | Should -Not -Match '<b>bold</b>'
        $html | Should -Match 'src="thumbnails/fox.jpg"'
        Join-Path $Out 'thumbnails/fox.jpg' | Should -Exist
        # the whole page is well-formed enough for an XML reader once the doctype is removed
        { [xml]($html -replace '<!DOCTYPE html>', '') } | Should -Not -Throw
    }

    It 'still accepts -NoThumbnail from scripts written when previews were the default, and makes none' {
        $results = @(@{ Id = 'old'; Prompt = 'an old script' } | Invoke-GeminiBatch -OutputDirectory $Out -NoThumbnail)
        $results.Status | Should -Be 'Succeeded'
        Join-Path $Out 'thumbnails' | Should -Not -Exist
        (Get-Command Invoke-GeminiBatch).Parameters['NoThumbnail'].Attributes.DontShow | Should -Contain $true
    }

    It 'by default decodes no image for the report: the gallery shows every saved image, sized and loaded lazily' {
        $results = @(1..3 | ForEach-Object { @{ Id = "g$_"; Prompt = "gallery picture $_" } } | Invoke-GeminiBatch -OutputDirectory $Out)
        @($results | Where-Object Status -eq Succeeded).Count | Should -Be 3
        Join-Path $Out 'thumbnails' | Should -Not -Exist
        $results | Where-Object Thumbnail | Should -BeNullOrEmpty
        [xml]$page = (Get-Content (Join-Path $Out 'batch-report.html') -Raw) -replace '<!DOCTYPE html>', ''
        $images = @($page.SelectNodes('//img'))
        $images.Count | Should -Be 3
        foreach ($r in $results) {
            $img = $images | Where-Object alt -eq $r.Id
            $img.src | Should -Be ([IO.Path]::GetFileName($r.Path))
            $img.loading | Should -Be 'lazy'
            [int]$img.width | Should -Be $r.Width
            [int]$img.height | Should -Be $r.Height
            $r.Width | Should -BeGreaterThan 0
        }
    }

    It '-WhatIf sends nothing; -Strict refuses a file with bad rows' {
        Invoke-GeminiBatch -Path $Csv -OutputDirectory $Out -WhatIf -ErrorAction SilentlyContinue
        { Invoke-GeminiBatch -Path $Csv -OutputDirectory $Out -Strict -ErrorAction SilentlyContinue } | Should -Throw -ErrorId 'GeminiImage.BatchInvalidRows*'
        $Emulator.RequestCount | Should -Be 0
    }

    It 'refuses rows whose OutFile or Image leaves the folders, per row and before sending; -AllowAbsolutePaths opts out and -WhatIf lists them' {
        $outside = New-TestFolder 'outside'
        Copy-Item (Join-Path $RepoRoot 'tests/unit/data/images/good.png') (Join-Path $outside 'secret.png')
        $climb = '../../' + (Split-Path $outside -Leaf) + '/escaped-by-csv.png'
        $csv = New-TaskCsv $Work @(
            @{ Id = 'climb'; Prompt = 'climbs out'; Image = ''; OutFile = $climb }
            @{ Id = 'abs'; Prompt = 'absolute'; Image = ''; OutFile = (Join-Path $outside 'abs-by-csv.png') }
            @{ Id = 'read'; Prompt = 'reads outside'; Image = (Join-Path $outside 'secret.png'); OutFile = '' }
            @{ Id = 'ok'; Prompt = 'stays inside'; Image = 'cat.png'; OutFile = 'sub/ok.png' }
            @{ Id = 'a/b'; Prompt = 'slash id'; Image = ''; OutFile = '' }
            @{ Id = 'a_b'; Prompt = 'underscore id'; Image = ''; OutFile = '' }
        )
        $results = Invoke-GeminiBatch -Path $csv -OutputDirectory $Out -Thumbnail -ErrorVariable errs -ErrorAction SilentlyContinue 3>$null
        $byId = @{}; $results | ForEach-Object { $byId[$_.Id] = $_ }
        foreach ($id in 'climb', 'abs', 'read') {
            $byId[$id].Status | Should -Be 'Invalid'
            $byId[$id].ErrorId | Should -Be 'GeminiImage.PathOutsideRoot'
        }
        $byId['climb'].Error | Should -BeLike "*'$climb'*'..'*"
        @($errs | Where-Object TargetObject -eq 'climb')[0].Exception.Message | Should -BeLike "Row 1 (climb)*'$climb'*"
        $byId['abs'].Error | Should -BeLike '*absolute*'
        @($errs | Where-Object { $_.FullyQualifiedErrorId -like 'GeminiImage.PathOutsideRoot*' }).Count | Should -Be 3
        $byId['ok'].Status | Should -Be 'Succeeded'
        $byId['ok'].Path | Should -Be (Join-Path $Out 'sub/ok.png')
        # distinct ids, distinct files (and thumbnails)
        $byId['a/b'].Path | Should -Be (Join-Path $Out 'a%2Fb.png')
        $byId['a_b'].Path | Should -Be (Join-Path $Out 'a_b.png')
        $byId['a/b'].Thumbnail | Should -Not -BeNullOrEmpty
        $byId['a/b'].Thumbnail | Should -Not -Be $byId['a_b'].Thumbnail
        # nothing was sent for the refused rows, nothing was written outside
        $Emulator.RequestCount | Should -Be 3
        @(Get-ChildItem $outside).Name | Should -Be @('secret.png')
        Get-ChildItem -Recurse (Split-Path $Work) -Filter '*-by-csv.png' | Should -BeNullOrEmpty

        # -WhatIf speaks to the host: run it in a child to read what it says
        $whatIf = (Invoke-TestPwsh -Script "Import-Module '$ModulePath'; Invoke-GeminiBatch -Path '$csv' -OutputDirectory '$(Join-Path $Work 'trusted')' -AllowAbsolutePaths -WhatIf").Output
        $whatIf | Should -Match 'row 1 \(climb\)'
        $whatIf | Should -Match 'row 2 \(abs\)'
        $whatIf | Should -Match 'row 3 \(read\)'
        $whatIf | Should -Not -Match 'row 4 \(ok\)'
        $Emulator.RequestCount | Should -Be 3
    }

    It 'takes hashtables from the pipeline and names rows without an id by row number' {
        $results = @{ Prompt = 'one' }, @{ Prompt = 'two'; Id = 'second' } | Invoke-GeminiBatch -OutputDirectory $Out -AspectRatio 1:1
        $results.Id | Sort-Object | Should -Be @('row-1', 'second')
        $Emulator.Requests.AspectRatio | Should -Be @('1:1', '1:1')
    }

    It 'after a killed run, a re-run completes exactly the missing rows' {
        $rows = 1..24 | ForEach-Object { @{ Id = "r$_"; Prompt = "picture number $_" } }
        $csv = New-TaskCsv $Work $rows
        $Emulator.Latency = [timespan]::FromMilliseconds(400)
        $script = Join-Path $Work 'child.ps1'
        @"
`$ErrorActionPreference = 'Stop'
Import-Module '$ModulePath'
Invoke-GeminiBatch -Path '$csv' -OutputDirectory '$Out' -ThrottleLimit 2 | Out-Null
"@ | Set-Content -LiteralPath $script
        $exe = (Get-Process -Id $PID).Path
        # Under `dotnet pwsh` the process is dotnet itself; it needs pwsh.dll as its first argument.
        $prefix = @(if ([IO.Path]::GetFileNameWithoutExtension($exe) -eq 'dotnet') { [Environment]::GetCommandLineArgs()[0] })
        $saved = $env:GEMINI_BASE_URL, $env:GEMINI_API_KEY
        $env:GEMINI_BASE_URL = $Emulator.BaseUri.ToString(); $env:GEMINI_API_KEY = $Emulator.ApiKey
        try {
            $child = Start-Process -FilePath $exe -ArgumentList ($prefix + @('-NoProfile', '-NonInteractive', '-File', $script)) -PassThru `
                -RedirectStandardOutput (Join-Path $Work 'child.out') -RedirectStandardError (Join-Path $Work 'child.err')
        }
        finally { $env:GEMINI_BASE_URL, $env:GEMINI_API_KEY = $saved }
        $journal = Join-Path $Out 'batch-journal.jsonl'
        $deadline = [DateTime]::UtcNow.AddSeconds(40)
        while ([DateTime]::UtcNow -lt $deadline -and -not $child.HasExited) {
            if ((Test-Path $journal) -and @(Get-Content $journal).Count -ge 6) { break }
            Start-Sleep -Milliseconds 100
        }
        $child.HasExited | Should -BeFalse -Because "the child should still be running (stderr: $(Get-Content (Join-Path $Work 'child.err') -Raw))"
        $child.Kill()
        $child.WaitForExit()

        $completed = @(Get-Content $journal | Where-Object { $_ } | ForEach-Object { ($_ | ConvertFrom-Json).id })
        $completed.Count | Should -BeGreaterOrEqual 6
        $completed.Count | Should -BeLessThan 24
        Join-Path $Out 'batch-report.json' | Should -Not -Exist   # it never got that far
        @(Get-ChildItem $Out -Filter '*.tmp*').Count | Should -Be 0 -Because 'no half-written image is visible'
        $firstRun = $Emulator.RequestCount

        $Emulator.Latency = [timespan]::Zero
        $results = Invoke-GeminiBatch -Path $csv -OutputDirectory $Out -Resume -ThrottleLimit 4
        $rerunPrompts = @($Emulator.Requests | Select-Object -Skip $firstRun | ForEach-Object Prompt)
        $missing = @($rows | Where-Object { $_.Id -notin $completed } | ForEach-Object Prompt)
        ($rerunPrompts | Sort-Object) | Should -Be ($missing | Sort-Object)
        # no row the journal had completed was requested twice over both runs
        $counts = $Emulator.Requests | Group-Object Prompt -AsHashTable
        foreach ($id in $completed) { $counts["picture number $($id.Substring(1))"].Count | Should -Be 1 }
        @($results | Where-Object Status -eq Succeeded).Count | Should -Be 24
        @($results | Where-Object FromJournal).Count | Should -Be $completed.Count
        (Get-Content (Join-Path $Out 'batch-report.json') -Raw | ConvertFrom-Json).summary.succeeded | Should -Be 24
        @(Get-ChildItem $Out -Filter 'r*.png').Count | Should -Be 24
    }
}

Describe 'Invoke-GeminiBatch -Mode Server' {
    BeforeEach {
        $Emulator.Reset()
        $Emulator.Latency = [timespan]::Zero
        $script:Work = New-TestFolder 'server'
        $script:Out = Join-Path $Work 'out'
        $script:Csv = New-TaskCsv $Work @(
            @{ Id = 'ok1'; Prompt = 'a lighthouse at dusk' }
            @{ Id = 'ok2'; Prompt = 'a teapot' }
            @{ Id = 'bad'; Prompt = '[emulator:500] this row fails' }
        )
    }
    AfterEach { $Emulator.HoldBatches = $false }

    It 'goes from submit to receive, with a failed row and batch prices' {
        $Emulator.HoldBatches = $true
        $job = Invoke-GeminiBatch -Path $Csv -OutputDirectory $Out -Mode Server -DisplayName 'pester batch'
        $job.PSObject.TypeNames[0] | Should -Be 'GeminiImage.Engine.Batch.GeminiBatchJob'
        $job.State | Should -Be 'Pending'
        $job.RequestCount | Should -Be 3
        $job.InputMode | Should -Be 'Inline'
        (Get-GeminiBatchJob $job.Name).DisplayName | Should -Be 'pester batch'
        { $job | Receive-GeminiBatchJob -ErrorAction Stop } | Should -Throw -ErrorId 'GeminiImage.BatchNotFinished*'

        $Emulator.AdvanceBatch($job.Name) | Should -Be 'BATCH_STATE_RUNNING'
        $null = $Emulator.AdvanceBatch($job.Name)
        $done = $job | Wait-GeminiBatchJob -PollIntervalSec 0.2 -MaxWaitSec 20
        $done.State | Should -Be 'Succeeded'
        $done.FailedCount | Should -Be 1

        $results = $done | Receive-GeminiBatchJob -ErrorVariable errs -ErrorAction SilentlyContinue
        $byId = @{}; $results | ForEach-Object { $byId[$_.Id] = $_ }
        $byId['ok1'].Status | Should -Be 'Succeeded'
        $byId['ok1'].Path | Should -Be (Join-Path $Out 'ok1.png')
        $byId['ok1'].Path | Should -Exist
        $byId['bad'].Status | Should -Be 'Failed'
        $errs.Count | Should -Be 1

        # the same prompt run locally costs twice as much
        $local = Invoke-GeminiBatch -InputObject @{ Id = 'cmp'; Prompt = 'a lighthouse at dusk' } -OutputDirectory (Join-Path $Work 'local')
        [math]::Abs([double]$byId['ok1'].Cost - [double]$local.Cost / 2) | Should -BeLessThan 0.000002
        $report = Get-Content (Join-Path $Out 'batch-report.json') -Raw | ConvertFrom-Json
        $report.summary.mode | Should -Be 'Server'
        $report.summary.succeeded | Should -Be 2
        $report.summary.failed | Should -Be 1

        # receiving again saves and records nothing twice
        $again = $done | Receive-GeminiBatchJob -ErrorAction SilentlyContinue
        @($again | Where-Object FromJournal).Count | Should -Be 3
        @(Get-ChildItem $Out -Filter '*.png').Count | Should -Be 2
    }

    It 'refuses a server batch over budget before anything is uploaded' {
        $saved = $env:GEMINI_IMAGE_HOME
        $env:GEMINI_IMAGE_HOME = New-TestFolder 'server-budget-home'
        try {
            Set-GeminiBudget -Daily 0.01
            $job = Invoke-GeminiBatch -Path $Csv -OutputDirectory $Out -Mode Server -ErrorVariable errs -ErrorAction SilentlyContinue
            $job | Should -BeNullOrEmpty
            $errs[0].FullyQualifiedErrorId | Should -BeLike 'GeminiImage.BudgetExceeded*'
            $LASTEXITCODE | Should -Be 2
            @($Emulator.Requests | Where-Object { $_.Path -like '*batchGenerateContent*' -or $_.Path -like '/upload/*' }).Count | Should -Be 0
            (Get-GeminiBudget).SpentToday | Should -Be 0 -Because 'nothing was reserved for a refused job'
        }
        finally { $env:GEMINI_IMAGE_HOME = $saved }
    }

    It 'reserves the job when submitting and settles it when receiving; a re-run submits nothing' {
        $saved = $env:GEMINI_IMAGE_HOME
        $env:GEMINI_IMAGE_HOME = New-TestFolder 'server-idem-home'
        try {
            $Emulator.HoldBatches = $true
            $job = Invoke-GeminiBatch -Path $Csv -OutputDirectory $Out -Mode Server
            $LASTEXITCODE | Should -Be 0
            @(Get-GeminiUsage | Where-Object Status -eq 'Pending').Count | Should -Be 3 -Because 'the whole job is reserved before it is submitted'
            (Get-GeminiBudget).SpentToday | Should -BeGreaterThan 0

            # while the job runs, the same command submits nothing and hands back the job that holds the rows
            $again = Invoke-GeminiBatch -Path $Csv -OutputDirectory $Out -Mode Server -WarningAction SilentlyContinue
            $again.Name | Should -Be $job.Name
            @($Emulator.Requests | Where-Object Path -like '*batchGenerateContent*').Count | Should -Be 1

            $null = $Emulator.AdvanceBatch($job.Name); $null = $Emulator.AdvanceBatch($job.Name)
            $results = $job | Wait-GeminiBatchJob -PollIntervalSec 0.2 -MaxWaitSec 20 | Receive-GeminiBatchJob -ErrorAction SilentlyContinue
            @($results | Where-Object Status -eq Succeeded).Count | Should -Be 2
            @(Get-GeminiUsage | Where-Object Status -eq 'Pending').Count | Should -Be 0 -Because 'receiving settles every reservation'
            @(Get-GeminiUsage).Count | Should -Be 3
            $spent = (Get-GeminiBudget).SpentToday

            # received: only the failed row is submitted again
            $third = Invoke-GeminiBatch -Path $Csv -OutputDirectory $Out -Mode Server
            $third.RequestCount | Should -Be 1
            @($Emulator.Requests | Where-Object Path -like '*batchGenerateContent*').Count | Should -Be 2
            (Get-GeminiBudget).SpentToday | Should -BeGreaterThan $spent
        }
        finally { $env:GEMINI_IMAGE_HOME = $saved }
    }

    It 'cancels a job; its rows come back as not run' {
        $Emulator.HoldBatches = $true
        $job = Invoke-GeminiBatch -Path $Csv -OutputDirectory $Out -Mode Server
        $stopped = $job | Stop-GeminiBatchJob -PassThru
        $stopped.State | Should -Be 'Cancelled'
        (Get-GeminiBatchJob -Name $job.Id).State | Should -Be 'Cancelled'
        $results = Receive-GeminiBatchJob -Name $job.Name -ErrorVariable errs -ErrorAction SilentlyContinue
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'GeminiImage.BatchJobNotCompleted*'
        @($results).Count | Should -Be 3
        @($results.Status | Select-Object -Unique) | Should -Be @('NotRun')
        $Emulator.Requests.Path | Should -Not -Contain '/v1beta/models/gemini-3.1-flash-image:generateContent'
    }

    It 'a failed job says why: Wait-GeminiBatchJob, Get-GeminiBatchJob and its rows show the operation error' {
        $csv = New-TaskCsv $Work @(
            @{ Id = 'f1'; Prompt = 'a vase [emulator:batchfail]' }
            @{ Id = 'f2'; Prompt = 'a cup' }
        )
        $job = Invoke-GeminiBatch -Path $csv -OutputDirectory $Out -Mode Server
        $err = $null
        $done = $job | Wait-GeminiBatchJob -PollIntervalSec 0.2 -MaxWaitSec 20 -ErrorVariable err -ErrorAction SilentlyContinue
        $done.State | Should -Be 'Failed'
        $done.Error | Should -Match '^code 13: Batch job failed'
        $err[0].FullyQualifiedErrorId | Should -BeLike 'GeminiImage.BatchJobFailed*'
        $err[0].Exception.Message | Should -Match 'ended as Failed: code 13: Batch job failed'
        $warn = $null
        $null = Get-GeminiBatchJob $job.Name -WarningVariable warn -WarningAction SilentlyContinue
        "$warn" | Should -Match 'ended as Failed: code 13'
        $rows = @(Receive-GeminiBatchJob -Name $job.Name -ErrorAction SilentlyContinue)
        $rows.Count | Should -Be 2
        $rows | ForEach-Object { $_.Error | Should -Match 'Failed without a result for this row \(code 13: Batch job failed' }
    }
}

Describe 'Invoke-GeminiBatch budgets under concurrency' {
    BeforeEach {
        $Emulator.Reset()
        $Emulator.Latency = [timespan]::Zero
        $script:Work = New-TestFolder 'budget'
        # What one image costs, measured before the budget's own data folder is set up.
        $script:Estimate = [decimal](Invoke-GeminiBatch -InputObject @{ Prompt = 'probe' } -OutputDirectory (Join-Path $Work 'probe')).Cost
        $Estimate | Should -BeGreaterThan 0
        $Emulator.Reset()
        # Each test spends into its own data folder, so earlier tests' spend does not count.
        $script:SavedBudgetHome = $env:GEMINI_IMAGE_HOME
        $env:GEMINI_IMAGE_HOME = New-TestFolder 'budget-home'
    }
    AfterEach {
        $Emulator.Latency = [timespan]::Zero
        $env:GEMINI_IMAGE_HOME = $SavedBudgetHome
    }

    It '16 concurrent rows against a one-image budget send at most one request' {
        Set-GeminiBudget -Daily ([math]::Round($Estimate * 1.5, 4))
        $Emulator.Latency = [timespan]::FromMilliseconds(1500)
        $rows = 1..16 | ForEach-Object { @{ Id = "r$_"; Prompt = "budget picture $_" } }
        $results = $rows | Invoke-GeminiBatch -OutputDirectory (Join-Path $Work 'out') -ThrottleLimit 16 -ErrorVariable errs -ErrorAction SilentlyContinue -WarningVariable warns -WarningAction SilentlyContinue
        $Emulator.RequestCount | Should -Be 1
        @($results | Where-Object Status -eq Succeeded).Count | Should -Be 1
        # Rows refused by the budget come out as NotRun before the stopping error; rows never started are only in the report.
        @($results | Where-Object Status -notin 'Succeeded', 'NotRun').Count | Should -Be 0
        (Get-Content (Join-Path $Work 'out/batch-report.json') -Raw | ConvertFrom-Json).summary.notRun | Should -Be 15
        @($errs.FullyQualifiedErrorId | Where-Object { $_ -like 'GeminiImage.BudgetExceeded*' }).Count | Should -BeGreaterThan 0
        $budget = Get-GeminiBudget
        $budget.RemainingToday | Should -BeGreaterOrEqual 0
        @($warns | Where-Object { "$_" -like '*near the daily budget*' }).Count | Should -BeLessOrEqual 1
    }

    It 'costs per batch (Get-GeminiCost -GroupBy Batch) and a report per run that counts this run only' {
        $out = Join-Path $Work 'out'
        $first = @{ Id = 'a'; Prompt = 'first run' } | Invoke-GeminiBatch -OutputDirectory $out
        Start-Sleep -Seconds 1   # one report per run, named by its start second
        $second = @(@{ Id = 'a'; Prompt = 'first run' }, @{ Id = 'b'; Prompt = 'second run' }) | Invoke-GeminiBatch -OutputDirectory $out
        $groups = Get-GeminiCost -GroupBy Batch | Where-Object { -not $_.IsTotal }
        @($groups).Count | Should -Be 2
        ($groups | Where-Object Key -eq $first.BatchId).Requests | Should -Be 1
        ($groups | Where-Object Key -eq ($second | Where-Object Id -eq 'b').BatchId).Requests | Should -Be 1
        @(Get-ChildItem -LiteralPath $out -Filter 'batch-report-*.json').Count | Should -Be 2
        $latest = (Get-Content (Join-Path $out 'batch-report.json') -Raw | ConvertFrom-Json).summary
        $latest.cost | Should -Be ($second | Where-Object Id -eq 'b').Cost -Because 'the resumed row was paid for by the first run'
        $latest.successRate | Should -Be 1
        $latest.attempted | Should -Be 1
    }

    It 'two processes racing at a budget together stay within it' {
        $daily = [math]::Round($Estimate * 3.5, 4)
        Set-GeminiBudget -Daily $daily
        $Emulator.Latency = [timespan]::FromMilliseconds(1500)
        $exe = (Get-Process -Id $PID).Path
        $prefix = @(if ([IO.Path]::GetFileNameWithoutExtension($exe) -eq 'dotnet') { [Environment]::GetCommandLineArgs()[0] })
        $saved = $env:GEMINI_BASE_URL, $env:GEMINI_API_KEY
        $env:GEMINI_BASE_URL = $Emulator.BaseUri.ToString(); $env:GEMINI_API_KEY = $Emulator.ApiKey
        try {
            $children = foreach ($n in 1, 2) {
                $script = Join-Path $Work "child$n.ps1"
                @"
Import-Module '$ModulePath'
1..6 | ForEach-Object { @{ Id = "p$n-`$_"; Prompt = "process $n picture `$_" } } | Invoke-GeminiBatch -OutputDirectory '$(Join-Path $Work "out$n")' -ThrottleLimit 6 -ErrorAction SilentlyContinue | Out-Null
"@ | Set-Content -LiteralPath $script
                Start-Process -FilePath $exe -ArgumentList ($prefix + @('-NoProfile', '-NonInteractive', '-File', $script)) -PassThru `
                    -RedirectStandardOutput (Join-Path $Work "child$n.out") -RedirectStandardError (Join-Path $Work "child$n.err")
            }
        }
        finally { $env:GEMINI_BASE_URL, $env:GEMINI_API_KEY = $saved }
        foreach ($c in $children) { if (-not $c.WaitForExit(120000)) { $c.Kill(); throw 'a child batch did not finish' } }
        $Emulator.RequestCount | Should -BeLessOrEqual 3
        $Emulator.RequestCount | Should -BeGreaterThan 0
        (Get-GeminiBudget).SpentToday | Should -BeLessOrEqual $daily
        @(Get-GeminiUsage | Where-Object Status -eq 'Pending').Count | Should -Be 0 -Because 'every reservation was settled'
    }
}

Describe 'Invoke-GeminiBatch exit codes for schedulers' {
    BeforeAll {
        $script:Work = New-TestFolder 'exit'
        $rows = @(@{ Id = 'a'; Prompt = 'a kite' }, @{ Id = 'b'; Prompt = 'a boat' })
        $script:GoodCsv = Join-Path $Work 'good.csv'
        $rows | ForEach-Object { [pscustomobject]$_ } | Export-Csv -LiteralPath $GoodCsv -NoTypeInformation
        $script:MixedCsv = Join-Path $Work 'mixed.csv'
        @(@{ Id = 'a'; Prompt = 'a kite' }, @{ Id = 'blocked'; Prompt = '[emulator:block] no' }) | ForEach-Object { [pscustomobject]$_ } |
            Export-Csv -LiteralPath $MixedCsv -NoTypeInformation
        $script:Budgeted = New-TestFolder 'exit-home'
        $exe, $lead = Get-TestPowerShell
        $script:PwshExe = $exe; $script:PwshLead = @($lead | Where-Object { $_ })
        # Runs a line in a child pwsh with -File or -Command, the documented way: `...; exit $LASTEXITCODE`.
        function Get-ChildExitCode([string] $Line, [string] $Mode, [string] $DataHome) {
            $text = "Import-Module '$ModulePath'; $Line -ErrorAction SilentlyContinue | Out-Null; exit `$LASTEXITCODE"
            $env = @{ GEMINI_BASE_URL = $Emulator.BaseUri.ToString(); GEMINI_API_KEY = $Emulator.ApiKey; GEMINI_IMAGE_HOME = $DataHome }
            if ($Mode -eq 'File') { return (Invoke-TestPwsh -Script $text -Environment $env).ExitCode }
            $saved = @{}; foreach ($k in $env.Keys) { $saved[$k] = [Environment]::GetEnvironmentVariable($k); [Environment]::SetEnvironmentVariable($k, $env[$k]) }
            try { $null = & $PwshExe @PwshLead -NoProfile -NonInteractive -Command $text 2>&1; $LASTEXITCODE }
            finally { foreach ($k in $saved.Keys) { [Environment]::SetEnvironmentVariable($k, $saved[$k]) } }
        }
    }
    BeforeEach { $Emulator.Reset(); $Emulator.Latency = [timespan]::Zero }

    It '<Case> exits <Code> through -<Mode>' -TestCases @(
        @{ Case = 'every row succeeded'; Csv = 'GoodCsv'; Budget = $false; Code = 0; Mode = 'File' }
        @{ Case = 'every row succeeded'; Csv = 'GoodCsv'; Budget = $false; Code = 0; Mode = 'Command' }
        @{ Case = 'a row was blocked'; Csv = 'MixedCsv'; Budget = $false; Code = 1; Mode = 'File' }
        @{ Case = 'a row was blocked'; Csv = 'MixedCsv'; Budget = $false; Code = 1; Mode = 'Command' }
        @{ Case = 'the budget stopped the run'; Csv = 'GoodCsv'; Budget = $true; Code = 2; Mode = 'File' }
        @{ Case = 'the budget stopped the run'; Csv = 'GoodCsv'; Budget = $true; Code = 2; Mode = 'Command' }
        @{ Case = 'the CSV is missing'; Csv = $null; Budget = $false; Code = 2; Mode = 'File' }
        @{ Case = 'the CSV is missing'; Csv = $null; Budget = $false; Code = 2; Mode = 'Command' }
    ) {
        $dataHome = New-TestFolder 'exit-data'
        if ($Budget) { '{"Daily":0.001}' | Set-Content -LiteralPath (Join-Path $dataHome 'budget.json') }
        $csv = if ($Csv) { Get-Variable -Name $Csv -ValueOnly } else { Join-Path $Work 'no-such.csv' }
        $out = Join-Path $Work ([guid]::NewGuid().ToString('N'))
        Get-ChildExitCode "Invoke-GeminiBatch -Path '$csv' -OutputDirectory '$out'" $Mode $dataHome | Should -Be $Code
    }

    It 'exits 2 when the circuit breaker stopped the run, after writing the rows that ended' {
        $csv = Join-Path $Work 'outage.csv'
        1..8 | ForEach-Object { [pscustomobject]@{ Id = "r$_"; Prompt = "a lamp $_" } } | Export-Csv -LiteralPath $csv -NoTypeInformation
        Invoke-TestEmulatorControl $Emulator faults -Method Post -Body @(@{ kind = 'Unavailable503'; count = 100 }) | Out-Null
        $out = Join-Path $Work ([guid]::NewGuid().ToString('N'))
        Get-ChildExitCode "Invoke-GeminiBatch -Path '$csv' -OutputDirectory '$out' -MaxRetries 0 -ThrottleLimit 1" 'File' (New-TestFolder 'exit-circuit') | Should -Be 2
        $Emulator.RequestCount | Should -BeLessThan 8 -Because 'the circuit opened before every row was sent'
        $report = Get-Content -Raw -LiteralPath (Join-Path $out 'batch-report.json') | ConvertFrom-Json
        @($report.rows | Where-Object { $_.status -eq 'Failed' }).Count | Should -BeGreaterOrEqual 5
    }
}

Describe 'Invoke-GeminiBatch when the disk fills during the run' {
    BeforeAll { $Emulator.ImageFile = Join-Path $RepoRoot 'tests/unit/data/images/good.png' }
    AfterAll {
        $Emulator.ImageFile = [NullString]::Value
        $Emulator.Latency = [timespan]::Zero
    }

    It 'keeps the paid images in the fallback folder, sends no row after the journal fails, leaves nothing half-written and raises only our errors' {
        # A real file system that really fills: a small tmpfs (root only), filled by another writer while requests are in flight.
        $disk = New-SmallDiskTestFolder -MB 72
        if (-not $disk) { Set-ItResult -Skipped -Because 'this process may not mount a small file system'; return }
        $ps = $null
        try {
            $Emulator.Reset()
            $Emulator.Latency = [timespan]::FromMilliseconds(700)
            $fallback = Join-Path $env:GEMINI_IMAGE_HOME 'fallback'
            Remove-Item -LiteralPath $fallback -Recurse -Force -ErrorAction SilentlyContinue
            $ps = [powershell]::Create()
            $null = $ps.AddScript({
                    param($ModulePath, $Out)
                    Import-Module $ModulePath
                    1..24 | ForEach-Object { @{ Id = "r$_"; Prompt = "picture $_ " + ('of a long and detailed scene ' * 20) } } | Invoke-GeminiBatch -OutputDirectory $Out -ThrottleLimit 4
                }).AddArgument($ModulePath).AddArgument($disk)
            $handle = $ps.BeginInvoke()
            $journal = Join-Path $disk 'batch-journal.jsonl'
            $deadline = [DateTime]::UtcNow.AddSeconds(60)
            while ([DateTime]::UtcNow -lt $deadline -and -not $handle.IsCompleted -and -not ((Test-Path $journal) -and @(Get-Content $journal).Count -ge 4)) { Start-Sleep -Milliseconds 50 }
            @(Get-Content $journal).Count | Should -BeGreaterOrEqual 4 -Because 'the run should be under way when the disk fills'
            # Fill every byte left, as another program on the same disk would. Long prompts make long journal lines, so
            # the journal's last block fills within a few rows after that (rows refused before sending are journaled too).
            $filler = Join-Path $disk 'filler.bin'
            & dd if=/dev/zero "of=$filler" bs=1M 2>$null
            (Get-Item -LiteralPath $filler).Length | Should -BeGreaterThan 1MB
            # The other writer keeps the disk full: space a failed save frees (its temporary file deleted) is taken again at
            # once, or the journal could go on in it and the run would never meet a full disk (seen under load).
            $deadline = [DateTime]::UtcNow.AddSeconds(90)
            for ($i = 0; -not $handle.IsCompleted -and [DateTime]::UtcNow -lt $deadline; $i++) {
                & dd if=/dev/zero "of=$filler.$i" bs=4k 2>$null
                Start-Sleep -Milliseconds 20
            }
            $handle.IsCompleted | Should -BeTrue -Because 'the run should end on its own'
            $results = @($ps.EndInvoke($handle))
            $errors = @($ps.Streams.Error)

            $summary = ($results | ForEach-Object { "$($_.Id)=$($_.Status):$($_.ErrorId)" }) -join ' '
            # The rows that ran come out (saved, or failed with their ids); the run stops at the journal's failure, so
            # the rows after it are never sent (they are NotRun in the run's summary; the report cannot be written on a full disk).
            @($results | Where-Object Status -eq Succeeded).Count | Should -BeGreaterOrEqual 4 -Because $summary
            @($results | Where-Object Status -eq Failed).Count | Should -BeGreaterThan 0 -Because $summary
            $results | Where-Object Status -eq Failed | ForEach-Object { $_.ErrorId | Should -BeIn 'GeminiImage.SaveFailed', 'GeminiImage.OutputFolderUnavailable' }
            $results.Count | Should -BeLessThan 24 -Because "the run stops ($summary)"
            # Rows refused before sending (no room left) and rows after the stop cost nothing.
            @($Emulator.Requests | Where-Object Path -like '*:generateContent').Count | Should -Be @($results | Where-Object ErrorId -ne 'GeminiImage.OutputFolderUnavailable').Count
            # Every image paid for and not saved in the folder is kept in the fallback folder.
            $paid = @($Emulator.Requests | Where-Object ImagesReturned -gt 0).Count
            $saved = @(Get-ChildItem -LiteralPath $disk -Filter *.png -File).Count
            $kept = @(Get-ChildItem -LiteralPath $fallback -File -ErrorAction SilentlyContinue).Count
            $saved + $kept | Should -Be $paid
            $kept | Should -BeGreaterThan 0
            # Nothing half-written, and every error is one of ours, the journal's among them.
            @(Get-ChildItem -LiteralPath $disk -Recurse -Force -File | Where-Object Name -like '.*.tmp') | Should -BeNullOrEmpty
            $errors | ForEach-Object { $_.FullyQualifiedErrorId | Should -BeLike 'GeminiImage.*' }
            $errors.FullyQualifiedErrorId | Where-Object { $_ -like 'GeminiImage.JournalWriteFailed*' } | Should -Not -BeNullOrEmpty
        }
        finally {
            if ($ps) { $ps.Dispose() }
            Remove-SpecialTestFolder $disk
        }
    }
}

Describe 'Invoke-GeminiBatch into a folder it cannot write (issue 15)' {
    BeforeEach {
        $Emulator.Reset()
        $script:Locked = New-UnwritableTestFolder
    }
    AfterEach { Remove-SpecialTestFolder $Locked }

    It 'refuses a <Mode> run with GeminiImage.OutputFolderUnavailable before sending: no raw .NET error, nothing charged' -ForEach @(
        @{ Mode = 'Local' }
        @{ Mode = 'Server' }
    ) {
        if (-not $Locked) { Set-ItResult -Skipped -Because 'no way to make an unwritable folder here'; return }
        $before = @(Get-GeminiUsage).Count
        $err = $null
        try { @{ Id = 'r1'; Prompt = 'a fox' }, @{ Id = 'r2'; Prompt = 'a dog' } | Invoke-GeminiBatch -OutputDirectory $Locked -Mode $Mode }
        catch { $err = $_ }
        $err | Should -Not -BeNullOrEmpty
        $err.FullyQualifiedErrorId | Should -BeLike 'GeminiImage.OutputFolderUnavailable,*'
        "$($err.CategoryInfo.Category)" | Should -Be 'WriteError'
        "$($err.TargetObject)" | Should -Be $Locked
        $err.Exception.Message | Should -Match ([regex]::Escape($Locked))
        $err.Exception.Message | Should -Match 'Nothing was sent'
        $Emulator.RequestCount | Should -Be 0
        @(Get-GeminiUsage).Count | Should -Be $before
    }
}
