<#
.SYNOPSIS
    Build, test and demo script for the GeminiImage module.

.DESCRIPTION
    Run from anywhere with the pinned PowerShell tool:

        dotnet tool restore && dotnet pwsh -NoProfile -File ./build.ps1 -Task Test

    Tasks
      Build    dotnet publish src/GeminiImage.Cmdlets and src/GeminiImage.LoadContext, then assemble
               output/GeminiImage/: the manifest and format file from module/, LICENSE, the cmdlet dll and
               its MAML help (compiled from docs/*.md by tools/Build-Help.ps1 in a child pwsh) at the
               root; the engine, emulator, load-context shim, third-party dlls and runtimes/ in bin/.
      Test     Build, then start a throw-away PostgreSQL server (tools/Start-TestPostgres.ps1: installs Debian's
               postgresql package when missing, initdb + pg_ctl on a temp folder and a free port; GEMINI_TEST_PG
               names its state file), then xUnit (tests/unit, TRX and log in TestResults/, in the background) beside Pester 5
               (tests/pester, in -PesterGroups child pwsh processes side by side, default 2, files split by
               tests/pester/test-seconds.json; NUnit XML in TestResults/pester-N.xml), then stop the server. A server that cannot start
               counts as one failed test. The LAST line printed is
               'N passed, N failed' (both runners summed), after a "Failed (N):" list naming each failed test
               with the first line of its message; exit code 1 on any failure, and a runner that could not run
               counts as one failed test.
      Demo     Build, then generate a few images into output/demo/ (local emulator unless
               GEMINI_API_KEY is set).
      Bench    Build, then every bench/*.Bench.ps1 in a child pwsh (-ModulePath output/GeminiImage).
      Package  Build, then Publish-PSResource output/GeminiImage to a folder repository (tools/Publish-Module.ps1
               in a child pwsh with a temporary HOME): output/packages/GeminiImage.<version>.nupkg.
      Mutate   Mutation testing (dotnet-stryker, pinned in dotnet-tools.json) of src/GeminiImage.Engine with the
               xUnit project, configured by tests/unit/stryker-config.json. -MutateFolder limits it to engine
               folders or files (e.g. Pricing,Cache or Ledger/BudgetGuard.cs), -TestFilter to some tests (dotnet test --filter syntax). HTML and JSON
               report under output/mutation/<folders>/reports/; prints the score per folder. Starts the PostgreSQL
               test server for the run, as Test does. Slow, so not part of Test or CI.
      LiveTest Build, then tools/LiveTest.ps1 in a child pwsh: the live contract check for maintainers against Google
               (skipped with a message when GEMINI_API_KEY is unset; never run by CI). Diffs the live models against the
               catalog, prints the estimated spend (under $0.50) first, runs the cheapest generation once per stable image
               model, checks the answers' shapes and prints a drift report last; exit code 1 on any drift.
      Clean    Remove output/, TestResults/ and every bin/ and obj/ under src/ and tests/.

    The module version lives only in module/GeminiImage.psd1 (ModuleVersion); it is passed to
    dotnet as -p:Version so the assemblies carry the same version.
#>
[CmdletBinding()]
param(
    [ValidateSet('Build', 'Test', 'Demo', 'Bench', 'Package', 'Mutate', 'LiveTest', 'Clean')]
    [string] $Task = 'Build',
    [string] $Configuration = 'Release',
    # Mutate only: engine folders or files to mutate (default: the whole engine), tests to run, parallel test sessions.
    [string[]] $MutateFolder = @(),
    [string] $TestFilter = '',
    [ValidateRange(1, 64)] [int] $Concurrency = 1,
    # Test only: how many Pester processes run side by side (1 runs them all in one process, as before).
    [ValidateRange(1, 8)] [int] $PesterGroups = 2
)

Set-StrictMode -Version 3.0
$ErrorActionPreference = 'Stop'
$PSNativeCommandUseErrorActionPreference = $false   # we check $LASTEXITCODE ourselves
$ProgressPreference = 'SilentlyContinue'
if ($PSVersionTable.PSVersion.Major -ge 7) { $PSStyle.OutputRendering = 'PlainText' }
$env:DOTNET_CLI_TELEMETRY_OPTOUT = '1'
$env:DOTNET_NOLOGO = '1'
$env:DOTNET_SKIP_FIRST_TIME_EXPERIENCE = '1'

$Root = $PSScriptRoot
Set-Location -LiteralPath $Root
$OutputDir = Join-Path $Root 'output'
$ModuleDir = Join-Path $OutputDir 'GeminiImage'
$ResultsDir = Join-Path $Root 'TestResults'
$ManifestSource = Join-Path $Root 'module/GeminiImage.psd1'
$FormatSource = Join-Path $Root 'module/GeminiImage.Format.ps1xml'
$CmdletsProject = Join-Path $Root 'src/GeminiImage.Cmdlets'
$LoadContextProject = Join-Path $Root 'src/GeminiImage.LoadContext'
$RootAssembly = 'GeminiImage.Cmdlets.dll'
$LicenseFile = Join-Path $Root 'LICENSE'
$UnitTestProject = Join-Path $Root 'tests/unit'
$PesterTests = Join-Path $Root 'tests/pester'
# Assemblies that PowerShell itself provides; never ship them in the module folder.
$HostAssemblies = @('System.Management.Automation.dll', 'Microsoft.PowerShell.*.dll', 'Microsoft.Management.Infrastructure*.dll')

function Write-Step([string] $Message) { Write-Host "==> $Message" }

# Runs a native command; throws when it exits non-zero.
# (No param block on purpose: native switches such as -o must reach the native command as is.)
function Invoke-Native {
    $FilePath, $ArgumentList = $args
    $ArgumentList = @($ArgumentList)
    Write-Host "> $FilePath $($ArgumentList -join ' ')"
    & $FilePath @ArgumentList | Out-Host
    if ($LASTEXITCODE -ne 0) { throw "'$FilePath $($ArgumentList -join ' ')' failed with exit code $LASTEXITCODE" }
}

# Runs a script in a child `dotnet pwsh` (the pinned tool; resolved from the repo's tool manifest).
function Invoke-ChildPwsh {
    param([Parameter(Mandatory)] [string] $ScriptPath, [string[]] $ArgumentList = @(), [switch] $NoThrow)
    $pwshArgs = @('pwsh', '-NoProfile', '-NonInteractive', '-File', $ScriptPath) + $ArgumentList
    Write-Host "> dotnet $($pwshArgs -join ' ')"
    & dotnet @pwshArgs | Out-Host
    $code = $LASTEXITCODE
    if ($code -ne 0 -and -not $NoThrow) { throw "child pwsh '$ScriptPath' failed with exit code $code" }
    $code
}

# Runs a script in a child pwsh (the same PowerShell as this one) whose user folders (HOME, XDG_*, LOCALAPPDATA...)
# point at a fresh temporary folder, so PSResourceGet settings and user-scope installs never touch the real ones.
# Started as `dotnet <PSHOME>/pwsh.dll` under the dotnet tool: `dotnet pwsh` itself would look for the tool under HOME.
function Invoke-IsolatedPwsh {
    param([Parameter(Mandatory)] [string] $ScriptPath, [string[]] $ArgumentList = @())
    $temp = Join-Path ([System.IO.Path]::GetTempPath()) ("GeminiImage-home-" + [guid]::NewGuid().ToString('N'))
    $vars = [ordered]@{
        HOME = $temp; USERPROFILE = $temp; XDG_DATA_HOME = "$temp/.local/share"; XDG_CONFIG_HOME = "$temp/.config"
        XDG_CACHE_HOME = "$temp/.cache"; LOCALAPPDATA = "$temp/AppData/Local"; APPDATA = "$temp/AppData/Roaming"
    }
    $saved = @{}
    $exe = [Environment]::ProcessPath
    $prefix = @(if ([System.IO.Path]::GetFileNameWithoutExtension($exe) -eq 'dotnet') { Join-Path $PSHOME 'pwsh.dll' })
    try {
        foreach ($k in $vars.Keys) {
            New-Item -ItemType Directory -Path $vars[$k] -Force | Out-Null
            $saved[$k] = [Environment]::GetEnvironmentVariable($k)
            [Environment]::SetEnvironmentVariable($k, $vars[$k])
        }
        Write-Host "> pwsh -File $ScriptPath $($ArgumentList -join ' ')   (HOME=$temp)"
        $out = & $exe @prefix -NoProfile -NonInteractive -File $ScriptPath @ArgumentList
        if ($LASTEXITCODE -ne 0) { throw "child pwsh '$ScriptPath' failed with exit code $LASTEXITCODE" }
        $out
    }
    finally {
        foreach ($k in $saved.Keys) { [Environment]::SetEnvironmentVariable($k, $saved[$k]) }
        Remove-Item -LiteralPath $temp -Recurse -Force -ErrorAction SilentlyContinue
    }
}

function Get-ModuleVersion { [string](Import-PowerShellDataFile -LiteralPath $ManifestSource).ModuleVersion }

function Get-GlobalPackagesFolder {
    if ($env:NUGET_PACKAGES) { return $env:NUGET_PACKAGES }
    $line = & dotnet nuget locals global-packages --list 2>$null | Select-Object -First 1
    if ($LASTEXITCODE -eq 0 -and "$line" -match 'global-packages:\s*(.+?)\s*$') { return $Matches[1] }
    Join-Path ([Environment]::GetFolderPath('UserProfile')) '.nuget/packages'
}

# The Pester version is pinned once, by the PackageDownload in tests/unit/GeminiImage.Tests.csproj.
function Get-PesterManifest {
    $csproj = [xml](Get-Content -LiteralPath (Join-Path $UnitTestProject 'GeminiImage.Tests.csproj') -Raw)
    $node = $csproj.SelectSingleNode("//PackageDownload[@Include='Pester']")
    if (-not $node) { throw 'tests/unit/GeminiImage.Tests.csproj has no <PackageDownload Include="Pester" .../>' }
    $version = $node.GetAttribute('Version').Trim('[', ']', ' ')
    $psd1 = Join-Path (Get-GlobalPackagesFolder) "pester/$version/tools/Pester.psd1"
    if (-not (Test-Path -LiteralPath $psd1)) {
        Invoke-Native dotnet restore $UnitTestProject
        if (-not (Test-Path -LiteralPath $psd1)) { throw "Pester $version not found at $psd1 after restore" }
    }
    $psd1
}

# A package's assembly for another target framework, from the restored engine project's assets (same version as shipped).
function Get-PackageAssembly([string] $Package, [string] $Framework) {
    $assets = Get-Content -Raw -LiteralPath (Join-Path $Root 'src/GeminiImage.Engine/obj/project.assets.json') | ConvertFrom-Json
    $library = $assets.libraries.PSObject.Properties | Where-Object Name -like "$Package/*" | Select-Object -First 1
    if (-not $library) { throw "$Package is not a dependency of GeminiImage.Engine" }
    foreach ($folder in $assets.packageFolders.PSObject.Properties.Name) {
        $dll = Join-Path $folder "$($library.Value.path)/lib/$Framework/$Package.dll"
        if (Test-Path -LiteralPath $dll) { return $dll }
    }
    throw "no $Framework build of $($library.Name) in the NuGet package folders"
}

function Invoke-Build {
    $version = Get-ModuleVersion
    Write-Step "Build GeminiImage $version ($Configuration)"
    $publishDir = Join-Path ([System.IO.Path]::GetTempPath()) ("GeminiImage-publish-" + [guid]::NewGuid().ToString('N'))
    $shimDir = Join-Path $publishDir 'loadcontext'
    try {
        Invoke-Native dotnet publish $CmdletsProject -c $Configuration -o $publishDir "-p:Version=$version" --nologo
        Invoke-Native dotnet publish $LoadContextProject -c $Configuration -o $shimDir "-p:Version=$version" --nologo

        # Layout: the root holds only what PowerShell reads at import (manifest, format file, the cmdlet assembly
        # and its help); everything else goes to bin/, which only the module's resolver looks into
        # (Infrastructure/ModuleInitializer.cs): a private AssemblyLoadContext on PowerShell 7, AssemblyResolve on 5.1.
        Write-Step "Assemble $ModuleDir"
        if (Test-Path -LiteralPath $ModuleDir) { Remove-Item -LiteralPath $ModuleDir -Recurse -Force }
        $binDir = Join-Path $ModuleDir 'bin'
        New-Item -ItemType Directory -Path $binDir -Force | Out-Null
        $dlls = Get-ChildItem -LiteralPath $publishDir -Filter *.dll -File | Where-Object {
            $n = $_.Name; -not ($HostAssemblies | Where-Object { $n -like $_ })
        }
        if (-not ($dlls | Where-Object Name -eq $RootAssembly)) { throw "publish produced no $RootAssembly in $publishDir" }
        $dlls | Where-Object Name -ne $RootAssembly | Copy-Item -Destination $binDir
        Copy-Item -LiteralPath (Join-Path $publishDir $RootAssembly) -Destination $ModuleDir
        Copy-Item -LiteralPath (Join-Path $shimDir 'GeminiImage.LoadContext.dll') -Destination $binDir
        # our own pdbs give line numbers in stack traces
        Get-ChildItem -LiteralPath $publishDir, $shimDir -Filter 'GeminiImage.*.pdb' -File | ForEach-Object {
            $_ | Copy-Item -Destination $(if ($_.BaseName -eq 'GeminiImage.Cmdlets') { $ModuleDir } else { $binDir })
        }
        # native e_sqlite3: SqliteNativeLoader looks for runtimes/<rid>/native next to GeminiImage.Engine.dll
        $runtimes = Join-Path $publishDir 'runtimes'
        if (Test-Path -LiteralPath $runtimes) { Copy-Item -LiteralPath $runtimes -Destination $binDir -Recurse }
        # ImageSharp's .NET Core build uses hardware intrinsics (SIMD decode, resize, encode); PowerShell 7 loads it
        # from bin/core (DependencyLoadContext), Windows PowerShell 5.1 keeps the netstandard2.0 copy in bin/.
        $coreDir = Join-Path $binDir 'core'
        New-Item -ItemType Directory -Path $coreDir -Force | Out-Null
        Copy-Item -LiteralPath (Get-PackageAssembly 'SixLabors.ImageSharp' 'netcoreapp3.1') -Destination $coreDir
        Copy-Item -LiteralPath $ManifestSource, $LicenseFile -Destination $ModuleDir
        # about_ help topics (Get-Help about_GeminiImage) ship in the module's culture folder.
        $aboutSource = Join-Path $Root 'module/en-US'
        if (Test-Path -LiteralPath $aboutSource) { Copy-Item -LiteralPath $aboutSource -Destination $ModuleDir -Recurse -Force }
        if (Test-Path -LiteralPath $FormatSource) { Copy-Item -LiteralPath $FormatSource -Destination $ModuleDir }
        else {
            Write-Warning "module/GeminiImage.Format.ps1xml is missing; writing an empty one"
            Set-Content -LiteralPath (Join-Path $ModuleDir 'GeminiImage.Format.ps1xml') -Encoding utf8 -Value @'
<?xml version="1.0" encoding="utf-8"?>
<Configuration>
  <ViewDefinitions>
  </ViewDefinitions>
</Configuration>
'@
        }
    }
    finally {
        if (Test-Path -LiteralPath $publishDir) { Remove-Item -LiteralPath $publishDir -Recurse -Force -ErrorAction SilentlyContinue }
    }

    Write-Step 'Compile help (docs/*.md -> GeminiImage.Cmdlets.dll-Help.xml)'
    Invoke-ChildPwsh (Join-Path $Root 'tools/Build-Help.ps1') @('-ModulePath', $ModuleDir, '-DocsPath', (Join-Path $Root 'docs')) | Out-Null
    Write-Step "Module ready: $ModuleDir"
}

# Returns [pscustomobject]@{ Passed; Failed; Ran } for the xUnit project.
# Builds the xUnit project, then starts `dotnet test --no-build` in the background (a thread job writing to a log), so
# that it runs beside Pester: the Pester tests mostly wait (emulator latency, child processes), xUnit mostly computes.
function Start-UnitTests {
    Write-Step 'xUnit: dotnet test tests/unit (in the background, beside Pester)'
    $trx = Join-Path $ResultsDir 'unit.trx'
    $log = Join-Path $ResultsDir 'unit.log'
    Remove-Item -LiteralPath $trx, $log -Force -ErrorAction SilentlyContinue
    & dotnet build $UnitTestProject -c $Configuration "-p:Version=$(Get-ModuleVersion)" --nologo -v q | Out-Host
    if ($LASTEXITCODE -ne 0) { return [pscustomobject]@{ Job = $null; Trx = $trx; Log = $log; BuildCode = $LASTEXITCODE } }
    $job = Start-ThreadJob -ArgumentList $UnitTestProject, $Configuration, $ResultsDir, $log -ScriptBlock {
        param($project, $configuration, $results, $log)
        & dotnet test $project -c $configuration --no-build --nologo --logger 'trx;LogFileName=unit.trx' `
            --logger 'console;verbosity=normal' --results-directory $results *> $log
        $LASTEXITCODE
    }
    [pscustomobject]@{ Job = $job; Trx = $trx; Log = $log; BuildCode = 0 }
}

# Waits for Start-UnitTests' run, prints its output, and reads the counts from the TRX.
function Complete-UnitTests($Run) {
    $code = $Run.BuildCode
    if ($Run.Job) {
        $code = [int]($Run.Job | Receive-Job -Wait -AutoRemoveJob | Select-Object -Last 1)
        Write-Step 'xUnit output'
        if (Test-Path -LiteralPath $Run.Log) { Get-Content -LiteralPath $Run.Log | Out-Host }
    }
    $trx = $Run.Trx
    if (-not (Test-Path -LiteralPath $trx)) {
        Write-Host "ERROR: xUnit did not run (dotnet test exit code $code, no $trx); counted as 1 failed"
        return [pscustomobject]@{ Passed = 0; Failed = 1; Ran = $false; FailedTests = @("xUnit did not run (exit code $code)") }
    }
    $ns = @{ t = 'http://microsoft.com/schemas/VisualStudio/TeamTest/2010' }
    $c = (Select-Xml -LiteralPath $trx -XPath '//t:ResultSummary/t:Counters' -Namespace $ns).Node
    $passed = [int]$c.passed
    $failed = [int]$c.failed + [int]$c.error + [int]$c.timeout + [int]$c.aborted
    Write-Host "xUnit: $passed passed, $failed failed, $([int]$c.notExecuted) not executed (of $([int]$c.total)); $trx"
    $names = @(Select-Xml -LiteralPath $trx -XPath "//t:UnitTestResult[@outcome!='Passed' and @outcome!='NotExecuted']" -Namespace $ns | ForEach-Object {
        $message = $_.Node.SelectSingleNode('.//*[local-name()="Message"]')
        $first = if ($message) { ($message.InnerText -split "`r?`n" | Where-Object { $_.Trim() } | Select-Object -First 1) } else { $_.Node.outcome }
        "xUnit $($_.Node.testName) [$($_.Node.duration)]: $first"
    })
    if ($code -ne 0 -and $failed -eq 0) {
        Write-Host "ERROR: dotnet test exited with $code but the TRX shows no failed test; counted as 1 failed"
        $failed = 1
    }
    [pscustomobject]@{ Passed = $passed; Failed = $failed; Ran = $true; FailedTests = $names }
}

# The Pester files in $Count groups of about equal expected time (tests/pester/test-seconds.json: seconds per file
# measured on a quiet CI machine; a file not listed counts 5 s), largest first onto the lightest group.
function Split-PesterFiles([int] $Count) {
    $seconds = @{}
    $weights = Join-Path $PesterTests 'test-seconds.json'
    if (Test-Path -LiteralPath $weights) {
        foreach ($p in (Get-Content -LiteralPath $weights -Raw | ConvertFrom-Json).psobject.Properties) { $seconds[$p.Name] = [double]$p.Value }
    }
    $groups = @(1..$Count | ForEach-Object { [pscustomobject]@{ Index = $_; Files = [System.Collections.Generic.List[string]]::new(); Seconds = 0.0 } })
    $files = Get-ChildItem -LiteralPath $PesterTests -Filter '*.Tests.ps1' |
        ForEach-Object { [pscustomobject]@{ Path = $_.FullName; Seconds = $(if ($seconds.ContainsKey($_.Name)) { $seconds[$_.Name] } else { 5.0 }) } }
    foreach ($file in $files | Sort-Object -Property @{ Expression = 'Seconds'; Descending = $true }, Path) {
        $lightest = $groups | Sort-Object Seconds, Index | Select-Object -First 1
        $lightest.Files.Add($file.Path)
        $lightest.Seconds += $file.Seconds
    }
    $groups
}

# Pester in $PesterGroups child `dotnet pwsh` processes side by side, each with its own test files, data folder and
# temp folder (the per-user pending-records file lives under TMPDIR/TEMP, so groups never see each other's); most
# tests wait on the emulator's latency or on child processes, so two groups on two cores take about half the time.
# Each group's output is printed when it ends; NUnit XML in TestResults/pester-N.xml.
function Invoke-PesterTests {
    $groups = @(Split-PesterFiles $PesterGroups)
    Write-Step "Pester: tests/pester in $($groups.Count) child pwsh processes side by side"
    $pester = Get-PesterManifest
    $runs = foreach ($g in $groups) {
        $list = Join-Path $ResultsDir "pester-$($g.Index).files"
        Set-Content -LiteralPath $list -Value $g.Files -Encoding utf8
        $summary = Join-Path $ResultsDir "pester-$($g.Index)-summary.json"
        Remove-Item -LiteralPath $summary -Force -ErrorAction SilentlyContinue
        $temp = Join-Path ([System.IO.Path]::GetTempPath()) ("GeminiImage-pester-$($g.Index)-" + [guid]::NewGuid().ToString('N').Substring(0, 8))
        New-Item -ItemType Directory -Path $temp -Force | Out-Null
        $psi = [System.Diagnostics.ProcessStartInfo]::new('dotnet')
        foreach ($a in 'pwsh', '-NoProfile', '-NonInteractive', '-File', (Join-Path $Root 'tools/Invoke-PesterTests.ps1'), '-PesterManifest', $pester,
            '-TestPath', "@$list", '-ResultFile', (Join-Path $ResultsDir "pester-$($g.Index).xml"), '-SummaryFile', $summary) { $psi.ArgumentList.Add($a) }
        $psi.WorkingDirectory = $Root
        $psi.UseShellExecute = $false
        $psi.RedirectStandardOutput = $true
        $psi.RedirectStandardError = $true
        foreach ($name in 'TMPDIR', 'TEMP', 'TMP') { $psi.Environment[$name] = $temp }
        Write-Host "> dotnet pwsh -File tools/Invoke-PesterTests.ps1 (group $($g.Index): $($g.Files.Count) files, about $([int]$g.Seconds) s)"
        $process = [System.Diagnostics.Process]::Start($psi)
        [pscustomobject]@{ Group = $g.Index; Process = $process; Out = $process.StandardOutput.ReadToEndAsync(); Err = $process.StandardError.ReadToEndAsync(); Summary = $summary; Temp = $temp }
    }
    $passed = 0; $failed = 0; $ran = $true; $names = [System.Collections.Generic.List[string]]::new()
    foreach ($run in $runs) {
        $run.Process.WaitForExit()
        $code = $run.Process.ExitCode
        Write-Step "Pester group $($run.Group) output"
        $run.Out.Result | Out-Host
        if ($run.Err.Result) { $run.Err.Result | Out-Host }
        Remove-Item -LiteralPath $run.Temp -Recurse -Force -ErrorAction SilentlyContinue
        if (-not (Test-Path -LiteralPath $run.Summary)) {
            Write-Host "ERROR: Pester group $($run.Group) did not run (child exit code $code, no $($run.Summary)); counted as 1 failed"
            $failed++; $ran = $false
            $names.Add("Pester group $($run.Group) did not run (child exit code $code)")
            continue
        }
        $s = Get-Content -LiteralPath $run.Summary -Raw | ConvertFrom-Json
        Write-Host "Pester group $($run.Group): $($s.PassedCount) passed, $($s.FailedCount) failed ($($s.FailedBlocksCount) failed blocks, $($s.FailedContainersCount) failed containers), $($s.SkippedCount) skipped"
        $groupFailed = [int]$s.Failed
        if ($code -ne 0 -and $groupFailed -eq 0) {
            Write-Host "ERROR: Pester group $($run.Group) exited with $code but reported no failure; counted as 1 failed"
            $groupFailed = 1
        }
        $groupNames = @($s.PSObject.Properties['FailedTests'] | ForEach-Object { $_.Value } | Where-Object { $_ })
        foreach ($n in $groupNames) { $names.Add("Pester $n") }
        if ($groupFailed -gt 0 -and $groupNames.Count -eq 0) { $names.Add("Pester group $($run.Group) (exit code $code)") }
        $passed += [int]$s.PassedCount
        $failed += $groupFailed
    }
    Write-Host "Pester: $passed passed, $failed failed"
    [pscustomobject]@{ Passed = $passed; Failed = $failed; Ran = $ran; FailedTests = $names.ToArray() }
}

# Starts tools/Start-TestPostgres.ps1 (installs the postgresql package when missing) and points GEMINI_TEST_PG at its
# state file for the test runners; $false (after an ERROR line) when it cannot.
function Start-TestPostgres {
    $state = Join-Path $ResultsDir 'postgres.json'
    Write-Step 'PostgreSQL test server (tools/Start-TestPostgres.ps1)'
    if ((Invoke-ChildPwsh (Join-Path $Root 'tools/Start-TestPostgres.ps1') @('-StateFile', $state) -NoThrow) -ne 0) {
        Write-Host 'ERROR: the PostgreSQL test server could not be started (see above); the team ledger tests will fail.'
        Remove-Item Env:GEMINI_TEST_PG -ErrorAction SilentlyContinue
        return $false
    }
    $env:GEMINI_TEST_PG = $state
    $true
}

function Stop-TestPostgres {
    if (-not $env:GEMINI_TEST_PG) { return }
    Invoke-ChildPwsh (Join-Path $Root 'tools/Stop-TestPostgres.ps1') @('-StateFile', $env:GEMINI_TEST_PG) -NoThrow | Out-Null
    Remove-Item Env:GEMINI_TEST_PG -ErrorAction SilentlyContinue
}

function Invoke-Test {
    New-Item -ItemType Directory -Path $ResultsDir -Force | Out-Null
    try { Invoke-Build }
    catch {
        Write-Host "ERROR: build failed: $($_.Exception.Message)"
        Write-Host '0 passed, 1 failed'
        exit 1
    }
    # One real PostgreSQL server for both runners (team ledger tests); a server that cannot start is a failure, never a skip.
    $postgres = Start-TestPostgres
    try {
        $unitRun = Start-UnitTests
        try { $pester = Invoke-PesterTests }
        finally { $unit = Complete-UnitTests $unitRun }
    }
    finally { Stop-TestPostgres }
    $passed = $unit.Passed + $pester.Passed
    $failed = $unit.Failed + $pester.Failed + $(if ($postgres) { 0 } else { 1 })
    $code = if ($failed -gt 0 -or -not $unit.Ran -or -not $pester.Ran) { 1 } else { 0 }
    # What failed, named once more at the end, where a CI log's tail shows it.
    $failedTests = @($unit.FailedTests) + @($pester.FailedTests) + @(if (-not $postgres) { 'the PostgreSQL test server did not start' }) | Where-Object { $_ }
    if ($failedTests) {
        Write-Host "Failed ($(@($failedTests).Count)):"
        foreach ($n in $failedTests) { Write-Host "  $($n.Substring(0, [Math]::Min($n.Length, 400)))" }
    }
    # Nothing may be printed after this line (CI reads it as the closing line).
    Write-Host "$passed passed, $failed failed"
    exit $code
}

function Invoke-Demo {
    Invoke-Build
    Write-Step 'Demo (child pwsh)'
    $code = Invoke-ChildPwsh (Join-Path $Root 'tools/Demo.ps1') @('-ModulePath', $ModuleDir, '-OutputPath', (Join-Path $OutputDir 'demo')) -NoThrow
    if ($code -ne 0) { Write-Host "ERROR: demo failed (exit code $code)"; exit 1 }
}

# Every bench/*.Bench.ps1 runs in its own child pwsh with -ModulePath output/GeminiImage.
function Invoke-Bench {
    Invoke-Build
    $benches = @(Get-ChildItem -LiteralPath (Join-Path $Root 'bench') -Filter '*.Bench.ps1' -File -ErrorAction SilentlyContinue | Sort-Object Name)
    if ($benches.Count -eq 0) { Write-Host 'Bench: no bench/*.Bench.ps1'; return }
    $failed = @()
    foreach ($bench in $benches) {
        Write-Step "Bench: $($bench.Name)"
        if ((Invoke-ChildPwsh $bench.FullName @('-ModulePath', $ModuleDir) -NoThrow) -ne 0) { $failed += $bench.Name }
    }
    if ($failed) { Write-Host "ERROR: bench failed: $($failed -join ', ')"; exit 1 }
}

function Invoke-Package {
    Invoke-Build
    $packageDir = Join-Path $OutputDir 'packages'
    Write-Step "Package: Publish-PSResource $ModuleDir to a folder repository ($packageDir)"
    Get-ChildItem -LiteralPath $packageDir -Filter 'GeminiImage.*.nupkg' -ErrorAction SilentlyContinue | Remove-Item -Force
    $package = Invoke-IsolatedPwsh (Join-Path $Root 'tools/Publish-Module.ps1') @('-ModulePath', $ModuleDir, '-RepositoryPath', $packageDir) |
        Select-Object -Last 1
    Write-Step "Package ready: $package"
}

# Mutation score per engine folder from Stryker's JSON report: detected (killed or timed out) / (detected + survived
# + not covered), as Stryker counts it; compile errors and ignored mutants do not count.
function Get-MutationScore([string] $ReportFile) {
    $report = Get-Content -LiteralPath $ReportFile -Raw | ConvertFrom-Json -AsHashtable
    $engine = (Join-Path $Root 'src/GeminiImage.Engine') + [System.IO.Path]::DirectorySeparatorChar
    $rows = foreach ($file in $report.files.GetEnumerator()) {
        $full = if ([System.IO.Path]::IsPathRooted($file.Key)) { $file.Key } else { Join-Path $report.projectRoot $file.Key }
        $relative = [System.IO.Path]::GetRelativePath($engine, $full)
        $folder = if ($relative.Contains([System.IO.Path]::DirectorySeparatorChar)) { $relative.Split([System.IO.Path]::DirectorySeparatorChar)[0] } else { '.' }
        foreach ($m in $file.Value.mutants) { [pscustomobject]@{ Folder = $folder; Status = $m.status } }
    }
    $rows | Where-Object Status -in 'Killed', 'Timeout', 'Survived', 'NoCoverage' | Group-Object Folder | Sort-Object Name | ForEach-Object {
        $detected = @($_.Group | Where-Object Status -in 'Killed', 'Timeout').Count
        $survived = @($_.Group | Where-Object Status -eq 'Survived').Count
        $uncovered = @($_.Group | Where-Object Status -eq 'NoCoverage').Count
        [pscustomobject]@{
            Folder = $_.Name; Mutants = $_.Count; Killed = $detected; Survived = $survived; NoCoverage = $uncovered
            Score = [math]::Round(100.0 * $detected / $_.Count, 1)
        }
    }
}

function Invoke-Mutate {
    $folders = @($MutateFolder | ForEach-Object { $_ -split ',' } | ForEach-Object Trim | Where-Object { $_ })
    $label = if ($folders) { ($folders -join '-') -replace '[\\/]', '.' } else { 'Engine' }
    # Many files make a long name; a folder name may have at most 255 characters.
    if ($label.Length -gt 100) {
        $hash = [System.Security.Cryptography.SHA256]::HashData([System.Text.Encoding]::UTF8.GetBytes($label))
        $label = $label.Substring(0, 80) + '-' + [System.Convert]::ToHexString($hash, 0, 4).ToLowerInvariant()
    }
    $out = Join-Path $OutputDir "mutation/$label"
    Write-Step "Mutate: src/GeminiImage.Engine$(if ($folders) { " ($($folders -join ', '))" }) with tests/unit -> $out"
    Invoke-Native dotnet tool restore
    # Stryker analyses the projects without restoring them; a fresh clone has no obj/ yet.
    Invoke-Native dotnet restore $UnitTestProject
    $strykerArgs = @('dotnet-stryker', '--config-file', 'stryker-config.json', '--output', $out, '--concurrency', $Concurrency, '--skip-version-check')
    # A folder (Ledger) mutates its files; a file (Ledger/BudgetGuard.cs) only that file, for a shorter run.
    foreach ($f in $folders) { $strykerArgs += @('--mutate', $(if ($f -like '*.cs') { "**/GeminiImage.Engine/$f" } else { "**/GeminiImage.Engine/$f/**/*.cs" })) }
    if ($TestFilter) { $strykerArgs += @('--test-case-filter', $TestFilter) }
    # One PostgreSQL test server for the whole run, started here: the team ledger and shared cache tests find it
    # through GEMINI_TEST_PG (inherited by Stryker's test hosts), so no test session starts one of its own.
    New-Item -ItemType Directory -Path $ResultsDir -Force | Out-Null
    if (-not (Start-TestPostgres)) { throw 'The PostgreSQL test server could not be started (see above).' }
    # Stryker runs from the test project's folder, where it finds stryker-config.json (outside the solution context).
    Push-Location -LiteralPath $UnitTestProject
    try { Invoke-Native dotnet @strykerArgs }
    finally { Pop-Location; Stop-TestPostgres }
    $json = Join-Path $out 'reports/mutation-report.json'
    if (-not (Test-Path -LiteralPath $json)) { throw "Stryker wrote no report at $json" }
    Get-MutationScore $json | Format-Table -AutoSize | Out-Host
    Write-Step "Mutation report: $(Join-Path $out 'reports/mutation-report.html')"
}

