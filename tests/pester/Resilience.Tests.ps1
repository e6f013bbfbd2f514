BeforeAll {
    . (Join-Path $PSScriptRoot 'common.ps1')
    $script:Emulator = Start-TestEmulator
    function Add-Fault([string] $Kind, [int] $Count = 1, [double] $RetryDelaySec = 1) {
        $fault = (Get-GeminiType GeminiImage.Emulator.EmulatorFault)::new($Kind)
        $fault.Count = $Count
        $fault.RetryDelay = [timespan]::FromSeconds($RetryDelaySec)
        $Emulator.EnqueueFault($fault)
    }
    # Runs New-GeminiImage in a second runspace of this process (same module, same emulator), stops it
    # once the emulator has seen the request, and returns how long the stop took.
    function Measure-Stop([string] $Prompt, [string] $Out, [int] $AfterMs = 500) {
        $ps = [powershell]::Create()
        $null = $ps.AddScript("Import-Module '$ModulePath'; New-GeminiImage '$Prompt' -OutputDirectory '$Out' -MaxRetries 3")
        $handle = $ps.BeginInvoke()
        $deadline = [DateTime]::UtcNow.AddSeconds(10)
        while ($Emulator.RequestCount -lt 1 -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 20 }
        Start-Sleep -Milliseconds $AfterMs
        $watch = [System.Diagnostics.Stopwatch]::StartNew()
        $ps.Stop()
        $watch.Stop()
        $handle.IsCompleted | Should -BeTrue
        $ps.Dispose()
        $watch.Elapsed
    }
}
AfterAll { Stop-GeminiEmulator }

Describe 'Retries' {
    BeforeEach {
        $Emulator.Reset()
        $script:Out = New-TestFolder 'res'
    }

    It 'waits out RetryInfo on 429 twice, then delivers one image' {
        Add-Fault RateLimited429 -Count 2 -RetryDelaySec 2
        $watch = [System.Diagnostics.Stopwatch]::StartNew()
        $verbose = $null
        $image = New-GeminiImage 'patient fox' -OutputDirectory $Out -Verbose 4>&1 | Tee-Object -Variable verbose | Where-Object { $_.PSObject.TypeNames[0] -eq 'GeminiImage.Engine.Generation.GeminiImageResult' }
        $watch.Elapsed.TotalSeconds | Should -BeGreaterOrEqual 4
        @($image).Count | Should -Be 1
        $Emulator.RequestCount | Should -Be 3
        ($verbose | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }).Message | Where-Object { $_ -match 'Retry \d of \d after HTTP 429 RESOURCE_EXHAUSTED; waiting 2\.\d s' } | Should -HaveCount 2
    }

    It 'retries a 503 then succeeds' {
        Add-Fault Unavailable503
        $image = New-GeminiImage 'overloaded fox' -OutputDirectory $Out
        $image.Path | Should -Exist
        $Emulator.RequestCount | Should -Be 2
    }

    It 'sends a 400 exactly once' {
        Add-Fault BadRequest400
        $err = $null
        New-GeminiImage 'bad request' -OutputDirectory $Out -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -BeLike 'GeminiImage.BadRequest*'
        $err[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
        $Emulator.RequestCount | Should -Be 1
    }

    It 'does not retry a daily quota and says when it resets' {
        Add-Fault DailyQuota429
        $err = $null
        New-GeminiImage 'daily' -OutputDirectory $Out -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -BeLike 'GeminiImage.DailyQuotaExceeded*'
        $err[0].CategoryInfo.Category | Should -Be 'QuotaExceeded'
        $err[0].Exception.Message | Should -Match 'midnight Pacific'
        $err[0].ErrorDetails.RecommendedAction | Should -Match 'resets'
        $Emulator.RequestCount | Should -Be 1
    }

    It 'gives a clear error for a <Kind> 200 body' -TestCases @(@{ Kind = 'TruncatedBody' }, @{ Kind = 'MalformedBody' }) {
        Add-Fault $Kind
        $err = $null
        New-GeminiImage 'broken body' -OutputDirectory $Out -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -BeLike 'GeminiImage.MalformedResponse*'
        $err[0].CategoryInfo.Category | Should -Be 'ProtocolError'
        Get-ChildItem $Out | Should -BeNullOrEmpty
    }

    It 'gives the status and a snippet for a proxy HTML page' {
        Add-Fault HtmlError502 -Count 5
        $err = $null
        New-GeminiImage 'through a proxy' -OutputDirectory $Out -MaxRetries 1 -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].Exception.Message | Should -Match '502'
        $err[0].Exception.Message | Should -Not -Match '<html'
        $Emulator.RequestCount | Should -Be 2
    }

    It 'times out on a server that never answers, on time' {
        Add-Fault Hang
        $err = $null
        $watch = [System.Diagnostics.Stopwatch]::StartNew()
        New-GeminiImage 'hang' -OutputDirectory $Out -TimeoutSec 2 -MaxRetries 0 -ErrorVariable err -ErrorAction SilentlyContinue
        $watch.Elapsed.TotalSeconds | Should -BeLessThan 4
        $watch.Elapsed.TotalSeconds | Should -BeGreaterOrEqual 1.9
        $err[0].FullyQualifiedErrorId | Should -BeLike 'GeminiImage.Timeout*'
        $err[0].CategoryInfo.Category | Should -Be 'OperationTimeout'
    }

    It '-ErrorAction Stop turns a per-item failure into a terminating error' {
        { New-GeminiImage 'nope [emulator:block]' -OutputDirectory $Out -ErrorAction Stop } | Should -Throw -ErrorId 'GeminiImage.PromptBlocked*'
    }
}

