<#
.SYNOPSIS
    The live contract check for maintainers, run by `build.ps1 -Task LiveTest` in a child pwsh; never by CI.

.DESCRIPTION
    Skipped, with a message and exit code 0, when GEMINI_API_KEY (or GOOGLE_API_KEY) is not set. Otherwise, against
    Google (or GEMINI_BASE_URL when set, e.g. a gateway or the emulator):
      1. lists the live models (Get-GeminiModel -Online, every page) and diffs them against the catalog:
         new image models, catalog models the key no longer sees, shut-down models still listed;
      2. prints the estimated spend of step 3 first, and stops when it is above -MaxSpendUsd (default $0.50);
      3. runs the cheapest generation (1:1 at the smallest size, image only) once per live stable image model and
         checks the answer's shape against the catalog: format, pixel size, output image tokens, cost, ids;
      4. prints the drift report last. Exit code 1 when anything drifted or failed.
    Its ledger and images go to a temporary data folder, not the user's.
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)] [string] $ModulePath,
    [decimal] $MaxSpendUsd = 0.50
)
$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'
if ($PSVersionTable.PSVersion.Major -ge 7) { $PSStyle.OutputRendering = 'PlainText' }

if ([string]::IsNullOrEmpty($env:GEMINI_API_KEY) -and [string]::IsNullOrEmpty($env:GOOGLE_API_KEY)) {
    Write-Host 'LiveTest skipped: GEMINI_API_KEY is not set. The live contract check calls Google with your key and spends'
    Write-Host "up to `$$MaxSpendUsd (one small image per stable image model); set GEMINI_API_KEY to run it."
    exit 0
}

Import-Module -Name $ModulePath -Force
$work = Join-Path ([System.IO.Path]::GetTempPath()) ('GeminiImage-livetest-' + [guid]::NewGuid().ToString('N').Substring(0, 8))
$env:GEMINI_IMAGE_HOME = Join-Path $work 'data'
$null = New-Item -ItemType Directory -Path $env:GEMINI_IMAGE_HOME -Force
$drift = [System.Collections.Generic.List[string]]::new()
$service = if ($env:GEMINI_BASE_URL) { $env:GEMINI_BASE_URL } else { 'https://generativelanguage.googleapis.com/' }
Write-Host "LiveTest against $service"

# 1. Live models against the catalog.
$live = @(Get-GeminiModel -Online)
$catalog = @(Get-GeminiModel)
$liveIds = @($live.Id)
foreach ($m in $live | Where-Object { $_.IsImageModel -and -not $_.InCatalog }) { $drift.Add("NEW      $($m.Id): a live image model the catalog does not know (Set-GeminiModel -Id $($m.Id) -SameAs <model>).") }
foreach ($m in $catalog | Where-Object { "$($_.Status)" -ne 'ShutDown' -and -not $_.Unconfirmed -and $_.Id -notin $liveIds }) { $drift.Add("MISSING  $($m.Id): the catalog says $("$($m.Status)".ToLowerInvariant()), but the key does not see it (retired?).") }
foreach ($m in $live | Where-Object { $_.InCatalog -and "$($_.CatalogStatus)" -eq 'ShutDown' }) { $drift.Add("LISTED   $($m.Id): the catalog says shut down, but it is still listed.") }

# 2. The plan and its estimated spend, before anything is paid for.
$plan = foreach ($m in $catalog | Where-Object { "$($_.Status)" -eq 'Stable' -and $_.Id -in $liveIds }) {
    $size = if ($m.ImageSizes.Count) { $m.ImageSizes.GetEnumerator() | Sort-Object Value | Select-Object -First 1 -ExpandProperty Key } else { $null }
    $tokens = $m.GetImageTokens($size)
    $estimate = if ($m.Prices) { [decimal](($tokens * $m.Prices.ImageOutput + 40 * $m.Prices.Input + 1000 * $m.Prices.TextOutput) / 1000000) } else { [decimal]0.25 }
    [pscustomobject]@{ Model = $m; Size = $size; Tokens = $tokens; Estimate = [math]::Round($estimate, 4) }
}
$plan = @($plan)
$total = ($plan | Measure-Object -Property Estimate -Sum).Sum
Write-Host ('Estimated spend: ${0:0.000} for {1} generation(s): {2}' -f $total, $plan.Count, (($plan | ForEach-Object { "$($_.Model.Id) $(if ($_.Size) { $_.Size } else { 'fixed' })" }) -join ', '))
if ($total -gt $MaxSpendUsd) {
    Write-Host ('LiveTest stopped: the estimate ${0:0.000} is above the limit of ${1:0.00}; nothing was generated.' -f $total, $MaxSpendUsd)
    exit 1
}

# 3. The cheapest generation per live stable image model, and the shape of each answer.
$failures = 0
foreach ($p in $plan) {
    $m = $p.Model
    $sizeArgs = if ($p.Size) { @{ ImageSize = $p.Size } } else { @{} }
    try {
        $image = New-GeminiImage 'A single red apple on a white table, simple flat illustration' -Model $m.Id -AspectRatio 1:1 @sizeArgs -ImageOnly -OutputDirectory $work -ErrorAction Stop -WarningAction SilentlyContinue
        $image = @($image)[0]
        $expected = $m.GetPixelSize('1:1', $p.Size)
        $checks = @(
            @{ Ok = (Test-Path -LiteralPath $image.Path); What = "file $($image.Path)" }
            @{ Ok = $image.MimeType -eq $m.OutputMimeType; What = "format $($image.MimeType) (catalog: $($m.OutputMimeType))" }
            @{ Ok = ($image.Width -eq $expected.Width -and $image.Height -eq $expected.Height); What = "size $($image.Width)x$($image.Height) (catalog: $expected)" }
            @{ Ok = $image.OutputTokens -ge $p.Tokens; What = "output tokens $($image.OutputTokens) (catalog: $($p.Tokens) per image)" }
            @{ Ok = $image.Cost -gt 0; What = "cost $($image.Cost)" }
            @{ Ok = -not [string]::IsNullOrEmpty($image.ResponseId) -and -not [string]::IsNullOrEmpty($image.ModelVersion); What = "responseId/modelVersion '$($image.ResponseId)'/'$($image.ModelVersion)'" }
        )
        $bad = @($checks | Where-Object { -not $_.Ok })
        foreach ($b in $bad) { $drift.Add("SHAPE    $($m.Id): $($b.What)") }
        Write-Host ('{0,-30} {1}  {2}x{3} {4}  ${5:0.0000}' -f $m.Id, $(if ($bad) { 'DRIFT' } else { 'ok   ' }), $image.Width, $image.Height, $image.MimeType, $image.Cost)
    }
    catch {
        $failures++
        $drift.Add("FAILED   $($m.Id): $($_.FullyQualifiedErrorId): $($_.Exception.Message)")
        Write-Host ('{0,-30} FAILED {1}' -f $m.Id, $_.Exception.Message)
    }
}

# 4. The drift report, last.
$spent = (Get-GeminiUsage | Measure-Object -Property CostUsd -Sum).Sum
Write-Host ''
Write-Host ('Spent: ${0:0.0000}' -f $spent)
if ($drift.Count -eq 0) {
    Remove-Item -LiteralPath $work -Recurse -Force -ErrorAction SilentlyContinue
    Write-Host 'Drift report: none. The catalog matches the live service.'
    exit 0
}
Write-Host "Images and ledger kept for inspection in $work"
Write-Host "Drift report: $($drift.Count) finding(s)"
$drift | ForEach-Object { Write-Host "  $_" }
exit 1
