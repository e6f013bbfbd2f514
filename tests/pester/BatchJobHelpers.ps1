<#
    Shared by the server batch job test files (Get/Wait/Stop/Receive-GeminiBatchJob). Dot-source after common.ps1.
      New-TestServerJob  writes tasks.csv in -Folder (rows: hashtables with Id and Prompt) and submits it with
                         Invoke-GeminiBatch -Mode Server into <Folder>/out; returns the job. With -Hold the emulator
                         keeps it Pending until $Emulator.AdvanceBatch($job.Name) moves it on.
#>
function New-TestServerJob {
    param(
        [Parameter(Mandatory)] $Emulator,
        [Parameter(Mandatory)] [string] $Folder,
        [object[]] $Rows = @(@{ Id = 'fox'; Prompt = 'a red fox' }, @{ Id = 'owl'; Prompt = 'a snowy owl' }),
        [string] $Name = 'tasks.csv',
        [switch] $Hold
    )
    $csv = Join-Path $Folder $Name
    $Rows | ForEach-Object { [pscustomobject]$_ } | Export-Csv -LiteralPath $csv -NoTypeInformation
    $Emulator.HoldBatches = [bool]$Hold
    try { Invoke-GeminiBatch -Path $csv -OutputDirectory (Join-Path $Folder 'out') -Mode Server }
    finally { $Emulator.HoldBatches = $false }
}
