# Folder watch end to end against the emulator, with real files in temp folders. Short poll/stability
# intervals keep the file fast; child pwsh processes cover -Once exit codes and a killed watcher.
BeforeAll {
    . (Join-Path $PSScriptRoot 'common.ps1')
    $script:OldHome = $env:GEMINI_IMAGE_HOME
    $env:GEMINI_IMAGE_HOME = New-TestFolder 'watch-home'
    $script:Emulator = Start-TestEmulator
    $script:Corpus = Join-Path $RepoRoot 'tests/unit/data/images'
    $script:Fast = @{ PollInterval = [timespan]'0:0:0.1'; StableFor = [timespan]'0:0:0.3' }

    # The PowerShell running this test, as program + leading arguments (`dotnet pwsh` is dotnet + pwsh.dll).
    $script:Pwsh = (Get-Process -Id $PID).Path
    $script:PwshLead = if ([IO.Path]::GetFileNameWithoutExtension($Pwsh) -eq 'dotnet') { , [Environment]::GetCommandLineArgs()[0] } else { @() }

    function New-WatchFolders {
        $root = New-TestFolder 'watch'
        $in = New-Item -ItemType Directory -Path (Join-Path $root 'in')
        [pscustomobject]@{ Root = $root; In = $in.FullName; Out = (Join-Path $root 'out'); Log = (Join-Path $root 'log') }
    }
    function Add-Image([string] $Folder, [string] $Name, [string] $As = $Name) {
        Copy-Item -LiteralPath (Join-Path $Corpus $Name) -Destination (Join-Path $Folder $As)
    }
    function Get-Sha256([string] $Path) { (Get-FileHash -LiteralPath $Path -Algorithm SHA256).Hash.ToLowerInvariant() }
    function Wait-Until([scriptblock] $Condition, [double] $Seconds = 15) {
        $deadline = [DateTime]::UtcNow.AddSeconds($Seconds)
        while (-not (& $Condition)) {
            if ([DateTime]::UtcNow -gt $deadline) { throw "timed out after $Seconds s waiting for: $Condition" }
            Start-Sleep -Milliseconds 50
        }
    }
    # A watcher in a second runspace of this process (it shares the emulator session settings).
    function Start-RunspaceWatch($Folders, [string] $Prompt = 'white studio background') {
        $ps = [powershell]::Create()
        $null = $ps.AddScript({
                param($ModulePath, $In, $Out, $Log, $Prompt)
                Import-Module $ModulePath
                Start-GeminiFolderWatch -Path $In -Prompt $Prompt -OutputDirectory $Out -LogDirectory $Log -PollInterval 0:0:0.1 -StableFor 0:0:0.5 -Timeout 0:0:30
            }).AddArgument($ModulePath).AddArgument($Folders.In).AddArgument($Folders.Out).AddArgument($Folders.Log).AddArgument($Prompt)
        $handle = $ps.BeginInvoke()
        Wait-Until { Test-Path -LiteralPath (Join-Path $Folders.In '.gemini-watch.lock') }
        [pscustomobject]@{ PowerShell = $ps; Handle = $handle }
    }
    # Runs the watch in a child pwsh pointed at the emulator through the environment; returns the exit code.
    function Invoke-ChildWatch($Folders, [string] $Tail = '-Once; exit $LASTEXITCODE', [switch] $NoWait) {
        $command = "Import-Module '$ModulePath'; Start-GeminiFolderWatch -Path '$($Folders.In)' -Prompt 'white background' " +
        "-OutputDirectory '$($Folders.Out)' -LogDirectory '$($Folders.Log)' -PollInterval 0:0:0.1 -StableFor 0:0:0.3 -ErrorAction Continue $Tail"
        $saved = $env:GEMINI_BASE_URL, $env:GEMINI_API_KEY
        $env:GEMINI_BASE_URL = $Emulator.BaseUri.AbsoluteUri; $env:GEMINI_API_KEY = $Emulator.ApiKey
        try {
            $argList = @($PwshLead) + @('-NoProfile', '-NonInteractive', '-Command', $command)
            $p = Start-Process -FilePath $Pwsh -ArgumentList $argList -PassThru -NoNewWindow `
                -RedirectStandardOutput (Join-Path $Folders.Root 'child.out') -RedirectStandardError (Join-Path $Folders.Root 'child.err')
        }
        finally { $env:GEMINI_BASE_URL, $env:GEMINI_API_KEY = $saved }
        if ($NoWait) { return $p }
        if (-not $p.WaitForExit(60000)) { $p.Kill(); throw 'child watch did not finish' }
        $p.ExitCode
    }
}
AfterAll {
    Stop-GeminiEmulator
    $env:GEMINI_IMAGE_HOME = $OldHome
}

Describe 'Start-GeminiFolderWatch' {
    BeforeEach { $Emulator.Reset(); $Emulator.Latency = [timespan]::Zero }

    It 'a missing watch folder is GeminiImage.WatchFolderNotFound (ObjectNotFound), not an IOError (issue 15)' {
        $root = New-TestFolder 'watch-missing'
        $missing = Join-Path $root 'nope'
        $err = { Start-GeminiFolderWatch -Path $missing -Prompt x -OutputDirectory (Join-Path $root 'out') -Once } | Should -Throw -ErrorId 'GeminiImage.WatchFolderNotFound*' -PassThru
        "$($err.CategoryInfo.Category)" | Should -Be 'ObjectNotFound'
        $err.Exception.Message | Should -BeLike "*$missing*"
        # so is a missing -ApiKeyFile
        $in = New-Item -ItemType Directory -Path (Join-Path $root 'in')
        $err = { Start-GeminiFolderWatch -Path $in -Prompt x -OutputDirectory (Join-Path $root 'out') -Once -ApiKeyFile (Join-Path $root 'no-key.txt') } | Should -Throw -ErrorId 'GeminiImage.ApiKeyNotFound*' -PassThru
        "$($err.CategoryInfo.Category)" | Should -Be 'ObjectNotFound'
    }

    It 'processes the files already there, moves them, and logs each for a person to read' {
        $f = New-WatchFolders
        Add-Image $f.In 'good.png'; Add-Image $f.In 'good.jpg'; Add-Image $f.In 'good.png' 'notes.txt'
        $results = Start-GeminiFolderWatch -Path $f.In -Prompt 'white background' -OutputDirectory $f.Out -LogDirectory $f.Log -Once @Fast
        $results.Status | Should -Be @('Succeeded', 'Succeeded')
        $Emulator.RequestCount | Should -Be 2
        (Get-ChildItem -LiteralPath $f.Out).Name | Sort-Object | Should -Be @('good-edited-2.png', 'good-edited.png') -Because 'good.jpg and good.png both become good-edited'
        (Get-ChildItem -LiteralPath (Join-Path $f.In 'processed')).Name | Sort-Object | Should -Be @('good.jpg', 'good.png')
        Join-Path $f.In 'notes.txt' | Should -Exist
        $LASTEXITCODE | Should -Be 0
        # One log per watched folder, every line with its UTC offset and the folder's name.
        $logFile = @(Get-ChildItem -LiteralPath $f.Log -Filter ('watch-in-*-{0:yyyy-MM-dd}.log' -f (Get-Date)))
        $logFile.Count | Should -Be 1
        $log = Get-Content -LiteralPath $logFile[0].FullName -Raw
        $log | Should -Match '(?m)^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d  OK +\[in\] good\.jpg ->'
        $summary = Get-Content -LiteralPath (Join-Path $f.Log ($logFile[0].Name -replace '-\d{4}-\d\d-\d\d\.log$', '.runs.jsonl')) | Select-Object -Last 1 | ConvertFrom-Json
        $summary.succeeded | Should -Be 2
        $summary.exitCode | Should -Be 0
        $log | Should -Match 'Watch ended \(done\): 2 succeeded'
    }

    It 'does not send a file again when its output already exists (saved by a run that died before the move)' {
        $f = New-WatchFolders
        Add-Image $f.In 'good.png'
        Start-GeminiFolderWatch -Path $f.In -Prompt 'x' -OutputDirectory $f.Out -LogDirectory $f.Log -Once @Fast | Out-Null
        Move-Item -LiteralPath (Join-Path $f.In 'processed/good.png') -Destination $f.In
        $r = Start-GeminiFolderWatch -Path $f.In -Prompt 'x' -OutputDirectory $f.Out -LogDirectory $f.Log -Once @Fast
        $r.Status | Should -Be 'Skipped'
        $r.OutputPath | Should -Be (Join-Path $f.Out 'good-edited.png')
        $Emulator.RequestCount | Should -Be 1
        Join-Path $f.In 'processed/good.png' | Should -Exist
    }

    It 'results pipe into Resize-GeminiImage by their Path (the edited image)' {
        $f = New-WatchFolders
        Add-Image $f.In 'good.png'
        $err = $null
        $resized = Start-GeminiFolderWatch -Path $f.In -Prompt 'x' -OutputDirectory $f.Out -LogDirectory $f.Log -Once @Fast |
            Resize-GeminiImage -Width 100 -ErrorVariable err
        $err | Should -BeNullOrEmpty
        $resized.Path | Should -Be (Join-Path $f.Out 'good-edited-100w.png')
        $resized.Path | Should -Exist
    }

    It 'moves a corrupt file to the failed folder with its error text, as a non-terminating error' {
        $f = New-WatchFolders
        Add-Image $f.In 'truncated.png'; Add-Image $f.In 'good.webp'
        $err = $null
        $results = Start-GeminiFolderWatch -Path $f.In -Prompt 'x' -OutputDirectory $f.Out -LogDirectory $f.Log -Once @Fast -ErrorVariable err -ErrorAction SilentlyContinue
        ($results | Where-Object Name -EQ 'truncated.png').Status | Should -Be 'Failed'
        ($results | Where-Object Name -EQ 'good.webp').Status | Should -Be 'Succeeded'
        $Emulator.RequestCount | Should -Be 1 -Because 'the corrupt file is refused before spending'
        $err[0].FullyQualifiedErrorId | Should -BeLike 'GeminiImage.InvalidImage*'
        $failed = Join-Path $f.In 'failed'
        Join-Path $failed 'truncated.png' | Should -Exist
        Get-Content -LiteralPath (Join-Path $failed 'truncated.png.error.txt') -Raw | Should -Match 'GeminiImage\.InvalidImage[\s\S]*truncated or corrupt'
        $LASTEXITCODE | Should -Be 1
    }

    It 'takes files dropped while watching, and a slowly written one only when it is complete' {
        $f = New-WatchFolders
        $w = Start-RunspaceWatch $f
        try {
            Add-Image $f.In 'good.jpg'
            # Written in chunks with pauses longer than -StableFor while the writer keeps it open.
            $bytes = [IO.File]::ReadAllBytes((Join-Path $Corpus 'good.png'))
            $slow = [IO.File]::Open((Join-Path $f.In 'slow.png'), 'CreateNew', 'Write', 'Read')
            try {
                $chunk = [math]::Ceiling($bytes.Length / 4)
                for ($i = 0; $i -lt $bytes.Length; $i += $chunk) {
                    $slow.Write($bytes, $i, [math]::Min($chunk, $bytes.Length - $i)); $slow.Flush()
                    Start-Sleep -Milliseconds 700
                }
            }
            finally { $slow.Dispose() }
            Wait-Until { (Get-ChildItem -LiteralPath (Join-Path $f.In 'processed') -ErrorAction SilentlyContinue).Count -eq 2 }
            $Emulator.RequestCount | Should -Be 2
            $Emulator.Requests.InputImageHashes | Should -Contain (Get-Sha256 (Join-Path $f.In 'processed/slow.png')) -Because 'the whole file was sent, not a part'
            (Get-ChildItem -LiteralPath (Join-Path $f.In 'processed')).Name | Sort-Object | Should -Be @('good.jpg', 'slow.png')
        }
        finally { $w.PowerShell.Stop(); $w.PowerShell.Dispose() }
    }

    It 'stops within about a second on Ctrl+C with a request in flight, leaving no half-written output' {
        $f = New-WatchFolders
        $Emulator.Latency = [timespan]'0:0:10'
        Add-Image $f.In 'good.png'
        $w = Start-RunspaceWatch $f
        try {
            Wait-Until { $Emulator.RequestCount -eq 1 }
            $sw = [Diagnostics.Stopwatch]::StartNew()
            $w.PowerShell.Stop()
            $sw.Stop()
            $sw.Elapsed.TotalSeconds | Should -BeLessThan 1.5
            @(Get-ChildItem -LiteralPath $f.Out -Force -ErrorAction SilentlyContinue).Count | Should -Be 0
            Join-Path $f.In 'good.png' | Should -Exist -Because 'a stopped file is taken again next time'
            (Get-Content -LiteralPath (Join-Path $f.In '.gemini-watch.json') -Raw | ConvertFrom-Json).Claims.PSObject.Properties.Name | Should -BeNullOrEmpty
        }
        finally { $w.PowerShell.Dispose() }
    }

    It 'shows with -WhatIf which files it would take, and sends nothing' {
        $f = New-WatchFolders
        Add-Image $f.In 'good.png'
        Start-GeminiFolderWatch -Path $f.In -Prompt 'x' -OutputDirectory $f.Out -WhatIf | Should -BeNullOrEmpty
        $Emulator.RequestCount | Should -Be 0
        Join-Path $f.In 'good.png' | Should -Exist
    }
}

Describe 'Start-GeminiFolderWatch in a scheduled (child) process' {
    BeforeEach { $Emulator.Reset(); $Emulator.Latency = [timespan]::Zero }

    It '-Once exits with <Code> when <Scenario>' -TestCases @(
        @{ Scenario = 'every file succeeded'; Files = @('good.png'); Tail = '-Once; exit $LASTEXITCODE'; Code = 0 }
        @{ Scenario = 'a file failed (exit $LASTEXITCODE)'; Files = @('good.png', 'truncated.png'); Tail = '-Once; exit $LASTEXITCODE'; Code = 1 }
        @{ Scenario = 'a file failed (no exit: the error sets $?)'; Files = @('truncated.png'); Tail = '-Once'; Code = 1 }
    ) {
        $f = New-WatchFolders
        foreach ($n in $Files) { Add-Image $f.In $n }
        Invoke-ChildWatch $f -Tail $Tail | Should -Be $Code -Because (Get-Content -Raw (Join-Path $f.Root 'child.err') -ErrorAction SilentlyContinue)
        @(Get-ChildItem -LiteralPath $f.In -File).Count | Should -Be 0
    }

    It 'resumes after the watcher was killed, without sending a finished file again' {
        $f = New-WatchFolders
        foreach ($n in 'good.png', 'good.jpg', 'good.webp') { Add-Image $f.In $n }
        $hash = @{}; foreach ($n in 'good.png', 'good.jpg', 'good.webp') { $hash[$n] = Get-Sha256 (Join-Path $f.In $n) }
        $Emulator.Latency = [timespan]'0:0:0.8'
        $child = Invoke-ChildWatch $f -Tail '' -NoWait
        try { Wait-Until { @(Get-ChildItem -LiteralPath (Join-Path $f.In 'processed') -ErrorAction SilentlyContinue).Count -ge 1 } 40 }
        finally { Stop-Process -Id $child.Id -Force; $child.WaitForExit() }
        $doneBeforeKill = @(Get-ChildItem -LiteralPath (Join-Path $f.In 'processed')).Name

        $Emulator.Latency = [timespan]::Zero
        Invoke-ChildWatch $f | Should -Be 0
        (Get-ChildItem -LiteralPath (Join-Path $f.In 'processed')).Name | Sort-Object | Should -Be @('good.jpg', 'good.png', 'good.webp')
        @(Get-ChildItem -LiteralPath $f.Out -File).Count | Should -Be 3
        @(Get-ChildItem -LiteralPath $f.Out -Force -Filter '*.tmp').Count | Should -Be 0
        $sent = @($Emulator.Requests | ForEach-Object { $_.InputImageHashes[0] })
        foreach ($n in $doneBeforeKill) {
            @($sent | Where-Object { $_ -eq $hash[$n] }).Count | Should -Be 1 -Because "$n was finished before the kill"
        }
        $sent.Count | Should -BeLessOrEqual 4 -Because 'at most the one request in flight at the kill is sent again'
    }
    It 'refuses a second watcher on the same drop folder, naming the process that holds it' {
        $f = New-WatchFolders
        $child = Invoke-ChildWatch $f -Tail '' -NoWait
        try {
            Wait-Until { Test-Path -LiteralPath (Join-Path $f.In '.gemini-watch.owner') } 60
            $refused = { Start-GeminiFolderWatch -Path $f.In -Prompt 'x' -OutputDirectory (Join-Path $f.Root 'other-out') -Once @Fast } |
                Should -Throw -ErrorId 'GeminiImage.WatchFolderBusy*' -PassThru
            $refused.Exception.Message | Should -BeLike "*process $($child.Id) on *"
        }
        finally { Stop-Process -Id $child.Id -Force; $child.WaitForExit() }
        $Emulator.RequestCount | Should -Be 0
    }

    It 'refuses a -Suffix that would put the output outside the output folder' {
        $f = New-WatchFolders
        Add-Image $f.In 'good.png'
        { Start-GeminiFolderWatch -Path $f.In -Prompt 'x' -OutputDirectory $f.Out -Suffix '/../../escaped' -Once @Fast -ErrorAction Stop } |
            Should -Throw -ErrorId 'GeminiImage.PathOutsideRoot*'
        $Emulator.RequestCount | Should -Be 0
    }

    It 'chaos: files dropped while the watcher is killed and restarted twice each end in processed or failed exactly once' {
        $f = New-WatchFolders
        $dropped = [Collections.Generic.List[string]]::new()
        # Distinct pictures (not copies of one file), written straight into the drop folder.
        $drop = {
            param([int] $Count)
            for ($i = 0; $i -lt $Count; $i++) {
                $k = $dropped.Count
                $name = 'drop{0:00}.png' -f $k
                $image = [SixLabors.ImageSharp.Image[SixLabors.ImageSharp.PixelFormats.Rgba32]]::new(96, 64, [SixLabors.ImageSharp.PixelFormats.Rgba32]::new([byte](($k * 37) % 256), [byte](($k * 91) % 256), 120, 255))
                try { [SixLabors.ImageSharp.ImageExtensions]::SaveAsPng($image, (Join-Path $f.In $name)) } finally { $image.Dispose() }
                $dropped.Add($name)
            }
        }
        $processedCount = { @(Get-ChildItem -LiteralPath (Join-Path $f.In 'processed') -File -ErrorAction SilentlyContinue).Count }
        $Emulator.Latency = [timespan]'0:0:0.4'
        $kinds = Get-GeminiType 'GeminiImage.Emulator.EmulatorFaultKind'
        foreach ($k in 'ServerError500', 'DroppedConnection', 'Unavailable503') {
            $Emulator.EnqueueFault((Get-GeminiType 'GeminiImage.Emulator.EmulatorFault')::new([Enum]::Parse($kinds, $k)))
        }
        Add-Image $f.In 'truncated.png' 'drop00-corrupt.png'; $dropped.Add('drop00-corrupt.png')
        & $drop 6

        foreach ($round in 1, 2) {
            $child = Invoke-ChildWatch $f -Tail '' -NoWait
            try {
                $target = (& $processedCount) + 2
                Wait-Until { (& $processedCount) -ge $target } 180
                & $drop 4                                   # dropped while it works
            }
            finally { Stop-Process -Id $child.Id -Force; $child.WaitForExit() }
            & $drop 4                                       # dropped while it is dead
        }
        $last = Invoke-ChildWatch $f -NoWait
        if (-not $last.WaitForExit(240000)) { $last.Kill(); throw 'the last watch run did not finish' }
        $last.ExitCode | Should -BeIn @(0, 1) -Because (Get-Content -Raw (Join-Path $f.Root 'child.err') -ErrorAction SilentlyContinue)

        $processed = @(Get-ChildItem -LiteralPath (Join-Path $f.In 'processed') -File).Name
        $failed = @(Get-ChildItem -LiteralPath (Join-Path $f.In 'failed') -File -ErrorAction SilentlyContinue | Where-Object Name -notlike '*.error.txt').Name
        @(Get-ChildItem -LiteralPath $f.In -File | Where-Object Name -notlike '.*').Name | Should -BeNullOrEmpty -Because 'nothing is left behind'
        ($processed + $failed | Sort-Object) | Should -Be ($dropped | Sort-Object) -Because 'every file ends in processed or failed exactly once (no -2 copies)'
        $failed | Should -Be @('drop00-corrupt.png')
        @(Get-ChildItem -LiteralPath $f.Out -File).Count | Should -Be $processed.Count
        @(Get-ChildItem -LiteralPath $f.Out -Force -File | Where-Object Name -like '.*.tmp') | Should -BeNullOrEmpty
    }
}

Describe 'Start-GeminiFolderWatch rides out trouble' {
    BeforeEach { $Emulator.Reset(); $Emulator.Latency = [timespan]::Zero }
    AfterEach { $Emulator.ClearFaults() }

    It 'processes a file held open while being written once it is complete, and never fails it' -Skip:$OnWindows {
        $f = New-WatchFolders
        $w = Start-RunspaceWatch $f
        try {
            $img = Join-Path $Corpus 'good.jpg'
            $target = Join-Path $f.In 'held.jpg'
            $half = [int]((Get-Item -LiteralPath $img).Length / 2)
            # A writer that is not .NET (no advisory lock): created empty, held open, filled in two parts with pauses.
            $sh = Join-Path $f.Root 'writer.sh'
            Set-Content -LiteralPath $sh -Value "exec 3>'$target'; sleep 2; head -c $half '$img' >&3; sleep 2; tail -c +$($half + 1) '$img' >&3; sleep 1; exec 3>&-"
            $writer = Start-Process -FilePath /bin/sh -ArgumentList $sh -PassThru
            Wait-Until { Test-Path -LiteralPath (Join-Path $f.In 'processed/held.jpg') } 40
            $writer.WaitForExit()
            Join-Path $f.In 'failed' | Should -Not -Exist
            $Emulator.RequestCount | Should -Be 1
            $Emulator.Requests[0].InputImageHashes[0] | Should -Be (Get-Sha256 $img) -Because 'the complete file was sent'
        }
        finally { $w.PowerShell.Stop(); $w.PowerShell.Dispose() }
    }

    It 'processes a second file with a reused name and other content; the same content again is skipped' {
        $f = New-WatchFolders
        Add-Image $f.In 'good.png'
        Start-GeminiFolderWatch -Path $f.In -Prompt 'x' -OutputDirectory $f.Out -LogDirectory $f.Log -Once @Fast | Out-Null
        Add-Image $f.In 'jpeg-named.png' 'good.png'      # a camera starting its numbering again
        $r = Start-GeminiFolderWatch -Path $f.In -Prompt 'x' -OutputDirectory $f.Out -LogDirectory $f.Log -Once @Fast
        $r.Status | Should -Be 'Succeeded'
        $r.OutputPath | Should -Be (Join-Path $f.Out 'good-edited-2.png')
        $Emulator.RequestCount | Should -Be 2
        Copy-Item -LiteralPath (Join-Path $f.In 'processed/good-2.png') -Destination (Join-Path $f.In 'good.png')
        $again = Start-GeminiFolderWatch -Path $f.In -Prompt 'x' -OutputDirectory $f.Out -LogDirectory $f.Log -Once @Fast
        $again.Status | Should -Be 'Skipped'
        $Emulator.RequestCount | Should -Be 2
    }

    It 'rides out a 60-second outage in a continuous watch' {
        $f = New-WatchFolders
        $fault = (Get-GeminiType 'GeminiImage.Emulator.EmulatorFault')::new('Unavailable503')
        $fault.Count = 100000
        $Emulator.EnqueueFault($fault)
        $ps = [powershell]::Create()
        $null = $ps.AddScript({
                param($ModulePath, $In, $Out, $Log)
                Import-Module $ModulePath
                Start-GeminiFolderWatch -Path $In -Prompt 'x' -OutputDirectory $Out -LogDirectory $Log -PollInterval 0:0:0.2 -StableFor 0:0:0.3 `
                    -RescanInterval 0:0:2 -MaxRetries 0 -Timeout 0:3:0 -ErrorAction SilentlyContinue
            }).AddArgument($ModulePath).AddArgument($f.In).AddArgument($f.Out).AddArgument($f.Log)
        $handle = $ps.BeginInvoke()
        try {
            Add-Image $f.In 'good.png'
            $outage = [Diagnostics.Stopwatch]::StartNew()
            Start-Sleep -Seconds 60
            $handle.IsCompleted | Should -BeFalse -Because 'the watch must not give up during the outage'
            $Emulator.ClearFaults()
            Wait-Until { Test-Path -LiteralPath (Join-Path $f.In 'processed/good.png') } 90
            Join-Path $f.Out 'good-edited.png' | Should -Exist
            $log = Get-Content -Raw -LiteralPath (Get-ChildItem -LiteralPath $f.Log -Filter 'watch-*.log')[0].FullName
            $log | Should -Match 'Pausing'
            $log | Should -Match 'Resuming'
            $handle.IsCompleted | Should -BeFalse
        }
        finally { $ps.Stop(); $ps.Dispose() }
    }

    It 'stops on SIGTERM like Ctrl+C: logs it, releases the lock, exits 2' -Skip:$OnWindows {
        $f = New-WatchFolders
        $child = Invoke-ChildWatch $f -Tail '; exit $LASTEXITCODE' -NoWait
        try {
            Wait-Until { Test-Path -LiteralPath (Join-Path $f.In '.gemini-watch.lock') } 60
            Start-Sleep -Milliseconds 500
            & kill -TERM $child.Id
            $child.WaitForExit(20000) | Should -BeTrue
        }
        finally { if (-not $child.HasExited) { $child.Kill() } }
        Join-Path $f.In '.gemini-watch.lock' | Should -Not -Exist
        $log = Get-Content -Raw -LiteralPath (Get-ChildItem -LiteralPath $f.Log -Filter 'watch-*.log')[0].FullName
        $log | Should -Match 'Watch stopped by a termination signal'
        $child.ExitCode | Should -Be 2
    }
}

