<#
    One test per finding of the security review (issue 21), each through the built module, the emulator and real
    files. Every test fails on the code before the fix. Links need a file system with symbolic links (Linux, macOS).
#>
BeforeDiscovery {
    $script:NoLinks = [Environment]::OSVersion.Platform -eq [PlatformID]::Win32NT
}
BeforeAll {
    . (Join-Path $PSScriptRoot 'common.ps1')
    $script:SavedHome = $env:GEMINI_IMAGE_HOME
    $env:GEMINI_IMAGE_HOME = New-TestFolder 'sec-home'
    $script:Emulator = Start-TestEmulator
    $script:Corpus = Join-Path $RepoRoot 'tests/unit/data/images'

    function Get-Sha256([string] $Path) { (Get-FileHash -LiteralPath $Path -Algorithm SHA256).Hash.ToLowerInvariant() }
    function Get-UnixMode([string] $Path) { (Get-Item -LiteralPath $Path -Force).UnixFileMode }
    # Variables for a child pwsh that talks to this emulator.
    function Get-ChildEnvironment([hashtable] $Extra = @{}) {
        $environment = @{ GEMINI_BASE_URL = $Emulator.BaseUri.AbsoluteUri; GEMINI_API_KEY = $Emulator.ApiKey; GEMINI_IMAGE_HOME = $env:GEMINI_IMAGE_HOME }
        foreach ($k in $Extra.Keys) { $environment[$k] = $Extra[$k] }
        $environment
    }
    # A 1 KB GIF whose 4000x4000 canvas holds $Frames frames of one pixel each: every decoded frame costs a whole canvas.
    function New-GifBomb([string] $Path, [int] $Frames = 40, [int] $Side = 4000) {
        $bytes = [System.Collections.Generic.List[byte]]::new()
        $bytes.AddRange([Text.Encoding]::ASCII.GetBytes('GIF89a'))
        $bytes.AddRange([byte[]]@(($Side -band 0xFF), ($Side -shr 8), ($Side -band 0xFF), ($Side -shr 8), 0x80, 0, 0))
        $bytes.AddRange([byte[]]@(0, 0, 0, 255, 255, 255))          # two-colour global table
        foreach ($i in 1..$Frames) {
            $bytes.AddRange([byte[]]@(0x2C, 0, 0, 0, 0, 1, 0, 1, 0, 0)) # a 1x1 frame at 0,0
            $bytes.AddRange([byte[]]@(2, 2, 0x44, 0x01, 0))            # LZW: clear, pixel 0, end
        }
        $bytes.Add(0x3B)
        [IO.File]::WriteAllBytes($Path, $bytes.ToArray())
    }
}
AfterAll {
    Stop-GeminiEmulator
    $env:GEMINI_IMAGE_HOME = $SavedHome
}

