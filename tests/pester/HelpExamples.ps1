<#
    Runs the examples of a cmdlet's compiled help (what `Get-Help <cmdlet> -Examples` shows), as written, for the
    <Verb-Noun>.Tests.ps1 files. Dot-source it after common.ps1:

        BeforeAll { . (Join-Path $PSScriptRoot 'common.ps1'); . (Join-Path $PSScriptRoot 'HelpExamples.ps1') }

      Get-HelpExampleCode  the code of example N (1-based)
      Invoke-HelpExample   runs example N in the folder -In, with -Variables defined first (an example that uses
                           `$chat` gets one). -Replace swaps a placeholder only the reader has (a job id, a share such
                           as \\server\share) for a real value; it throws when the example no longer contains the
                           placeholder, so a changed example is noticed, not silently run differently.
                           Returns Code, Output (objects), Errors (ErrorRecords, terminating ones included),
                           Warnings and Verbose, so a test can say "ran without an error" and check what it did.
#>

function Get-HelpExampleCode([Parameter(Mandatory)] [string] $Name, [Parameter(Mandatory)] [int] $Number) {
    $examples = @((Get-Help -Name $Name -Examples).examples.example)
    if ($Number -lt 1 -or $Number -gt $examples.Count) { throw "$Name has $($examples.Count) help example(s), not $Number." }
    "$($examples[$Number - 1].code)"
}

function Invoke-HelpExample {
    param(
        [Parameter(Mandatory)] [string] $Name,
        [Parameter(Mandatory)] [int] $Number,
        [Parameter(Mandatory)] [string] $In,
        [hashtable] $Variables = @{},
        [System.Collections.IDictionary] $Replace = @{}
    )
    $code = Get-HelpExampleCode $Name $Number
    foreach ($key in $Replace.Keys) {
        if (-not $code.Contains($key)) { throw "Example $Number of $Name no longer contains '$key'; update the test:`n$code" }
        $code = $code.Replace($key, $Replace[$key])
    }
    Push-Location -LiteralPath $In
    try {
        # A child scope, so the example's variables do not leak into the test; errors do not stop it (as at a prompt).
        $all = & {
            param($__variables, $__code)
            $ErrorActionPreference = 'Continue'
            foreach ($__name in $__variables.Keys) { Set-Variable -Name $__name -Value $__variables[$__name] }
            # A `throw` (or a terminating error) ends the example, as it would at a prompt, and counts as its error.
            try { . ([scriptblock]::Create($__code)) }
            catch { $_ }
        } $Variables $code *>&1
    }
    finally { Pop-Location }
    $records = @($all)
    [pscustomobject]@{
        Code     = $code
        Output   = @($records | Where-Object { $_ -isnot [System.Management.Automation.ErrorRecord] -and $_ -isnot [System.Management.Automation.WarningRecord] -and $_ -isnot [System.Management.Automation.VerboseRecord] -and $_ -isnot [System.Management.Automation.InformationRecord] -and $_ -isnot [System.Management.Automation.DebugRecord] })
        Errors   = @($records | Where-Object { $_ -is [System.Management.Automation.ErrorRecord] })
        Warnings = @($records | Where-Object { $_ -is [System.Management.Automation.WarningRecord] })
        Verbose  = @($records | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] })
    }
}