Describe 'Stopping' {
    BeforeEach {
        $Emulator.Reset()
        $script:Out = New-TestFolder 'stop'
    }

    It 'stops within a second during a long backoff, leaving no files' {
        $elapsed = Measure-Stop -Prompt 'wait [emulator:429=30]' -Out $Out
        $elapsed.TotalSeconds | Should -BeLessThan 1.5
        Get-ChildItem -LiteralPath $Out -Force | Should -BeNullOrEmpty
    }

    It 'stops within a second mid-request, leaving no files' {
        Add-Fault Hang
        $elapsed = Measure-Stop -Prompt 'hang forever' -Out $Out
        $elapsed.TotalSeconds | Should -BeLessThan 1.5
        Get-ChildItem -LiteralPath $Out -Force | Should -BeNullOrEmpty
    }
}

Describe 'Client-side rate limit' {
    AfterAll { Set-GeminiConfig -RequestsPerMinute 0 }

    It 'paces requests to the configured rate' {
        $Emulator.Reset()
        $out = New-TestFolder 'rate'
        Set-GeminiConfig -RequestsPerMinute 120
        (Get-GeminiConfig).RequestsPerMinute | Should -Be 120
        $watch = [System.Diagnostics.Stopwatch]::StartNew()
        1..5 | ForEach-Object { "paced $_" } | New-GeminiImage -OutputDirectory $out | Out-Null
        # 5 starts at 120 per minute are at least 4 × 0.5 s apart.
        $watch.Elapsed.TotalSeconds | Should -BeGreaterOrEqual 1.9
        $times = $Emulator.Requests.Time
        ($times[4] - $times[0]).TotalSeconds | Should -BeGreaterOrEqual 1.9
    }

    It 'bounds the session''s calls in flight to -MaxConcurrency, whatever -ThrottleLimit asks' {
        $Emulator.Reset()
        $out = New-TestFolder 'concurrency'
        Set-GeminiConfig -MaxConcurrency 1
        $Emulator.Latency = [timespan]::FromMilliseconds(300)
        try { 1..3 | ForEach-Object { "one at a time $_" } | New-GeminiImage -OutputDirectory $out -ThrottleLimit 3 | Out-Null }
        finally { $Emulator.Latency = [timespan]::Zero; Set-GeminiConfig -MaxConcurrency 8 }
        $times = @($Emulator.Requests.Time | Sort-Object)
        $times | Should -HaveCount 3
        # Each request starts after the one before it ended (300 ms each).
        ($times[1] - $times[0]).TotalMilliseconds | Should -BeGreaterOrEqual 250
        ($times[2] - $times[1]).TotalMilliseconds | Should -BeGreaterOrEqual 250
    }
}