Describe 'Links planted where the module writes or reads' -Skip:$NoLinks {
    BeforeEach { $Emulator.Reset() }

    It 'refuses a batch journal planted as a link (to a shell start-up file) before sending, and writes nothing through it' {
        $work = New-TestFolder 'journal'
        $out = Join-Path $work 'out'
        $null = New-Item -ItemType Directory -Path $out
        $profile = Join-Path $work 'bashrc'
        Set-Content -LiteralPath $profile -Value '# start-up file'
        $before = Get-Sha256 $profile
        $null = New-Item -ItemType SymbolicLink -Path (Join-Path $out 'batch-journal.jsonl') -Target $profile
        $thrown = { @{ Id = 'x'; Prompt = 'a cat $(touch PWNED)' } | Invoke-GeminiBatch -OutputDirectory $out } | Should -Throw -ErrorId 'GeminiImage.UnsafePath*' -PassThru
        $thrown.CategoryInfo.Category | Should -Be 'SecurityError'
        "$thrown" | Should -Match 'batch-journal.jsonl'
        Get-Sha256 $profile | Should -Be $before
        $Emulator.RequestCount | Should -Be 0 -Because 'the refusal comes before anything is paid for'
    }

    It 'never writes thumbnails, reports or manifests through links in the output folder' {
        $work = New-TestFolder 'thumbs'
        $out = Join-Path $work 'out'
        $elsewhere = New-Item -ItemType Directory -Path (Join-Path $work 'elsewhere')
        $null = New-Item -ItemType Directory -Path $out
        $null = New-Item -ItemType SymbolicLink -Path (Join-Path $out 'thumbnails') -Target $elsewhere.FullName
        { @{ Id = 'a'; Prompt = 'a cat' } | Invoke-GeminiBatch -OutputDirectory $out } | Should -Throw -ErrorId 'GeminiImage.UnsafePath*'
        Remove-Item -LiteralPath (Join-Path $out 'thumbnails')
        $null = New-Item -ItemType SymbolicLink -Path (Join-Path $out 'batch-report.html') -Target (Join-Path $elsewhere.FullName 'page.html')
        { @{ Id = 'a'; Prompt = 'a cat' } | Invoke-GeminiBatch -OutputDirectory $out } | Should -Throw -ErrorId 'GeminiImage.UnsafePath*'
        @(Get-ChildItem -LiteralPath $elsewhere.FullName -Force).Count | Should -Be 0
        $Emulator.RequestCount | Should -Be 0
        # A row image whose name was planted as a link is not written through it; the paid image is kept elsewhere.
        Remove-Item -LiteralPath (Join-Path $out 'batch-report.html')
        $null = New-Item -ItemType SymbolicLink -Path (Join-Path $out 'sub') -Target $elsewhere.FullName
        $row = @{ Id = 'b'; Prompt = 'a dog'; OutFile = 'sub/b.png' } | Invoke-GeminiBatch -OutputDirectory $out -ErrorAction SilentlyContinue
        $row.Status | Should -Not -Be 'Succeeded'
        @(Get-ChildItem -LiteralPath $elsewhere.FullName -Force).Count | Should -Be 0
    }

    It 'does not follow a link inside a watched folder, and leaves the linked files where they are' {
        $root = New-TestFolder 'watchlink'
        $drop = New-Item -ItemType Directory -Path (Join-Path $root 'drop')
        $private = New-Item -ItemType Directory -Path (Join-Path $root 'someone-else')
        Copy-Item -LiteralPath (Join-Path $Corpus 'good.png') -Destination (Join-Path $private.FullName 'private.png')
        $null = New-Item -ItemType SymbolicLink -Path (Join-Path $drop.FullName 'link') -Target $private.FullName
        $null = New-Item -ItemType SymbolicLink -Path (Join-Path $drop.FullName 'file.png') -Target (Join-Path $private.FullName 'private.png')
        $warnings = $null
        Start-GeminiFolderWatch -Path $drop.FullName -Prompt 'white background' -OutputDirectory (Join-Path $root 'out') -Recurse -Once `
            -PollInterval 0:0:0.1 -StableFor 0:0:0.2 -WarningVariable warnings -WarningAction SilentlyContinue | Out-Null
        $Emulator.RequestCount | Should -Be 0
        Join-Path $private.FullName 'private.png' | Should -Exist
        ($warnings -join "`n") | Should -Match 'GeminiImage.UnsafePath'
    }
}