function Invoke-LiveTest {
    if ([string]::IsNullOrEmpty($env:GEMINI_API_KEY) -and [string]::IsNullOrEmpty($env:GOOGLE_API_KEY)) {
        # Say so before spending a build on it.
        Write-Host 'LiveTest skipped: GEMINI_API_KEY is not set (the live contract check calls Google with your key).'
        return
    }
    Invoke-Build
    Write-Step 'LiveTest (child pwsh; calls Google and spends a little)'
    $code = Invoke-ChildPwsh (Join-Path $Root 'tools/LiveTest.ps1') @('-ModulePath', $ModuleDir) -NoThrow
    if ($code -ne 0) { Write-Host "ERROR: the live contract check found drift or failures (exit code $code)"; exit 1 }
}

function Invoke-Clean {
    Write-Step 'Clean'
    $targets = @($OutputDir, $ResultsDir)
    foreach ($dir in 'src', 'tests', 'bench') {
        $p = Join-Path $Root $dir
        if (Test-Path -LiteralPath $p) {
            $targets += Get-ChildItem -LiteralPath $p -Directory -Recurse -Force |
                Where-Object { $_.Name -in 'bin', 'obj' } | ForEach-Object FullName
        }
    }
    foreach ($t in $targets) {
        if (Test-Path -LiteralPath $t) { Write-Host "remove $t"; Remove-Item -LiteralPath $t -Recurse -Force }
    }
}

switch ($Task) {
    'Build' { Invoke-Build }
    'Test' { Invoke-Test }
    'Demo' { Invoke-Demo }
    'Bench' { Invoke-Bench }
    'Package' { Invoke-Package }
    'Mutate' { Invoke-Mutate }
    'LiveTest' { Invoke-LiveTest }
    'Clean' { Invoke-Clean }
}
exit 0
