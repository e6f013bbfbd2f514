<#
.SYNOPSIS
    The main job, run by `build.ps1 -Task Demo` in a child pwsh: generates, edits and chats into output/demo/.

.DESCRIPTION
    Calls Google when GEMINI_API_KEY (or GOOGLE_API_KEY) is set; otherwise starts the local emulator
    (Start-GeminiEmulator), so the demo runs offline and costs nothing.
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
$OutputPath = (New-Item -ItemType Directory -Path $OutputPath -Force).FullName
# Keep the demo's ledger beside its images, not in the user's data folder.
$env:GEMINI_IMAGE_HOME = Join-Path $OutputPath '.data'
Remove-Item -LiteralPath $env:GEMINI_IMAGE_HOME -Recurse -Force -ErrorAction SilentlyContinue   # each demo run has its own ledger

$emulator = $null
if ([string]::IsNullOrEmpty($env:GEMINI_API_KEY) -and [string]::IsNullOrEmpty($env:GOOGLE_API_KEY)) {
    Write-Host 'No GEMINI_API_KEY: using the local emulator (Start-GeminiEmulator).'
    $emulator = Start-GeminiEmulator
    Write-Host "Emulator at $($emulator.BaseUri)"
}
else {
    Write-Host 'GEMINI_API_KEY is set: calling the Gemini API (this costs money).'
}

try {
    # The default model (gemini-3.1-flash-image, "Nano Banana 2") with its lifecycle, from the catalog.
    Get-GeminiModel (Get-GeminiConfig).Model | Format-Table | Out-String -Width 80 | Write-Host
    $images = @(
        New-GeminiImage 'A photorealistic red fox sitting in fresh snow at sunrise' -OutputDirectory $OutputPath -Tag demo
        New-GeminiImage 'A watercolor lighthouse on a rocky coast, wide panorama' -AspectRatio 16:9 -OutputDirectory $OutputPath -Tag demo
        # 512 px is the cheapest size, offered by gemini-3.1-flash-image only.
        New-GeminiImage 'A flat vector icon of a banana wearing sunglasses' -AspectRatio 1:1 -ImageSize 512 -OutputDirectory $OutputPath -Tag demo
    )
    $edited = $images[0] | Edit-GeminiImage 'make it night, with the northern lights' -Tag demo

    $chat = Start-GeminiImageChat -Image $images[2].Path -OutputDirectory $OutputPath
    $turn = Send-GeminiImageChat -Chat $chat 'give the banana a tiny party hat'

    @($images) + $edited + $turn | Format-Table | Out-String -Width 200 | Write-Host
    $total = (@($images) + $edited + $turn | Measure-Object -Property Cost -Sum).Sum
    Write-Host ('{0} images in {1}, total cost ${2:0.000}' -f (@($images).Count + 2), $OutputPath, $total)
    Write-Host 'The usage ledger, by cmdlet:'
    Get-GeminiCost -GroupBy Cmdlet | Format-Table | Out-String -Width 200 | Write-Host
}
finally {
    if ($emulator) { Stop-GeminiEmulator }
}