Describe 'Start-GeminiFolderWatch exit codes for schedulers' {
    BeforeEach { $Emulator.Reset(); $Emulator.Latency = [timespan]::Zero }

    It 'exits 2 when the folder is busy or missing, with -Once and without' -TestCases @(
        @{ Case = 'busy'; Tail = '-Once; exit $LASTEXITCODE' }
        @{ Case = 'busy'; Tail = '-Timeout 0:0:5; exit $LASTEXITCODE' }
        @{ Case = 'missing'; Tail = '-Once; exit $LASTEXITCODE' }
        @{ Case = 'missing'; Tail = '-Timeout 0:0:5; exit $LASTEXITCODE' }
    ) {
        $f = New-WatchFolders
        $lock = $null
        if ($Case -eq 'busy') { $lock = [IO.File]::Open((Join-Path $f.In '.gemini-watch.lock'), 'OpenOrCreate', 'ReadWrite', 'None') }
        else { Remove-Item -LiteralPath $f.In }
        try { Invoke-ChildWatch $f -Tail $Tail | Should -Be 2 }
        finally { if ($lock) { $lock.Dispose() } }
        $log = Get-Content -Raw -LiteralPath (Get-ChildItem -LiteralPath $f.Log -Filter 'watch-*.log')[0].FullName
        $log | Should -Match 'Refused to start'
    }

    It 'a broken output folder stops a continuous watch with exit 2 before anything is paid for' {
        $f = New-WatchFolders
        Add-Image $f.In 'good.png'
        Remove-Item -LiteralPath $f.Out -Recurse -Force -ErrorAction SilentlyContinue
        Set-Content -LiteralPath $f.Out -Value 'a file where the output folder should be'
        Invoke-ChildWatch $f -Tail '-Timeout 0:0:20; exit $LASTEXITCODE' | Should -Be 2
        $Emulator.RequestCount | Should -Be 0
        Join-Path $f.In 'good.png' | Should -Exist
        Join-Path $f.In 'failed' | Should -Not -Exist
    }

    It 'a continuous watch that ends at its time limit exits 0 through -File' {
        $f = New-WatchFolders
        Add-Image $f.In 'good.png'
        $env = @{ GEMINI_BASE_URL = $Emulator.BaseUri.AbsoluteUri; GEMINI_API_KEY = $Emulator.ApiKey }
        $run = Invoke-TestPwsh -Environment $env -Script ("Import-Module '$ModulePath'; Start-GeminiFolderWatch -Path '$($f.In)' -Prompt 'x' " +
            "-OutputDirectory '$($f.Out)' -LogDirectory '$($f.Log)' -PollInterval 0:0:0.1 -StableFor 0:0:0.3 -Timeout 0:0:8 | Out-Null; exit `$LASTEXITCODE")
        $run.ExitCode | Should -Be 0 -Because $run.Output
        Join-Path $f.In 'processed/good.png' | Should -Exist
    }
}
