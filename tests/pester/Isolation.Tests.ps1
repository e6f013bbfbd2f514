<#
    Dependency isolation (issue 8): GeminiImage's engine and third-party assemblies load into a private
    AssemblyLoadContext, so a module built against another version of one of them (tests/fixtures/ConflictModule,
    Polly.Core 8.1.0 against our 8.9.1; both carry the assembly identity Polly.Core 8.0.0.0) works in the same
    session, in either import order. Each scenario runs in a fresh child pwsh: assemblies cannot be unloaded.
#>
BeforeAll {
    . (Join-Path $PSScriptRoot 'common.ps1')
    $script:ConflictDir = New-TestFolder 'ConflictModule'
    $project = Join-Path $RepoRoot 'tests/fixtures/ConflictModule'
    $log = & dotnet publish $project -c Release -o $script:ConflictDir --nologo 2>&1
    if ($LASTEXITCODE -ne 0) { throw "building tests/fixtures/ConflictModule failed:`n$($log -join "`n")" }
    $script:ConflictDll = Join-Path $script:ConflictDir 'ConflictModule.dll'

    # Runs in the child: imports both modules in the given order, uses both, reports what got loaded where.
    $script:BothModules = @'
param([string] $ModulePath, [string] $ConflictDll, [string] $OutDir, [string] $Order)
$ErrorActionPreference = 'Stop'
function Use-Conflict { Import-Module $ConflictDll; Invoke-ConflictPolly }
function Use-Gemini {
    Import-Module $ModulePath
    $emulator = Start-GeminiEmulator
    try { New-GeminiImage 'a conflict-free fox' -OutputDirectory $OutDir } finally { Stop-GeminiEmulator }
}
if ($Order -eq 'ConflictFirst') { $first = Use-Conflict; $image = Use-Gemini }
else { $image = Use-Gemini; $first = Use-Conflict }
$again = Invoke-ConflictPolly
$polly = [AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { $_.GetName().Name -eq 'Polly.Core' } | ForEach-Object {
    [pscustomobject]@{
        Identity    = "$($_.GetName().Version)"
        FileVersion = [Diagnostics.FileVersionInfo]::GetVersionInfo($_.Location).FileVersion
        Location    = $_.Location
        Context     = [System.Runtime.Loader.AssemblyLoadContext]::GetLoadContext($_).Name
    }
}
$engine = [AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { $_.GetName().Name -eq 'GeminiImage.Engine' }
[pscustomobject]@{
    ImagePath     = $image.Path
    ImageExists   = (Test-Path -LiteralPath $image.Path)
    ConflictFirst = $first
    ConflictAgain = $again
    Polly         = @($polly)
    EngineContext = [System.Runtime.Loader.AssemblyLoadContext]::GetLoadContext($engine).Name
} | ConvertTo-Json -Depth 4 -Compress
'@
}

Describe 'Dependency isolation' {
    It 'GeminiImage and a module with another Polly.Core both work: <Order>' -TestCases @(
        @{ Order = 'ConflictFirst' }
        @{ Order = 'GeminiFirst' }
    ) {
        param($Order)
        $out = New-TestFolder 'images'
        $run = Invoke-TestPwsh -Script $BothModules -ArgumentList $ModulePath, $ConflictDll, $out, $Order
        $run.ExitCode | Should -Be 0 -Because $run.Output
        $r = $run.Result
        $r.ImageExists | Should -BeTrue
        foreach ($c in $r.ConflictFirst, $r.ConflictAgain) {
            $c.Result | Should -Be 'ok'
            $c.PollyVersion | Should -BeLike '8.1.0*'
            $c.PollyLocation | Should -BeLike "$ConflictDir*"
        }
        $r.EngineContext | Should -Be 'GeminiImage'
        $r.Polly.Count | Should -Be 2 -Because 'each module has its own Polly.Core'
        $theirs = $r.Polly | Where-Object Context -eq 'Default'
        $ours = $r.Polly | Where-Object Context -eq 'GeminiImage'
        $theirs.FileVersion | Should -BeLike '8.1.0*'
        $ours.FileVersion | Should -BeLike '8.9.1*'
        $ours.Location | Should -BeLike "$ModulePath*"
        # Same identity: without the private context the default context would have handed one copy to both.
        $ours.Identity | Should -Be $theirs.Identity
    }

    It 'Import-Module -Force, and Remove-Module then Import-Module, keep the module working' {
        $out = New-TestFolder 'reimport'
        $script = @'
param([string] $ModulePath, [string] $OutDir)
$ErrorActionPreference = 'Stop'
function Test-Generate { $null = Start-GeminiEmulator; try { (New-GeminiImage 'again' -OutputDirectory $OutDir).Path } finally { Stop-GeminiEmulator } }
Import-Module $ModulePath
$paths = @(Test-Generate)
Import-Module $ModulePath -Force
$paths += Test-Generate
Remove-Module GeminiImage
$removed = -not (Get-Command New-GeminiImage -ErrorAction SilentlyContinue)
Import-Module $ModulePath
$paths += Test-Generate
[pscustomobject]@{
    Paths   = $paths
    Removed = $removed
    Engines = @([AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { $_.GetName().Name -eq 'GeminiImage.Engine' }).Count
} | ConvertTo-Json -Compress
'@
        $run = Invoke-TestPwsh -Script $script -ArgumentList $ModulePath, $out
        $run.ExitCode | Should -Be 0 -Because $run.Output
        $run.Result.Paths.Count | Should -Be 3
        foreach ($p in $run.Result.Paths) { Test-Path -LiteralPath $p | Should -BeTrue }
        $run.Result.Removed | Should -BeTrue
        $run.Result.Engines | Should -Be 1
    }

    It 'keeps resolving the engine after Remove-Module, for objects and types the session still holds' {
        $script = @'
param([string] $ModulePath)
$ErrorActionPreference = 'Stop'
Import-Module $ModulePath
Remove-Module GeminiImage
# The cmdlet assembly stays loaded; its code reaches the engine for the first time only now.
$cmdlets = [AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { $_.GetName().Name -eq 'GeminiImage.Cmdlets' }
$record = $cmdlets.GetType('GeminiImage.Cmdlets.Infrastructure.ErrorRecords')::From([Exception]::new('x'), $null)
[pscustomobject]@{ Id = $record.FullyQualifiedErrorId } | ConvertTo-Json -Compress
'@
        $run = Invoke-TestPwsh -Script $script -ArgumentList $ModulePath
        $run.ExitCode | Should -Be 0 -Because $run.Output
        $run.Result.Id | Should -Be 'GeminiImage.UnexpectedError'
    }

    It 'Google.Apis.Auth and Newtonsoft.Json load in the private context on a Vertex AI call' {
        $script = @'
param([string] $ModulePath, [string] $OutDir)
$ErrorActionPreference = 'Stop'
Import-Module $ModulePath
$emu = Start-GeminiEmulator -NoSessionConfig
$rsa = [System.Security.Cryptography.RSA]::Create(2048)
$emu.TrustServiceAccount('iso@p.iam.gserviceaccount.com', $rsa.ExportParameters($false))
$file = Join-Path $OutDir 'sa.json'
@{ type = 'service_account'; project_id = 'p'; private_key = $rsa.ExportPkcs8PrivateKeyPem(); client_email = 'iso@p.iam.gserviceaccount.com'; token_uri = $emu.TokenUri.AbsoluteUri } | ConvertTo-Json | Set-Content $file
Set-GeminiConfig -Backend Vertex -BaseUri $emu.BaseUri -CredentialFile $file
$null = New-GeminiImage 'isolated' -OutputDirectory $OutDir -MaxRetries 0
$emu.Stop()
@([AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { $_.GetName().Name -in 'Google.Apis.Auth', 'Google.Apis.Core', 'Newtonsoft.Json' } | ForEach-Object {
    [pscustomobject]@{ Name = $_.GetName().Name; Context = [System.Runtime.Loader.AssemblyLoadContext]::GetLoadContext($_).Name; Location = $_.Location }
}) | ConvertTo-Json -Compress -AsArray
'@
        $run = Invoke-TestPwsh -Script $script -ArgumentList $ModulePath, (New-TestFolder 'iso-vertex')
        $run.ExitCode | Should -Be 0 -Because $run.Output
        foreach ($name in 'Google.Apis.Auth', 'Google.Apis.Core', 'Newtonsoft.Json') {
            $ours = @($run.Result | Where-Object { $_.Name -eq $name -and $_.Context -eq 'GeminiImage' })
            $ours.Count | Should -Be 1 -Because "$name must load privately: $($run.Output)"
            $ours[0].Location | Should -BeLike "$ModulePath*"
        }
    }

    It 'Import-Module loads only the cmdlet assembly and the load-context shim' {
        $script = @'
param([string] $ModulePath)
Import-Module $ModulePath -ErrorAction Stop
$root = (Get-Module GeminiImage).ModuleBase
@([AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { -not $_.IsDynamic -and $_.Location -like "$root*" } |
    ForEach-Object { $_.GetName().Name } | Sort-Object) | ConvertTo-Json -Compress -AsArray
'@
        # An empty cache folder: pwsh replays a startup JIT profile from there (StartupProfileData-*) on a background
        # thread, which after earlier sessions compiles cmdlet methods and so loads the engine, but not as part of the import.
        $cache = New-TestFolder 'cache'
        $run = Invoke-TestPwsh -Script $script -ArgumentList $ModulePath -Environment @{ XDG_CACHE_HOME = $cache }
        $run.ExitCode | Should -Be 0 -Because $run.Output
        $run.Result | Should -Be @('GeminiImage.Cmdlets', 'GeminiImage.LoadContext')
    }
}

Describe 'Public surface' {
    It 'no exported cmdlet takes or declares third-party types' {
        # Third party = every assembly we ship in bin/ that is not ours (Polly, ImageSharp, Sqlite, System.Text.Json...).
        $thirdParty = Get-ChildItem -LiteralPath (Join-Path $ModulePath 'bin') -Filter *.dll | ForEach-Object BaseName | Where-Object { $_ -notlike 'GeminiImage.*' }
        $expand = { param($t) if (-not $t) { return }; if ($t.HasElementType) { $t = $t.GetElementType() }; $t; $t.GetGenericArguments() }
        $bad = foreach ($cmd in Get-Command -Module GeminiImage -CommandType Cmdlet) {
            $types = @($cmd.Parameters.Values.ParameterType) + @($cmd.OutputType.Type | Where-Object { $_ })
            foreach ($t in $types | ForEach-Object { & $expand $_ }) {
                foreach ($m in @($t) + @($t.GetProperties().PropertyType | ForEach-Object { & $expand $_ })) {
                    if ($m -and $m.Assembly.GetName().Name -in $thirdParty) { "$($cmd.Name): $($t.FullName) exposes $($m.FullName)" }
                }
            }
        }
        $bad | Should -BeNullOrEmpty
    }
}
