<#
    Helpers for the work queue tests (Submit-GeminiJob, Start-GeminiWorker, ...). Dot-source AFTER common.ps1; it
    brings LedgerTestHelpers.ps1 and PostgresTestHelpers.ps1 along.

      Enter-TestQueueSuite     for BeforeAll: a test data folder, the PostgreSQL test server and the emulator with
                               small images and no latency; returns the server and the emulator
      Exit-TestQueueSuite      for AfterAll: the SQLite ledger again, the emulator and an owned server stopped
      Reset-TestQueue          for BeforeEach: the emulator reset (small images, no latency) and a fresh queue

      New-TestQueue            a fresh team database set as this session's ledger, and a queue in it; returns
                               Name, OutputRoot, ConnectionString and Database
      Start-TestQueueProcess   runs a script in a separate pwsh process (a producer or a worker "on another machine")
                               with the module imported, the team database, the emulator and its own data folder;
                               returns Process and Log (its output). Wait with Wait-TestQueueProcess.
      Get-TestEmulatorCalls    generateContent calls the emulator answered, per prompt
#>

. (Join-Path $PSScriptRoot 'LedgerTestHelpers.ps1')
. (Join-Path $PSScriptRoot 'PostgresTestHelpers.ps1')

$script:SmallImage = Join-Path $RepoRoot 'tests/unit/data/images/good.png'

function Enter-TestQueueSuite {
    $null = Enter-TestGeminiHome
    $pg = Use-TestPostgres
    # Small images: the queue tests are about the queue, and CI time counts.
    $emulator = Start-TestEmulator @{ ImageFile = $script:SmallImage }
    $pg, $emulator
}

function Exit-TestQueueSuite {
    Set-GeminiConfig -Ledger SQLite
    Stop-GeminiEmulator
    Stop-OwnedTestPostgres
    Exit-TestGeminiHome
}

function Reset-TestQueue {
    param([Parameter(Mandatory)] $Pg, [Parameter(Mandatory)] $Emulator, [string] $Name = 'q', [string] $OutputRoot)
    $Emulator.Reset()
    $Emulator.ImageFile = $script:SmallImage
    $Emulator.Latency = [TimeSpan]::Zero
    New-TestQueue $Pg -Name $Name -OutputRoot $OutputRoot
}

function New-TestQueue {
    param([Parameter(Mandatory)] $Pg, [string] $Name = 'q', [string] $OutputRoot)
    $connection = New-TestPostgresDatabase $Pg
    Set-GeminiConfig -Ledger $connection
    if (-not $OutputRoot) { $OutputRoot = New-TestFolder 'queue-out' }
    $null = New-GeminiQueue -Name $Name -OutputRoot $OutputRoot
    [pscustomobject]@{
        Name             = $Name
        OutputRoot       = $OutputRoot
        ConnectionString = $connection
        Database         = ($connection -split ';' | Where-Object { $_ -like 'Database=*' }) -replace 'Database='
    }
}

function Start-TestQueueProcess {
    param([Parameter(Mandatory)] [string] $Script, [Parameter(Mandatory)] $Queue, [Parameter(Mandatory)] $Emulator)
    $exe, $prefix = Get-TestPowerShell
    $file = Join-Path ([System.IO.Path]::GetTempPath()) ('queue-' + [guid]::NewGuid().ToString('N') + '.ps1')
    $machineHome = New-TestFolder 'machine'
    Set-Content -LiteralPath $file -Encoding utf8 -Value @"
`$ErrorActionPreference = 'Stop'
`$env:GEMINI_IMAGE_HOME = '$machineHome'
Import-Module '$ModulePath'
$Script
"@
    $environment = @{
        GEMINI_IMAGE_LEDGER = $Queue.ConnectionString
        GEMINI_BASE_URL     = "$($Emulator.BaseUri)"
        GEMINI_API_KEY      = $Emulator.ApiKey
    }
    $saved = @{}
    try {
        foreach ($k in $environment.Keys) {
            $saved[$k] = [Environment]::GetEnvironmentVariable($k)
            [Environment]::SetEnvironmentVariable($k, $environment[$k])
        }
        $arguments = @($prefix | Where-Object { $_ }) + @('-NoProfile', '-NonInteractive', '-File', $file)
        $process = Start-Process -FilePath $exe -ArgumentList $arguments -PassThru -RedirectStandardOutput "$file.log" -RedirectStandardError "$file.err"
    }
    finally {
        foreach ($k in $saved.Keys) { [Environment]::SetEnvironmentVariable($k, $saved[$k]) }
    }
    [pscustomobject]@{ Process = $process; Log = "$file.log"; Errors = "$file.err" }
}

function Wait-TestQueueProcess {
    param([Parameter(Mandatory)] $Child, [int] $TimeoutSec = 120)
    if (-not $Child.Process.WaitForExit($TimeoutSec * 1000)) {
        $Child.Process.Kill()
        throw "The child process did not end within $TimeoutSec s: $(Get-Content -Raw $Child.Log) $(Get-Content -Raw $Child.Errors)"
    }
    $Child.Process.WaitForExit()
    [pscustomobject]@{
        ExitCode = $Child.Process.ExitCode
        Output   = (Get-Content -Raw -LiteralPath $Child.Log -ErrorAction SilentlyContinue) + (Get-Content -Raw -LiteralPath $Child.Errors -ErrorAction SilentlyContinue)
    }
}

# Waits until $Condition is true (polled), at most $TimeoutSec; throws with $Because otherwise.
function Wait-TestCondition {
    param([Parameter(Mandatory)] [scriptblock] $Condition, [int] $TimeoutSec = 60, [string] $Because = 'the condition')
    $deadline = [DateTime]::UtcNow.AddSeconds($TimeoutSec)
    while (-not (& $Condition)) {
        if ([DateTime]::UtcNow -gt $deadline) { throw "Timed out after $TimeoutSec s waiting for $Because." }
        Start-Sleep -Milliseconds 100
    }
}

function Get-TestEmulatorCalls([Parameter(Mandatory)] $Emulator) {
    $calls = @{}
    foreach ($r in $Emulator.Requests) {
        if ($r.Path -notmatch 'generateContent') { continue }
        $calls[$r.Prompt] = 1 + [int]$calls[$r.Prompt]
    }
    $calls
}
