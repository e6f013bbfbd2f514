<#
    Packaging (issue 8): the built module folder is published to a local folder repository with PSResourceGet
    (tools/Publish-Module.ps1, the same script as `build.ps1 -Task Package`), installed the way users install it
    (Install-PSResource -Scope CurrentUser), then imported BY NAME in a fresh pwsh that generates an image against the
    emulator. Every child runs with HOME / XDG_* / LOCALAPPDATA in a temporary folder and no inherited PSModulePath,
    so the user's real modules and PSResourceGet settings are untouched and nothing can come from the build tree.
#>
BeforeDiscovery {
    $script:HasPSResourceGet = [bool](Get-Module -ListAvailable -Name Microsoft.PowerShell.PSResourceGet)
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'common.ps1')
    $temp = New-TestFolder 'home'
    $script:IsolatedEnvironment = @{
        HOME = $temp; USERPROFILE = $temp; XDG_DATA_HOME = "$temp/.local/share"; XDG_CONFIG_HOME = "$temp/.config"
        XDG_CACHE_HOME = "$temp/.cache"; LOCALAPPDATA = "$temp/AppData/Local"; APPDATA = "$temp/AppData/Roaming"
        PSModulePath = $null; GEMINI_API_KEY = $null; GOOGLE_API_KEY = $null
    }
    foreach ($dir in $IsolatedEnvironment.Values | Where-Object { $_ }) { New-Item -ItemType Directory -Path $dir -Force | Out-Null }
    $script:TempHome = $temp
    $script:Repository = New-TestFolder 'repo'
}

Describe 'Package and install' -Skip:(-not $HasPSResourceGet) {
    BeforeAll {
        $install = @'
param([string] $ModulePath, [string] $Repository, [string] $PublishScript)
$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'
$package = & $PublishScript -ModulePath $ModulePath -RepositoryPath $Repository | Select-Object -Last 1
Register-PSResourceRepository -Name GeminiImageTest -Uri $Repository -Trusted
Install-PSResource -Name GeminiImage -Repository GeminiImageTest -Scope CurrentUser -TrustRepository
$installed = Get-InstalledPSResource -Name GeminiImage -Scope CurrentUser
[pscustomobject]@{
    Package   = $package
    Version   = "$($installed.Version)"
    Location  = $installed.InstalledLocation
    Tags      = @($installed.Tags)
    License   = "$($installed.LicenseUri)"
    Project   = "$($installed.ProjectUri)"
    Notes     = $installed.ReleaseNotes
} | ConvertTo-Json -Compress
'@
        $script:Installed = Invoke-TestPwsh -Script $install -Environment $IsolatedEnvironment -ArgumentList @(
            $ModulePath, $Repository, (Join-Path $RepoRoot 'tools/Publish-Module.ps1'))
    }

    It 'publishes a .nupkg with the manifest metadata and installs it under the (temporary) user scope' {
        $Installed.ExitCode | Should -Be 0 -Because $Installed.Output
        $r = $Installed.Result
        $manifest = Import-PowerShellDataFile -LiteralPath (Join-Path $ModulePath 'GeminiImage.psd1')
        Test-Path -LiteralPath $r.Package | Should -BeTrue
        Split-Path -Leaf $r.Package | Should -Be "GeminiImage.$($manifest.ModuleVersion).nupkg"
        $r.Version | Should -Be $manifest.ModuleVersion
        $r.Location | Should -BeLike "$TempHome*"
        $r.Tags | Should -Contain 'Gemini'
        $r.License | Should -Be $manifest.PrivateData.PSData.LicenseUri
        $r.Project | Should -Be $manifest.PrivateData.PSData.ProjectUri
        $r.Notes | Should -Not -BeNullOrEmpty
    }

    It 'the installed copy imports by name in a fresh pwsh and generates an image, loading nothing from the build tree' {
        $Installed.ExitCode | Should -Be 0 -Because 'the install step must have worked'
        $out = New-TestFolder 'images'
        $use = @'
param([string] $OutDir)
$ErrorActionPreference = 'Stop'
Import-Module GeminiImage
$module = Get-Module GeminiImage
$null = Start-GeminiEmulator
try { $image = New-GeminiImage 'an installed fox' -OutputDirectory $OutDir } finally { Stop-GeminiEmulator }
$native = if (Test-Path /proc/self/maps) {
    Get-Content /proc/self/maps | Where-Object { $_ -match 'e_sqlite3' } | ForEach-Object { ($_ -split '\s+', 6)[5] } | Select-Object -First 1
}
[pscustomobject]@{
    ModuleBase = $module.ModuleBase
    Image      = $image.Path
    Assemblies = @([AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { -not $_.IsDynamic -and $_.Location } | ForEach-Object Location)
    Native     = $native
    License    = Test-Path (Join-Path $module.ModuleBase 'LICENSE')
} | ConvertTo-Json -Compress
'@
        $run = Invoke-TestPwsh -Script $use -ArgumentList $out -Environment $IsolatedEnvironment
        $run.ExitCode | Should -Be 0 -Because $run.Output
        $r = $run.Result
        $r.ModuleBase | Should -BeLike "$TempHome*"
        Test-Path -LiteralPath $r.Image | Should -BeTrue
        $r.License | Should -BeTrue
        $ours = $r.Assemblies | Where-Object { $_ -match 'GeminiImage|Polly|ImageSharp|Sqlite|SQLitePCL' }
        $ours.Count | Should -BeGreaterOrEqual 8 -Because 'cmdlets, shim, engine, emulator, Polly, ImageSharp, Sqlite, SQLitePCLRaw'
        foreach ($a in $ours) { $a | Should -BeLike "$($r.ModuleBase)*" }
        $r.Assemblies | Where-Object { $_ -like "$RepoRoot*" } | Should -BeNullOrEmpty
        if ($r.Native) { $r.Native | Should -BeLike "$($r.ModuleBase)*" }
    }
}
