#
# Module manifest for GeminiImage.
# This file is the single source of the module version: build.ps1 reads ModuleVersion from here.
#
@{
    RootModule           = 'GeminiImage.Cmdlets.dll'
    ModuleVersion        = '0.1.0'
    GUID                 = '520056f0-63e3-48ef-a95b-61c930f149bc'
    Author               = 'GeminiImage contributors'
    CompanyName          = 'GeminiImage'
    Copyright            = '(c) GeminiImage contributors. MIT License.'
    Description          = 'Generate and edit images with Google Gemini image models (Nano Banana) from PowerShell: text-to-image, image editing, multi-turn image chats, cost tracking, and a local emulator for offline use and tests.'
    CompatiblePSEditions = @('Desktop', 'Core')
    PowerShellVersion    = '5.1'
    # Windows PowerShell: GeminiImage.Cmdlets.dll references netstandard 2.0, built into .NET Framework from 4.7.1;
    # 4.7.2 is the first with working netstandard 2.0 HTTP and TLS settings. PowerShell refuses the import below it.
    DotNetFrameworkVersion = '4.7.2'
    FormatsToProcess     = @('GeminiImage.Format.ps1xml')
    CmdletsToExport      = @(
        'New-GeminiImage'
        'Edit-GeminiImage'
        'Start-GeminiEmulator'
        'Stop-GeminiEmulator'
        'Get-GeminiConfig'
        'Set-GeminiConfig'
        'Use-GeminiProfile'
        'Get-GeminiModel'
        'Set-GeminiModel'
        'Remove-GeminiModel'
        'Start-GeminiImageChat'
        'Send-GeminiImageChat'
        'Save-GeminiImageChat'
        'Import-GeminiImageChat'
        'Get-GeminiUsage'
        'Export-GeminiUsage'
        'Import-GeminiUsage'
        'Get-GeminiCost'
        'Get-GeminiPricing'
        'Set-GeminiPricing'
        'Get-GeminiBudget'
        'Set-GeminiBudget'
        'Clear-GeminiBudget'
        'Get-GeminiStyle'
        'Set-GeminiStyle'
        'Remove-GeminiStyle'
        'Import-GeminiStyle'
        'Export-GeminiStyle'
        'Get-GeminiCache'
        'Clear-GeminiCache'
        'Start-GeminiFolderWatch'
        'Register-GeminiFolderWatchTask'
        'Unregister-GeminiFolderWatchTask'
        'Get-GeminiFolderWatchTask'
        'Resize-GeminiImage'
        'New-GeminiContactSheet'
        'Get-GeminiImageInfo'
        'Invoke-GeminiBatch'
        'Get-GeminiBatchJob'
        'Wait-GeminiBatchJob'
        'Receive-GeminiBatchJob'
        'Stop-GeminiBatchJob'
        'New-GeminiQueue'
        'Get-GeminiQueue'
        'Submit-GeminiJob'
        'Get-GeminiJob'
        'Restart-GeminiJob'
        'Remove-GeminiJob'
        'Start-GeminiWorker'
    )
    FunctionsToExport    = @()
    AliasesToExport      = @(
        'ConvertTo-GeminiPlatformImage'
    )
    VariablesToExport    = @()
    PrivateData          = @{
        PSData = @{
            Tags         = @('Gemini', 'AI', 'Image', 'NanoBanana', 'ImageGeneration', 'PSEdition_Core', 'PSEdition_Desktop', 'Windows', 'Linux', 'MacOS')
            LicenseUri   = 'https://github.com/geminiimage/GeminiImage/blob/main/LICENSE'
            ProjectUri   = 'https://github.com/geminiimage/GeminiImage'
            ReleaseNotes = '0.1.0: first preview. Text-to-image and image editing with Gemini image models, image chats, cost ledger, local emulator. Dependencies (Polly, ImageSharp, SQLite) load into a private AssemblyLoadContext on PowerShell 7, so they do not clash with other modules.'
        }
    }
}
