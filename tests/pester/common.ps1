<#
    Shared setup for the Pester tests. Dot-source it from BeforeAll in every
    tests/pester/<Verb-Noun>.Tests.ps1:

        BeforeAll { . (Join-Path $PSScriptRoot 'common.ps1') }

    (Tests that build their cases at discovery time, like Help.Tests.ps1, also dot-source it
    in BeforeDiscovery.)

    It imports the BUILT module from output/GeminiImage (run `build.ps1 -Task Build` or
    `-Task Test` first), forces plain-text rendering, and defines:
      $RepoRoot, $ModulePath, $GeminiModule
      New-TestFolder      a fresh empty folder (under TestDrive: when Pester provides it), removed
                          with TestDrive at the end of the block
      Start-TestEmulator  Start-GeminiEmulator (splatting -Parameters), returning its object;
                          marks the current test skipped when the cmdlet does not exist yet.
                          Stop it in AfterAll/AfterEach with Stop-GeminiEmulator.
      Invoke-TestEmulatorControl  calls the emulator's control API (emulator/<Path>) with its ControlToken,
                          e.g. Invoke-TestEmulatorControl $emu faults -Method Post -Body @{ kind = 'Unavailable503' }
      Test-GeminiCommand  $true when the module exports the named command
      Invoke-TestPwsh     runs a script in a fresh pwsh (the same PowerShell as this one), optionally with
                          extra environment variables; returns ExitCode, Output and Result (its last output
                          line parsed as JSON)
      Get-TestPowerShell  this PowerShell as program + leading arguments (`dotnet pwsh` is dotnet + pwsh.dll)
      Use-InstalledPwsh   makes sure a `pwsh` is on PATH, as on a machine with PowerShell installed (see there)
      $OnWindows          $true on Windows, in Windows PowerShell 5.1 too (which has no $IsWindows)

    This file uses nothing newer than Windows PowerShell 5.1 and .NET Framework 4.7.2 have. The test files
    themselves run on PowerShell 7 only (CI runs the pinned 7.6.9 on Linux); see README "Compatibility".
#>
$ErrorActionPreference = 'Stop'
if ($PSVersionTable.PSVersion.Major -ge 7) { $PSStyle.OutputRendering = 'PlainText' }

$script:OnWindows = $env:OS -eq 'Windows_NT'
$script:RepoRoot = (Resolve-Path -LiteralPath (Join-Path $PSScriptRoot '../..')).ProviderPath
$script:ModulePath = Join-Path $script:RepoRoot 'output/GeminiImage'
if (-not (Test-Path -LiteralPath (Join-Path $script:ModulePath 'GeminiImage.psd1'))) {
    throw "The built module is missing at $script:ModulePath; run: dotnet pwsh -NoProfile -File ./build.ps1 -Task Build"
}
$script:GeminiModule = Import-Module -Name $script:ModulePath -Force -PassThru -ErrorAction Stop

function Test-GeminiCommand([Parameter(Mandatory)] [string] $Name) {
    [bool](Get-Command -Name $Name -Module GeminiImage -ErrorAction SilentlyContinue)
}

function New-TestFolder([string] $Name = 'test') {
    $base = if (Test-Path -LiteralPath 'TestDrive:\' -ErrorAction SilentlyContinue) {
        (Get-PSDrive -Name TestDrive).Root
    }
    else { [System.IO.Path]::GetTempPath() }
    $path = Join-Path $base ("$Name-" + [guid]::NewGuid().ToString('N').Substring(0, 8))
    New-Item -ItemType Directory -Path $path -Force | Out-Null
    $path
}

function Start-TestEmulator {
    [CmdletBinding()]
    param([hashtable] $Parameters = @{})
    if (-not (Test-GeminiCommand 'Start-GeminiEmulator')) {
        # Inside It/BeforeEach this marks the test skipped; in BeforeAll Pester reports the block
        # as failed with this message. To skip a whole file or block, guard at discovery time:
        #   BeforeDiscovery { . (Join-Path $PSScriptRoot 'common.ps1') }
        #   Describe 'X' -Skip:(-not (Test-GeminiCommand 'Start-GeminiEmulator')) { ... }
        Set-ItResult -Skipped -Because 'Start-GeminiEmulator is not implemented yet'
        return
    }
    Start-GeminiEmulator @Parameters
}