Describe 'Private folders and the pending records' {
    BeforeEach { $Emulator.Reset() }

    It 'keeps the data folder 0700 and its files 0600' -Skip:$NoLinks {
        $null = New-GeminiImage 'a private prompt' -OutputDirectory (New-TestFolder 'perm')
        Set-GeminiBudget -Daily 5
        Get-UnixMode $env:GEMINI_IMAGE_HOME | Should -Be ([IO.UnixFileMode]'UserRead, UserWrite, UserExecute')
        foreach ($name in 'usage.db', 'budget.json') {
            Get-UnixMode (Join-Path $env:GEMINI_IMAGE_HOME $name) | Should -Be ([IO.UnixFileMode]'UserRead, UserWrite') -Because $name
        }
        Clear-GeminiBudget -Confirm:$false
    }

    It 'gives the data folder an ACL for its owner only on Windows' -Skip:(-not $NoLinks) {
        $null = New-GeminiImage 'a private prompt' -OutputDirectory (New-TestFolder 'perm')
        $acl = Get-Acl -LiteralPath $env:GEMINI_IMAGE_HOME
        $acl.AreAccessRulesProtected | Should -BeTrue
        @($acl.Access | Where-Object IsInherited -eq $false).IdentityReference.Value | Should -Be @('OWNER RIGHTS')
    }

    It 'refuses forged pending records (negative cost, bad id, duplicates) so budgets hold' {
        $root = New-TestFolder 'forge'
        $tmp = New-Item -ItemType Directory -Path (Join-Path $root 'tmp')
        $dataHome = Join-Path $root 'home'
        $pendingFolder = New-Item -ItemType Directory -Path (Join-Path $tmp.FullName "GeminiImage-$([Environment]::UserName)")
        $now = [DateTime]::UtcNow.ToString('o')
        $id = [guid]::NewGuid().ToString('N')
        @(
            "{`"RecordId`":`"$([guid]::NewGuid().ToString('N'))`",`"TimeUtc`":`"$now`",`"Model`":`"gemini-2.5-flash-image`",`"CostUsd`":-1000,`"Status`":`"Success`"}"
            "{`"RecordId`":`"not-an-id`",`"TimeUtc`":`"$now`",`"Model`":`"gemini-2.5-flash-image`",`"CostUsd`":0.01,`"Status`":`"Success`"}"
            "{`"RecordId`":`"$id`",`"TimeUtc`":`"$now`",`"Model`":`"gemini-2.5-flash-image`",`"CostUsd`":0.02,`"Status`":`"Success`"}"
            "{`"RecordId`":`"$id`",`"TimeUtc`":`"$now`",`"Model`":`"gemini-2.5-flash-image`",`"CostUsd`":0.02,`"Status`":`"Success`"}"
        ) | Set-Content -LiteralPath (Join-Path $pendingFolder.FullName 'usage-pending.jsonl')
        $script = @"
`$ErrorActionPreference = 'Stop'
Import-Module '$ModulePath'
Set-GeminiBudget -Daily 0.10
`$null = New-GeminiImage 'a cat' -OutputDirectory '$root'
`$b = Get-GeminiBudget
`$u = @(Get-GeminiUsage)
[pscustomobject]@{ Spent = `$b.SpentToday; Records = `$u.Count; Negative = @(`$u | Where-Object CostUsd -lt 0).Count } | ConvertTo-Json -Compress
"@
        $r = Invoke-TestPwsh -Script $script -Environment (Get-ChildEnvironment @{ TMPDIR = $tmp.FullName; GEMINI_IMAGE_HOME = $dataHome })
        $r.Result | Should -Not -BeNullOrEmpty -Because $r.Output
        $r.Result.Negative | Should -Be 0
        $r.Result.Spent | Should -BeGreaterThan 0
        $r.Result.Records | Should -Be 2 -Because 'the real call and one copy of the well-formed record'
        Join-Path $dataHome 'usage-pending.rejected.jsonl' | Should -Exist
    }

    It 'folds pending records only from a folder the user owns' -Skip:($NoLinks -or -not (Get-Command chown -ErrorAction SilentlyContinue) -or (id -u) -ne '0') {
        # Run as root here: a folder handed to another uid stands for one planted by another user.
        $root = New-TestFolder 'owner'
        $tmp = New-Item -ItemType Directory -Path (Join-Path $root 'tmp')
        $planted = New-Item -ItemType Directory -Path (Join-Path $tmp.FullName "GeminiImage-$([Environment]::UserName)")
        "{`"RecordId`":`"$([guid]::NewGuid().ToString('N'))`",`"TimeUtc`":`"$([DateTime]::UtcNow.ToString('o'))`",`"Model`":`"gemini-2.5-flash-image`",`"CostUsd`":5,`"Status`":`"Success`"}" |
            Set-Content -LiteralPath (Join-Path $planted.FullName 'usage-pending.jsonl')
        chown -R 65534 $planted.FullName
        $script = "Import-Module '$ModulePath'; `$null = New-GeminiImage 'a cat' -OutputDirectory '$root'; @{ Records = @(Get-GeminiUsage).Count } | ConvertTo-Json -Compress"
        $r = Invoke-TestPwsh -Script $script -Environment (Get-ChildEnvironment @{ TMPDIR = $tmp.FullName; GEMINI_IMAGE_HOME = (Join-Path $root 'home') })
        $r.Result.Records | Should -Be 1 -Because "the planted record is not folded in ($($r.Output))"
    }

    It 'keeps a paid image that cannot be saved in a private per-user folder, never in a folder shared by all users' -Skip:$NoLinks {
        $root = New-TestFolder 'fallback'
        $tmp = New-Item -ItemType Directory -Path (Join-Path $root 'tmp')
        $notAFolder = Join-Path $root 'home-is-a-file'
        Set-Content -LiteralPath $notAFolder -Value 'x'
        # The output folder is fine when the request leaves (that is checked before sending) and becomes a file while the
        # answer is on its way, so the paid image cannot be saved where asked.
        $out = New-Item -ItemType Directory -Path (Join-Path $root 'out')
        $script = @"
Import-Module '$ModulePath'
`$breaker = Start-ThreadJob { Start-Sleep -Milliseconds 1500; Remove-Item -LiteralPath '$out' -Recurse -Force; Set-Content -LiteralPath '$out' -Value 'x' }
New-GeminiImage 'a cat [emulator:slow=4000]' -OutFile '$(Join-Path $out 'x.png')' -ErrorVariable e -ErrorAction SilentlyContinue | Out-Null
`$breaker | Wait-Job | Remove-Job
[pscustomobject]@{ Error = "`$(`$e[0])"; Id = `$e[0].FullyQualifiedErrorId } | ConvertTo-Json -Compress
"@
        $r = Invoke-TestPwsh -Script $script -Environment (Get-ChildEnvironment @{ TMPDIR = $tmp.FullName; GEMINI_IMAGE_HOME = $notAFolder })
        $r.Result.Id | Should -BeLike 'GeminiImage.SaveFailed*' -Because $r.Output
        Join-Path $tmp.FullName 'GeminiImage-fallback' | Should -Not -Exist
        $private = Join-Path $tmp.FullName "GeminiImage-$([Environment]::UserName)/fallback"
        @(Get-ChildItem -LiteralPath $private -Filter '*.png').Count | Should -Be 1
        Get-UnixMode $private | Should -Be ([IO.UnixFileMode]'UserRead, UserWrite, UserExecute')
        $r.Result.Error | Should -Match ([regex]::Escape($private))
    }
}

Describe 'Image bombs' {
    It 'decodes one frame of a many-frame GIF, in a batch and for thumbnails of API answers' {
        $work = New-TestFolder 'gif'
        $gif = Join-Path $work 'bomb.gif'
        New-GifBomb $gif
        (Get-Item $gif).Length | Should -BeLessThan 2KB
        $script = @"
`$ErrorActionPreference = 'Stop'
Import-Module '$ModulePath'
@{ Id = 'g'; Prompt = 'edit it'; Image = 'bomb.gif' } | Invoke-GeminiBatch -OutputDirectory '$(Join-Path $work 'out')' -WhatIf | Out-Null
`$null = Get-GeminiModel -Name gemini-2.5-flash-image
`$thumbs = [AppDomain]::CurrentDomain.GetAssemblies() | ForEach-Object { `$_.GetType('GeminiImage.Engine.Batch.BatchThumbnails', `$false) } | Where-Object { `$_ } | Select-Object -First 1
`$thumb = `$thumbs::TryCreate('$gif', '$(Join-Path $work 'thumbs')', 'g')
[pscustomobject]@{ PeakMB = [int]([Diagnostics.Process]::GetCurrentProcess().PeakWorkingSet64 / 1MB); Thumb = `$thumb } | ConvertTo-Json -Compress
"@
        Push-Location $work
        try { $r = Invoke-TestPwsh -Script $script -Environment (Get-ChildEnvironment) }
        finally { Pop-Location }
        $r.Result | Should -Not -BeNullOrEmpty -Because $r.Output
        $r.Result.PeakMB | Should -BeLessThan 1200 -Because 'all 40 frames decoded take 2.5 GB; one takes 64 MB'
        $r.Result.Thumb | Should -Be 'thumbnails/g.jpg'
    }
}

Describe 'Untrusted files' {
    BeforeEach { $Emulator.Reset() }

    It 'does not upload a file an imported chat names, nor write where the chat file says' {
        $chatDir = New-TestFolder 'chat'
        $other = New-TestFolder 'elsewhere'
        $secret = Join-Path $other 'secret.txt'
        Set-Content -LiteralPath $secret -Value 'the launch codes'
        $chat = Start-GeminiImageChat -OutputDirectory $chatDir
        Send-GeminiImageChat -Chat $chat 'a lighthouse' | Out-Null
        $file = Join-Path $chatDir 'chat.json'
        Save-GeminiImageChat -Chat $chat -Path $file
        $saved = Get-Content -LiteralPath $file -Raw
        $json = $saved | ConvertFrom-Json -AsHashtable
        $json.turns[0].imagePath = $secret
        $json | ConvertTo-Json -Depth 50 | Set-Content -LiteralPath $file
        $err = $null
        Import-GeminiImageChat -Path $file -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -BeLike 'GeminiImage.PathOutsideRoot*'

        $json = $saved | ConvertFrom-Json -AsHashtable
        $json.maxRequestBytes = 0
        $json.outputDirectory = $other
        $json | ConvertTo-Json -Depth 50 | Set-Content -LiteralPath $file
        $warnings = $null
        $again = Import-GeminiImageChat -Path $file -WarningVariable warnings -WarningAction SilentlyContinue
        $again.MaxRequestBytes | Should -BeGreaterOrEqual 1MB
        $again.OutputDirectory | Should -Be $chatDir
        $warnings.Count | Should -Be 2
        Send-GeminiImageChat -Chat $again 'add a storm' -ErrorAction SilentlyContinue | Out-Null
        $Emulator.Requests.InputImageHashes | Should -Not -Contain (Get-Sha256 $secret)
        @(Get-ChildItem -LiteralPath $other).Name | Should -Be @('secret.txt')
    }

    It 'refuses style, price and chat files over their size caps' {
        $work = New-TestFolder 'caps'
        $big = Join-Path $work 'big.json'
        $stream = [IO.File]::Create($big)
        $stream.SetLength(70MB)
        $stream.Dispose()
        { Import-GeminiImageChat -Path $big -ErrorAction Stop } | Should -Throw -ErrorId 'GeminiImage.FileTooLarge*'
        { Import-GeminiStyle -Path $big -ErrorAction Stop } | Should -Throw '*larger than*'
        { Set-GeminiPricing -Path $big -ErrorAction Stop } | Should -Throw '*larger than*'
    }

    It 'refuses a catalog override, key file or credential file over its size cap, unread' {
        $work = New-TestFolder 'caps2'
        $big = Join-Path $work 'big.json'
        $stream = [IO.File]::Create($big)
        $stream.SetLength(5MB)
        $stream.Dispose()
        $override = Join-Path $env:GEMINI_IMAGE_HOME 'models.json'
        Copy-Item -LiteralPath $big -Destination $override
        try {
            $warn = $null
            Get-GeminiModel -WarningVariable warn -WarningAction SilentlyContinue | Should -Not -BeNullOrEmpty
            "$warn" | Should -Match 'larger than 4 MB'
        }
        finally { Remove-Item -LiteralPath $override }
        Set-GeminiConfig -Profile bigkey -BaseUri $Emulator.BaseUri -ApiKeyFile $big
        Set-GeminiConfig -Profile bigcred -BaseUri $Emulator.BaseUri -Backend Vertex -Project p -CredentialFile $big
        { New-GeminiImage 'x' -Profile bigkey -OutputDirectory $work -ErrorAction Stop } | Should -Throw '*larger than 1 MB*'
        { New-GeminiImage 'x' -Profile bigcred -OutputDirectory $work -ErrorAction Stop } | Should -Throw '*larger than 1 MB*'
        $Emulator.RequestCount | Should -Be 0
    }

    It 'refuses a price file with a negative price, so calls cannot look free or refund spend' {
        $prices = Join-Path $env:GEMINI_IMAGE_HOME 'prices.json'
        '{ "models": { "gemini-3.1-flash-image": { "imageOutput": -500 } } }' | Set-Content -LiteralPath $prices
        try {
            $err = $null
            New-GeminiImage 'a cat' -OutputDirectory (New-TestFolder 'neg') -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
            $err[0].FullyQualifiedErrorId | Should -BeLike 'GeminiImage.InvalidPriceFile*'
            "$($err[0])" | Should -Match 'from 0 to'
            $Emulator.RequestCount | Should -Be 0
            { Set-GeminiPricing -Path $prices -ErrorAction Stop } | Should -Throw
        }
        finally { Remove-Item -LiteralPath $prices }
        # The same rule for prices in the model catalog override: the file is ignored with a warning.
        $override = Join-Path $env:GEMINI_IMAGE_HOME 'models.json'
        '{ "models": [ { "id": "gemini-3.1-flash-image", "prices": { "input": 0.5, "textOutput": 3, "imageOutput": -60 } } ] }' | Set-Content -LiteralPath $override
        try {
            $warn = $null
            (Get-GeminiModel gemini-3.1-flash-image -WarningVariable warn -WarningAction SilentlyContinue).Id | Should -Be 'gemini-3.1-flash-image'
            "$warn" | Should -Match 'from 0 to'
        }
        finally { Remove-Item -LiteralPath $override }
    }

    It 'prefers its own manifest to one found in -OutputDirectory, whose OutFile values cannot leave the folder' {
        $Emulator.HoldBatches = $false
        $out = New-TestFolder 'receive'
        $job = @{ Id = 'r1'; Prompt = 'a cat' } | Invoke-GeminiBatch -Mode Server -OutputDirectory $out
        $null = $job | Wait-GeminiBatchJob -PollIntervalSec 0.2 -MaxWaitSec 30
        $planted = Get-ChildItem -LiteralPath $out -Filter 'batch-job-*.json' | Select-Object -First 1
        $manifest = Get-Content -LiteralPath $planted.FullName -Raw | ConvertFrom-Json -AsHashtable
        $target = Join-Path (Split-Path $out) 'escaped.png'
        $manifest.rows[0].outFile = $target
        $manifest | ConvertTo-Json -Depth 20 | Set-Content -LiteralPath $planted.FullName
        $job | Receive-GeminiBatchJob -OutputDirectory $out -ErrorAction SilentlyContinue | Out-Null
        $target | Should -Not -Exist
        # Without the data-folder copy the planted manifest is read, and its OutFile is refused.
        Get-ChildItem -LiteralPath (Join-Path $env:GEMINI_IMAGE_HOME 'batches') -Filter '*.json' | Remove-Item
        $err = $null
        $job | Receive-GeminiBatchJob -OutputDirectory $out -ErrorVariable err -ErrorAction SilentlyContinue | Out-Null
        $target | Should -Not -Exist
        $err[0].FullyQualifiedErrorId | Should -BeLike 'GeminiImage.PathOutsideRoot*'
    }
}

Describe 'Text and names taken from prompts and ids' {
    BeforeEach { $Emulator.Reset() }

    It 'refuses a line break in schedule text, so a prompt cannot add a cron line' {
        $root = New-TestFolder 'cron'
        $in = New-Item -ItemType Directory -Path (Join-Path $root 'in')
        $file = Join-Path $root 'schedule.txt'
        $savedPath = $env:PATH
        try {
            if (-not $IsWindows) { $null = Use-InstalledPwsh }
            { Register-GeminiFolderWatchTask -Name 'sec-watch' -Every 0:10:0 -Path $in.FullName -Prompt "a cat`n* * * * * touch /tmp/PWNED" -OutputDirectory (Join-Path $root 'out') -OutFile $file -WarningAction SilentlyContinue } |
                Should -Throw -ErrorId 'GeminiImage.UnsafeScheduleText*'
        }
        finally { $env:PATH = $savedPath }
        $file | Should -Not -Exist
    }

    It 'never names a file after a reserved device, and gives distinct ids distinct files' {
        $out = New-TestFolder 'names'
        $results = @{ Id = 'CON'; Prompt = 'one' }, @{ Id = 'a/b'; Prompt = 'two' }, @{ Id = 'a_b'; Prompt = 'three' } |
            Invoke-GeminiBatch -OutputDirectory $out -Thumbnail
        @($results | Where-Object Status -eq Succeeded).Count | Should -Be 3
        @($results.Path | Sort-Object -Unique).Count | Should -Be 3
        $results.Path | ForEach-Object { [IO.Path]::GetFileNameWithoutExtension($_) } | Should -Not -Contain 'CON'
        @(Get-ChildItem -LiteralPath (Join-Path $out 'thumbnails') -Filter '*.jpg').Count | Should -Be 3
    }
}

Describe 'The network side' {
    It 'refuses the emulator control API without the instance token and uses a random key' {
        $Emulator.Reset()
        $null = New-GeminiImage 'a private prompt' -OutputDirectory (New-TestFolder 'emu')
        $uri = [Uri]::new($Emulator.BaseUri, 'emulator/requests')
        $anonymous = Invoke-WebRequest -Uri $uri -SkipHttpErrorCheck
        $anonymous.StatusCode | Should -Be 401
        $anonymous.Content | Should -Not -Match 'a private prompt'
        (Invoke-WebRequest -Method Post -Uri ([Uri]::new($Emulator.BaseUri, 'emulator/reset')) -SkipHttpErrorCheck).StatusCode | Should -Be 401
        $Emulator.RequestCount | Should -Be 1

        (Invoke-TestEmulatorControl $Emulator requests)[0].prompt | Should -Be 'a private prompt'
        $Emulator.ApiKey | Should -Not -Be 'emulator-key'
        $Emulator.ApiKey.Length | Should -BeGreaterOrEqual 24
    }

    It 'does not follow a redirect, so the key never goes to the new location' {
        # The listeners pick their own free ports and say which once they listen: a port chosen here and bound later
        # could be taken meanwhile by another test process, and a fixed sleep is too short on a busy machine.
        $ready = [System.Collections.Concurrent.BlockingCollection[int[]]]::new()
        $listener = Start-ThreadJob -ArgumentList $ready -ScriptBlock {
            param($ready)
            function Open {
                for ($i = 0; $i -lt 20; $i++) {
                    $probe = [Net.Sockets.TcpListener]::new([Net.IPAddress]::Loopback, 0); $probe.Start(); $port = $probe.LocalEndpoint.Port; $probe.Stop()
                    $h = [Net.HttpListener]::new(); $h.Prefixes.Add("http://127.0.0.1:$port/")
                    try { $h.Start(); return @($h, $port) } catch { $h.Close() }
                }
                throw 'no free port'
            }
            $a, $gateway = Open
            $b, $elsewhere = Open
            $ready.Add([int[]]@($gateway, $elsewhere))
            try {
                $first = $a.GetContextAsync()
                if (-not $first.Wait(30000)) { return 'no request' }
                $first.Result.Response.StatusCode = 307
                $first.Result.Response.RedirectLocation = "http://127.0.0.1:$elsewhere/steal"
                $first.Result.Response.Close()
                $second = $b.GetContextAsync()
                if (-not $second.Wait(3000)) { return 'not followed' }
                $key = $second.Result.Request.Headers['x-goog-api-key']
                $second.Result.Response.StatusCode = 500
                $second.Result.Response.Close()
                "followed with key '$key'"
            }
            finally { $a.Close(); $b.Close() }
        }
        $ports = $null
        if (-not $ready.TryTake([ref] $ports, 30000)) { $listener | Receive-Job; throw 'the listeners did not start' }
        $gateway, $elsewhere = $ports
        $key = ConvertTo-SecureString 'redirect-test-key-1234567890' -AsPlainText -Force
        $err = $null
        New-GeminiImage 'a cat' -BaseUri "http://127.0.0.1:$gateway/" -ApiKey $key -MaxRetries 0 -OutputDirectory (New-TestFolder 'redir') -ErrorVariable err -ErrorAction SilentlyContinue | Out-Null
        $outcome = $listener | Wait-Job -Timeout 40 | Receive-Job
        $listener | Remove-Job -Force
        $outcome | Should -Be 'not followed'
        $err[0].FullyQualifiedErrorId | Should -BeLike 'GeminiImage.Redirected*'
        "$($err[0])" | Should -Match "127.0.0.1:$elsewhere/steal"
    }

    It 'says in the help that the SecureString key is kept as plain text in memory' {
        (Get-Help Set-GeminiConfig -Parameter ApiKey | Out-String) | Should -Match 'plain string'
    }
}
