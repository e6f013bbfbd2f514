<#
.SYNOPSIS
    The demo run by `build.ps1 -Task Demo`, in a child pwsh: generates a few images into output/demo/.

.DESCRIPTION
    Uses the real Gemini API when $env:GEMINI_API_KEY is set, else starts the local emulator
    (Start-GeminiEmulator) and stops it at the end.
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)] [string] $ModulePath,
    [Parameter(Mandatory)] [string] $OutputPath
)
$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'
if ($PSVersionTable.PSVersion.Major -ge 7) { $PSStyle.OutputRendering = 'PlainText' }

Import-Module -Name $ModulePath -Force
New-Item -ItemType Directory -Path $OutputPath -Force | Out-Null
$OutputPath = (Resolve-Path -LiteralPath $OutputPath).ProviderPath

$emulator = $null
if ([string]::IsNullOrEmpty($env:GEMINI_API_KEY)) {
    Write-Host 'GEMINI_API_KEY is not set: using the local emulator (Start-GeminiEmulator).'
    $emulator = Start-GeminiEmulator
    $emulator | Format-List | Out-Host
}
else {
    Write-Host 'GEMINI_API_KEY is set: calling the real Gemini API (this costs money).'
}

try {
    # Save into output/demo: pass the folder through whichever output parameter New-GeminiImage has,
    # and run from that folder in case it saves to the current directory by default.
    $newImage = Get-Command New-GeminiImage
    $outParam = @('OutputFolder', 'OutFolder', 'OutputPath', 'OutputDirectory', 'Destination', 'Path') |
        Where-Object { $newImage.Parameters.ContainsKey($_) } | Select-Object -First 1
    Push-Location -LiteralPath $OutputPath
    $demos = @(
        @{ Prompt = 'A photorealistic red fox sitting in fresh snow at sunrise' }
        @{ Prompt = 'A watercolor lighthouse on a rocky coast, wide panorama'; AspectRatio = '16:9' }
        @{ Prompt = 'A flat vector icon of a banana wearing sunglasses'; AspectRatio = '1:1' }
    )
    $results = foreach ($d in $demos) {
        $splat = $d.Clone()
        if ($outParam) { $splat[$outParam] = $OutputPath }
        Write-Host "New-GeminiImage '$($d.Prompt)'"
        New-GeminiImage @splat
    }
    $results | Format-Table -AutoSize | Out-String -Width 240 | Write-Host
    Write-Host "Images in ${OutputPath}:"
    Get-ChildItem -LiteralPath $OutputPath -File | Format-Table Name, Length, LastWriteTime -AutoSize | Out-String -Width 240 | Write-Host
}
finally {
    Pop-Location
    if ($emulator) { Stop-GeminiEmulator }
}