function Invoke-TestEmulatorControl {
    param(
        [Parameter(Mandatory)] $Emulator,
        [Parameter(Mandatory)] [string] $Path,
        [string] $Method = 'Get',
        $Body
    )
    $request = @{
        Method  = $Method
        Uri     = [Uri]::new($Emulator.BaseUri, 'emulator/' + $Path.TrimStart('/'))
        Headers = @{ 'X-Emulator-Token' = $Emulator.ControlToken }
    }
    if ($null -ne $Body) {
        $request.Body = if ($Body -is [string]) { $Body } else { ConvertTo-Json -InputObject $Body -Depth 5 }
        $request.ContentType = 'application/json'
    }
    Invoke-RestMethod @request
}

function Invoke-TestPwsh {
    param(
        [Parameter(Mandatory)] [string] $Script,
        [string[]] $ArgumentList = @(),
        [hashtable] $Environment = @{}
    )
    $exe, $prefix = Get-TestPowerShell
    $prefix = @($prefix | Where-Object { $_ })
    $file = Join-Path ([System.IO.Path]::GetTempPath()) ("child-" + [guid]::NewGuid().ToString('N') + '.ps1')
    Set-Content -LiteralPath $file -Value $Script -Encoding utf8
    $saved = @{}
    try {
        foreach ($k in $Environment.Keys) {
            $saved[$k] = [Environment]::GetEnvironmentVariable($k)
            [Environment]::SetEnvironmentVariable($k, $Environment[$k])
        }
        $output = & $exe @prefix -NoProfile -NonInteractive -File $file @ArgumentList 2>&1 | ForEach-Object { "$_" }
        $code = $LASTEXITCODE
    }
    finally {
        foreach ($k in $saved.Keys) { [Environment]::SetEnvironmentVariable($k, $saved[$k]) }
        Remove-Item -LiteralPath $file -Force -ErrorAction SilentlyContinue
    }
    $last = @($output | Where-Object { $_ -match '^\s*[\[{]' }) | Select-Object -Last 1
    $result = if ($last) { try { $last | ConvertFrom-Json } catch { $null } } else { $null }
    [pscustomobject]@{ ExitCode = $code; Output = ($output -join [Environment]::NewLine); Result = $result }
}

# Starts a child of this PowerShell running -File $File @ArgumentList with $Environment added, without waiting (for
# tests that race several processes). Returns Process and the Stdout/Stderr read tasks; Wait-TestPwsh ends it.
function Start-TestPwsh {
    param(
        [Parameter(Mandatory)] [string] $File,
        [object[]] $ArgumentList = @(),
        [hashtable] $Environment = @{},
        [string] $Name = ''
    )
    $exe, $prefix = Get-TestPowerShell
    $psi = [System.Diagnostics.ProcessStartInfo]::new($exe)
    foreach ($a in @($prefix | Where-Object { $_ }) + @('-NoProfile', '-NonInteractive', '-File', $File) + $ArgumentList) { $psi.ArgumentList.Add([string]$a) }
    $psi.UseShellExecute = $false
    $psi.RedirectStandardOutput = $true
    $psi.RedirectStandardError = $true
    foreach ($k in $Environment.Keys) { $psi.Environment[$k] = [string]$Environment[$k] }
    $p = [System.Diagnostics.Process]::Start($psi)
    [pscustomobject]@{ Name = $Name; Process = $p; Stdout = $p.StandardOutput.ReadToEndAsync(); Stderr = $p.StandardError.ReadToEndAsync() }
}

# Waits for a Start-TestPwsh child (failing the test when it outlives $TimeoutSec or writes to stderr) and returns its
# trimmed standard output.
function Wait-TestPwsh {
    param([Parameter(Mandatory)] $Child, [int] $TimeoutSec = 240)
    $Child.Process.WaitForExit($TimeoutSec * 1000) | Should -BeTrue -Because "$($Child.Name) should finish within $TimeoutSec s"
    $Child.Process.WaitForExit()
    $Child.Stderr.Result | Should -BeNullOrEmpty -Because "$($Child.Name) stderr"
    $Child.Process.ExitCode | Should -Be 0 -Because "$($Child.Name) exit code"
    $Child.Process.Dispose()
    $Child.Stdout.Result.Trim()
}

