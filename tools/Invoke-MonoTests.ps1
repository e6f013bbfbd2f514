<#
.SYNOPSIS
    Builds tests/framework (a net472 build of engine tests) and runs it under Mono, the closest stand-in for
    .NET Framework on Linux. Not part of `build.ps1 -Task Test`: it needs Debian's mono-complete
    (apt-get install mono-complete).

.DESCRIPTION
    What it proves: the netstandard2.0 engine and its dependencies (System.Memory, System.Text.Json, ImageSharp, Polly,
    SQLite) bind and run on a runtime that implements the .NET Framework 4.7.2 API, with the net461/netstandard2.0
    package assets .NET Framework gets; the schedule text and the TLS/connection-limit rules behave there.
    What it does not prove: Windows PowerShell hosting, AssemblyResolve against the GAC, SChannel TLS, Task Scheduler,
    or anything Microsoft's .NET Framework does differently from Mono. The last line is 'N passed, N failed'.
#>
$ErrorActionPreference = 'Stop'
$root = Split-Path -Parent $PSScriptRoot
$mono = Get-Command mono -CommandType Application -ErrorAction SilentlyContinue | Select-Object -First 1
if (-not $mono) { throw 'Mono is not installed: apt-get install mono-complete' }
$project = Join-Path $root 'tests/framework/GeminiImage.FrameworkTests.csproj'
& dotnet build $project -c Release --nologo -v q | Out-Host
if ($LASTEXITCODE -ne 0) { throw "building $project failed" }
$packages = if ($env:NUGET_PACKAGES) { $env:NUGET_PACKAGES } else { Join-Path $HOME '.nuget/packages' }
$runner = Join-Path $packages 'xunit.runner.console/2.4.1/tools/net472/xunit.console.exe'
$xml = Join-Path $root 'TestResults/framework.xml'
New-Item -ItemType Directory -Force -Path (Split-Path $xml) | Out-Null
& $mono.Source $runner (Join-Path $root 'tests/framework/bin/Release/net472/GeminiImage.FrameworkTests.dll') -noshadow -xml $xml | Out-Host
$code = $LASTEXITCODE
$summary = ([xml](Get-Content -LiteralPath $xml -Raw)).assemblies.assembly
$failed = [int]$summary.GetAttribute('failed') + [int]$summary.GetAttribute('errors')
Write-Host "$([int]$summary.GetAttribute('passed')) passed, $failed failed"
exit $code
