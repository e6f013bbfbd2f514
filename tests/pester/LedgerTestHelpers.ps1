<#
    Helpers for the ledger cmdlet tests (Get-GeminiUsage, Get-GeminiCost, pricing and budget cmdlets).
    Dot-source AFTER common.ps1:

        BeforeAll {
            . (Join-Path $PSScriptRoot 'common.ps1')
            . (Join-Path $PSScriptRoot 'LedgerTestHelpers.ps1')
            Enter-TestGeminiHome
        }
        AfterAll { Exit-TestGeminiHome }

      Enter-TestGeminiHome  points GEMINI_IMAGE_HOME at a fresh folder (the real user ledger is never
                            touched); call again for another fresh folder. Exit-TestGeminiHome restores it.
      Add-TestLedgerRecord  appends a record straight through the engine (any time, cost, tags), for tests
                            that need history the emulator cannot make (other days, weeks, months).
      Get-DecimalSum        exact decimal sum of a property (CostUsd by default).
      Get-CatalogPrices     model id -> prices, read from the catalog data file in the repo (not through the module).
      Get-ReplayedUsage     sends a logged emulator request again with Invoke-RestMethod and prices its
                            usageMetadata with those prices: the independent expectation for a ledger record.
#>

$script:SavedGeminiHome = $env:GEMINI_IMAGE_HOME
$script:SavedGeminiHomeTaken = $false

function Enter-TestGeminiHome {
    if (-not $script:SavedGeminiHomeTaken) {
        $script:SavedGeminiHome = $env:GEMINI_IMAGE_HOME
        $script:SavedGeminiHomeTaken = $true
    }
    $env:GEMINI_IMAGE_HOME = New-TestFolder 'gemini-home'
    $env:GEMINI_IMAGE_HOME
}

function Exit-TestGeminiHome {
    if ($script:SavedGeminiHomeTaken) {
        $env:GEMINI_IMAGE_HOME = $script:SavedGeminiHome
        $script:SavedGeminiHomeTaken = $false
    }
}

function Add-TestLedgerRecord {
    param(
        [datetime] $TimeUtc = [datetime]::UtcNow,
        [Nullable[decimal]] $Cost = 0.01,
        [string] $Model = 'gemini-2.5-flash-image',
        [string[]] $Tag = @(),
        [string] $Cmdlet = 'New-GeminiImage',
        [string] $Status = 'Success',
        [int] $Images = 1,
        [string] $Prompt = 'test record'
    )
    $record = (Get-GeminiType GeminiImage.Engine.Ledger.UsageRecord)::new()
    $record.TimeUtc = [datetime]::SpecifyKind($TimeUtc, 'Utc')
    $record.CostUsd = $Cost
    $record.Model = $Model
    foreach ($t in $Tag) { $record.Tags.Add($t) }
    $record.Cmdlet = $Cmdlet
    $record.Status = $Status
    $record.ImageCount = $Images
    $record.InputTokens = 10
    $record.ImageOutputTokens = 1290 * $Images
    $record.Prompt = $Prompt
    $ledger = (Get-GeminiType GeminiImage.Engine.Ledger.UsageLedger)::new((@{ DataFolder = $env:GEMINI_IMAGE_HOME } -as (Get-GeminiType GeminiImage.Engine.Ledger.UsageLedgerOptions)))
    $result = $ledger.Append($record)
    if (-not $result.Stored) { throw "ledger append failed: $($result.Error)" }
}

# Sum of a property as an exact decimal (Measure-Object sums in double).
function Get-DecimalSum([object[]] $InputObject, [string] $Property = 'CostUsd') {
    $sum = [decimal]0
    foreach ($o in $InputObject) { if ($null -ne $o.$Property) { $sum += [decimal]$o.$Property } }
    $sum
}

function Get-CatalogPrices {
    # -AsHashtable: the catalog has an empty-string key ("imageTokens": { "": 1290 }).
    $catalog = Get-Content -LiteralPath (Join-Path $RepoRoot 'src/GeminiImage.Engine/Catalog/models.json') -Raw | ConvertFrom-Json -AsHashtable
    $byId = @{}
    foreach ($m in $catalog.models) { $byId[$m.id] = $m }
    $prices = @{}
    foreach ($m in $catalog.models) {
        $source = if ($m.ContainsKey('sameAs')) { $byId[$m.sameAs] } else { $m }
        if ($null -eq $source.prices) { continue }   # an unconfirmed model with unknown prices
        $prices[$m.id] = [pscustomobject]@{
            Input = [decimal]$source.prices.input; TextOutput = [decimal]$source.prices.textOutput; ImageOutput = [decimal]$source.prices.imageOutput
        }
    }
    $prices
}

# The cost formula of the reference (§7), written out independently of the engine:
# prompt tokens at the input price, text output (candidates minus IMAGE details) and thinking at the text price,
# IMAGE output at the image price; per call, rounded to the micro-dollar.
function Get-ReplayedUsage {
    param([Parameter(Mandatory)] $Emulator, [Parameter(Mandatory)] $Request, [Parameter(Mandatory)] [hashtable] $Prices)
    $uri = [uri]::new($Emulator.BaseUri, $Request.Path)
    $response = Invoke-RestMethod -Method Post -Uri $uri -Body $Request.RawJson -ContentType 'application/json' -Headers @{ 'x-goog-api-key' = $Emulator.ApiKey }
    $u = $response.usageMetadata
    $count = { param($o, $name) if ($o.PSObject.Properties[$name]) { [int]$o.$name } else { 0 } }
    $prompt = & $count $u 'promptTokenCount'
    $candidates = & $count $u 'candidatesTokenCount'
    $thoughts = & $count $u 'thoughtsTokenCount'
    $image = 0
    if ($u.PSObject.Properties['candidatesTokensDetails']) {
        foreach ($d in $u.candidatesTokensDetails) { if ($d.modality -eq 'IMAGE') { $image += [int]$d.tokenCount } }
    }
    $text = $candidates - $image
    $p = $Prices[$Request.Model]
    $cost = [math]::Round(([decimal]$prompt * $p.Input + ([decimal]$text + $thoughts) * $p.TextOutput + [decimal]$image * $p.ImageOutput) / 1000000, 6)
    [pscustomobject]@{
        Prompt = $Request.Prompt; Model = $Request.Model
        InputTokens = $prompt; TextOutputTokens = $text; ImageOutputTokens = $image; ThinkingTokens = $thoughts
        CostUsd = $cost
    }
}