# This PowerShell as program + leading arguments. Under `dotnet pwsh` the process is dotnet itself, which needs
# pwsh.dll as its first argument. (Get-Process).Path, not [Environment]::ProcessPath: that is .NET 6+.
function Get-TestPowerShell {
    $exe = (Get-Process -Id $PID).Path
    @($exe) + @(if ([System.IO.Path]::GetFileNameWithoutExtension($exe) -eq 'dotnet') { Join-Path $PSHOME 'pwsh.dll' })
}

# Register-GeminiFolderWatchTask schedules the INSTALLED pwsh found on PATH, never a package cache. Tests run under
# `dotnet pwsh` (a pwsh.dll in the NuGet cache) with no pwsh installed, so this puts a two-line launcher named pwsh,
# which runs this PowerShell, in a temp folder at the front of PATH for this process (an install would do the same
# with a link). Returns the pwsh found on PATH. Not needed on Windows, where the test does not register anyway.
function Use-InstalledPwsh {
    # pwsh puts its own $PSHOME on PATH: under `dotnet pwsh` that is the package cache, which does not count.
    $found = Get-Command -Name pwsh -CommandType Application -All -ErrorAction SilentlyContinue |
        Where-Object { $_.Source -notmatch '[\\/]\.(nuget|store)[\\/]' } | Select-Object -First 1
    if ($found) { return $found.Source }
    $bin = Join-Path ([System.IO.Path]::GetTempPath()) ('GeminiImage-pwsh-' + [guid]::NewGuid().ToString('N').Substring(0, 8))
    New-Item -ItemType Directory -Path $bin -Force | Out-Null
    $launcher = Join-Path $bin 'pwsh'
    $quoted = Get-TestPowerShell | ForEach-Object { "'" + ($_ -replace "'", "'\''") + "'" }
    [System.IO.File]::WriteAllText($launcher, "#!/bin/sh`nexec $($quoted -join ' ') `"`$@`"`n")
    & chmod 755 $launcher
    $env:PATH = $bin + [System.IO.Path]::PathSeparator + $env:PATH
    $launcher
}

# The engine lives in a private AssemblyLoadContext on PowerShell 7, where type literals such as
# [GeminiImage.Engine.Ledger.UsageLedger] do not resolve; tests that need an engine type ask for it here.
function Get-GeminiType([Parameter(Mandatory)] [string] $Name) {
    $null = Get-GeminiModel -Name gemini-2.5-flash-image   # makes sure the engine is loaded
    foreach ($assembly in [AppDomain]::CurrentDomain.GetAssemblies()) {
        $type = $assembly.GetType($Name, $false)
        if ($type) { return $type }
    }
    throw "Type $Name is not loaded (start the emulator first for emulator types)."
}

# Tests read pixels with their own copy of ImageSharp in the default load context (the module's copy is private),
# so [SixLabors.ImageSharp.Image] resolves in test scripts.
if (-not ('SixLabors.ImageSharp.Image' -as [type])) {
    Add-Type -LiteralPath (Join-Path $script:ModulePath 'bin/SixLabors.ImageSharp.dll')
}

# A folder no process can write, even root: a read-only tmpfs mounted there when this process may mount (root on
# Linux), else a folder without write permission (not enough for root). $null when neither is possible here.
# Undo with Remove-SpecialTestFolder.
function New-UnwritableTestFolder {
    $path = New-TestFolder 'unwritable'
    if ($script:OnWindows) { return $null }
    if ((& id -u) -eq '0') {
        & mount -t tmpfs -o 'ro,size=1m' tmpfs $path 2>$null
        if ($LASTEXITCODE -eq 0) { return $path }
        return $null
    }
    & chmod 555 $path
    $path
}

# A folder on a tiny file system (a tmpfs of $MB megabytes), for "disk nearly full"; $null when this process may not mount.
function New-SmallDiskTestFolder([int] $MB = 8) {
    if ($script:OnWindows -or (& id -u) -ne '0') { return $null }
    $path = New-TestFolder 'smalldisk'
    & mount -t tmpfs -o "size=$($MB)m" tmpfs $path 2>$null
    if ($LASTEXITCODE -ne 0) { return $null }
    $path
}

function Remove-SpecialTestFolder([string] $Path) {
    if (-not $Path) { return }
    if (-not $script:OnWindows) {
        & umount $Path 2>$null
        & chmod 755 $Path 2>$null
    }
}
