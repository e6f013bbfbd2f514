# Windows PowerShell 5.1 and PowerShell 7.4+ compatibility, checked on the BUILT module's metadata (no Windows here):
# the assemblies PowerShell loads into its default context reference nothing newer than the oldest supported PowerShell
# provides, every dependency .NET Framework loads is built for it, and no module code calls an API known to throw there.
BeforeAll {
    . (Join-Path $PSScriptRoot 'common.ps1')

    # Name, Version of each assembly reference, read with System.Reflection.Metadata (nothing is loaded).
    function Get-AssemblyReference([string] $Path) {
        $stream = [IO.File]::OpenRead($Path)
        try {
            $pe = [System.Reflection.PortableExecutable.PEReader]::new($stream)
            $md = [System.Reflection.Metadata.PEReaderExtensions]::GetMetadataReader($pe)
            foreach ($h in $md.AssemblyReferences) {
                $r = $md.GetAssemblyReference($h)
                [pscustomobject]@{ Name = $md.GetString($r.Name); Version = $r.Version }
            }
            $pe.Dispose()
        }
        finally { $stream.Dispose() }
    }
    # Type::Member of each member reference (calls into other assemblies).
    function Get-MemberReference([string] $Path) {
        $stream = [IO.File]::OpenRead($Path)
        try {
            $pe = [System.Reflection.PortableExecutable.PEReader]::new($stream)
            $md = [System.Reflection.Metadata.PEReaderExtensions]::GetMetadataReader($pe)
            foreach ($h in $md.MemberReferences) {
                $m = $md.GetMemberReference($h)
                if ($m.Parent.Kind -ne [System.Reflection.Metadata.HandleKind]::TypeReference) { continue }
                $t = $md.GetTypeReference([System.Reflection.Metadata.TypeReferenceHandle]$m.Parent)
                '{0}.{1}::{2}' -f $md.GetString($t.Namespace), $md.GetString($t.Name), $md.GetString($m.Name)
            }
            $pe.Dispose()
        }
        finally { $stream.Dispose() }
    }
    # The references of $Path that the given host does not provide in that version or a higher one.
    function Get-TooNew([string] $Path, [hashtable] $HostVersions) {
        foreach ($ref in Get-AssemblyReference $Path) {
            if ($ref.Name -like 'GeminiImage.*') { continue }   # ours: resolved from bin by the module
            if (-not $HostVersions.ContainsKey($ref.Name)) { "$($ref.Name) $($ref.Version) (not in the table: check what the host ships)"; continue }
            if ($ref.Version -gt [version]$HostVersions[$ref.Name]) { "$($ref.Name) $($ref.Version) > $($HostVersions[$ref.Name])" }
        }
    }

    # What PowerShell 7.4 (.NET 8.0) provides in its default context, for the names our root-context assemblies use.
    # 7.4 is the oldest PowerShell 7 the manifest allows; 7.5 (.NET 9) and 7.6 (.NET 10) provide these or newer.
    $script:PowerShell74 = @{
        'netstandard' = '2.1.0.0'; 'mscorlib' = '4.0.0.0'; 'System.Management.Automation' = '7.4.0.0'
        'System.Runtime' = '8.0.0.0'; 'System.Runtime.Loader' = '8.0.0.0'; 'System.Collections' = '8.0.0.0'
        'System.Threading' = '8.0.0.0'; 'System.Linq' = '8.0.0.0'; 'System.Runtime.InteropServices' = '8.0.0.0'
        'System.Text.Json' = '8.0.0.0'; 'System.Memory' = '8.0.0.0'; 'System.Console' = '8.0.0.0'
    }
    # What Windows PowerShell 5.1 on .NET Framework 4.7.2 provides: netstandard 2.0 and its own SMA (3.0.0.0).
    $script:WindowsPowerShell51 = @{ 'netstandard' = '2.0.0.0'; 'mscorlib' = '4.0.0.0'; 'System.Management.Automation' = '3.0.0.0' }

    $script:Root = Join-Path $ModulePath 'GeminiImage.Cmdlets.dll'
    $script:Shim = Join-Path $ModulePath 'bin/GeminiImage.LoadContext.dll'
    $script:Bin = Get-ChildItem -LiteralPath (Join-Path $ModulePath 'bin') -Filter *.dll -File | Where-Object Name -ne 'GeminiImage.LoadContext.dll'
}

