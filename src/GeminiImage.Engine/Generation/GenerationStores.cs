using GeminiImage.Engine.Cache;
using GeminiImage.Engine.Ledger;
using GeminiImage.Engine.Pricing;

namespace GeminiImage.Engine.Generation;

/// <summary>
/// What a <see cref="GenerationService"/> reads and writes besides the API: the usage ledger, the price table, the
/// budget, the response cache and the fallback folder for images that cannot be saved. Each is opened or read the
/// first time it is needed (a -WhatIf run touches only the prices), once per service.
/// </summary>
public sealed class GenerationStores
{
    private readonly Lazy<IUsageLedger> _ledger;
    private readonly Lazy<PriceTable> _prices;
    private readonly Lazy<BudgetSettings> _budget;
    private readonly Func<ResponseCache> _cache;

    /// <param name="ledger">Opens the usage ledger.</param>
    /// <param name="prices">Loads the prices in force (catalog and override file); may throw for a broken file.</param>
    /// <param name="budget">Reads the budget settings.</param>
    /// <param name="cache">Opens the response cache (used only when a call asks for it).</param>
    /// <param name="fallbackDirectory">Where a paid image goes when it cannot be saved where asked.</param>
    public GenerationStores(Func<IUsageLedger> ledger, Func<PriceTable> prices, Func<BudgetSettings> budget, Func<ResponseCache> cache, string fallbackDirectory)
    {
        _ledger = new Lazy<IUsageLedger>(ledger);
        _prices = new Lazy<PriceTable>(prices);
        _budget = new Lazy<BudgetSettings>(budget);
        _cache = cache;
        FallbackDirectory = fallbackDirectory;
    }

    /// <summary>Everything in one data folder (default: <see cref="DataFolder.Default"/>, i.e. GEMINI_IMAGE_HOME or the user's own).</summary>
    /// <param name="apiKey">Scrubbed from every ledger field.</param>
    public static GenerationStores InDataFolder(string? folder = null, string? apiKey = null)
    {
        var home = folder ?? DataFolder.Default;
        return new GenerationStores(
            // The ledger in effect (Set-GeminiConfig -Ledger): SQLite in this folder, or a team's PostgreSQL database.
            () => LedgerSettings.Open(new UsageLedgerOptions { DataFolder = folder, Secrets = new[] { apiKey } }),
            () => new PriceOverrideStore(home).Current(),
            () => new BudgetStore(home).Load(),
            () => new ResponseCache(folder == null ? null : Path.Combine(folder, "cache")),
            Path.Combine(home, "fallback"));
    }

    public IUsageLedger Ledger => _ledger.Value;
    public PriceTable Prices => _prices.Value;
    public BudgetSettings Budget => _budget.Value;
    public ResponseCache OpenCache() => _cache();
    public string FallbackDirectory { get; }
}