Describe 'Compatibility of the built module' {
    It 'the assemblies in PowerShell 7''s default context reference nothing newer than PowerShell 7.4 provides' {
        foreach ($file in $Root, $Shim) {
            @(Get-TooNew $file $PowerShell74) | Should -BeNullOrEmpty -Because "$(Split-Path -Leaf $file) loads in the default context"
        }
    }

    It 'the cmdlet assembly needs only what Windows PowerShell 5.1 on .NET Framework 4.7.2 provides' {
        @(Get-TooNew $Root $WindowsPowerShell51) | Should -BeNullOrEmpty
    }

    It 'the check fails for an assembly that needs a newer System.Text.Json than PowerShell 7.4 has (the engine, which is isolated)' {
        $engine = Join-Path $ModulePath 'bin/GeminiImage.Engine.dll'
        (Get-TooNew $engine $PowerShell74) -join '; ' | Should -Match 'System\.Text\.Json 10\.'
    }

    It 'every dependency in bin is built for .NET Framework or netstandard 2.0, so Windows PowerShell can load it' {
        foreach ($dll in $Bin) {
            $runtime = Get-AssemblyReference $dll.FullName | Where-Object { $_.Name -eq 'System.Runtime' -and $_.Version -ge [version]'4.2.1.0' }
            $runtime | Should -BeNullOrEmpty -Because "$($dll.Name) must not be a .NET (Core) build"
        }
    }

    It 'no module assembly calls an API known to throw PlatformNotSupportedException on .NET Framework' {
        # HttpClientHandler.SslProtocols throws on .NET Framework before 4.7.2 and changes nothing on later ones:
        # TLS there comes from ServicePointManager (Engine/Api/FrameworkNetworking.cs). Add entries as they are found.
        $denied = @('System.Net.Http.HttpClientHandler::set_SslProtocols')
        foreach ($dll in @(Get-Item -LiteralPath $Root) + @($Bin | Where-Object Name -like 'GeminiImage.*')) {
            $calls = @(Get-MemberReference $dll.FullName)
            foreach ($d in $denied) { $calls | Should -Not -Contain $d -Because "$($dll.Name) runs on .NET Framework too" }
        }
    }

    It 'the manifest requires .NET Framework 4.7.2 on Windows PowerShell and allows Desktop and Core' {
        $manifest = Import-PowerShellDataFile -LiteralPath (Join-Path $ModulePath 'GeminiImage.psd1')
        $manifest.DotNetFrameworkVersion | Should -Be '4.7.2'
        $manifest.PowerShellVersion | Should -Be '5.1'
        $manifest.CompatiblePSEditions | Should -Be @('Desktop', 'Core')
    }

    It 'the Windows PowerShell resolver answers with a copy already loaded, never a second copy from bin' {
        # Windows PowerShell has one load context: a GAC System.Memory bound by a lower reference plus ours from bin
        # would be two copies whose Span types do not match. Asked directly here, in a fresh PowerShell 7 where the
        # engine's ImageSharp is already loaded (in the module's private context) and nothing else loaded another.
        $run = Invoke-TestPwsh -Script @"
`$module = Import-Module '$ModulePath' -PassThru
`$null = Get-GeminiImageInfo -Path '$(Join-Path $RepoRoot 'tests/unit/data/images/good.png')'
function Copies { @([AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { `$_.GetName().Name -eq 'SixLabors.ImageSharp' }) }
`$before = Copies
`$resolver = `$module.ImplementingAssembly.GetType('GeminiImage.Cmdlets.Infrastructure.DependencyResolver', `$true)
`$resolve = `$resolver.GetMethod('ResolveFromBin', [Reflection.BindingFlags]'NonPublic, Static')
`$answer = `$resolve.Invoke(`$null, @(`$null, [ResolveEventArgs]::new('SixLabors.ImageSharp, Version=1.0.0.0, Culture=neutral, PublicKeyToken=d998eea7b14cab13')))
[pscustomobject]@{ Before = `$before.Count; After = (Copies).Count; Same = [object]::ReferenceEquals(`$answer, `$before[0]) } | ConvertTo-Json -Compress
"@
        $run.Result | Should -Not -BeNullOrEmpty -Because $run.Output
        $run.Result.Before | Should -Be 1
        $run.Result.Same | Should -BeTrue
        $run.Result.After | Should -Be 1
    }
}
