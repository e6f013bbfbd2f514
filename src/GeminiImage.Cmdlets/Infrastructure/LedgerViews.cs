using GeminiImage.Engine.Catalog;

namespace GeminiImage.Cmdlets.Infrastructure;

/// <summary>
/// One ledger record as Get-GeminiUsage emits it: flat, so Export-Csv writes every column readably
/// (tags as one comma-separated string).
/// </summary>
public sealed class GeminiUsageView
{
    public long Id { get; private set; }
    /// <summary>When the request finished, in UTC.</summary>
    public DateTime TimeUtc { get; private set; }
    public string Cmdlet { get; private set; } = "";
    // Enum values as text: a property of an engine enum type would load the engine while PowerShell scans the module's types.
    public string Operation { get; private set; } = "";
    public string Model { get; private set; } = "";
    public string Status { get; private set; } = "";
    public string? ErrorId { get; private set; }
    public int Images { get; private set; }
    public int InputTokens { get; private set; }
    public int TextOutputTokens { get; private set; }
    public int ImageOutputTokens { get; private set; }
    public int ThinkingTokens { get; private set; }
    /// <summary>USD; null when the model's prices were unknown.</summary>
    public decimal? CostUsd { get; private set; }
    /// <summary><see cref="CostUsd"/> under the name image results use, so <c>Measure-Object Cost -Sum</c> works on both.</summary>
    public decimal? Cost => CostUsd;
    public decimal? SavedCostUsd { get; private set; }
    /// <summary>The record's tags joined with commas ("" when untagged).</summary>
    public string Tags { get; private set; } = "";
    public string? BatchId { get; private set; }
    public string? RowId { get; private set; }
    public string? OutputPath { get; private set; }
    /// <summary><see cref="OutputPath"/> as <c>Path</c>, so records pipe into Get-GeminiImageInfo and Resize-GeminiImage.</summary>
    public string? Path => OutputPath;
    /// <summary>The prompt, or null when it was sent with -NoPromptLogging.</summary>
    public string? Prompt { get; private set; }
    public string? MachineName { get; private set; }
    public string? UserName { get; private set; }
    public string? ResponseId { get; private set; }
    /// <summary>The connection profile that served the call ("default" without profiles; null in records from before profiles).</summary>
    public string? Endpoint { get; private set; }
    /// <summary>The project the call was charged to (-Project); null for none.</summary>
    public string? Project { get; private set; }
    public string RecordId { get; private set; } = "";

    public static GeminiUsageView From(UsageRecord r) => new()
    {
        Id = r.Id,
        TimeUtc = DateTime.SpecifyKind(r.TimeUtc, DateTimeKind.Utc),
        Cmdlet = r.Cmdlet,
        Operation = r.Operation.ToString(),
        Model = r.Model,
        Status = r.Status.ToString(),
        ErrorId = r.ErrorId,
        Images = r.ImageCount,
        InputTokens = r.InputTokens,
        TextOutputTokens = r.TextOutputTokens,
        ImageOutputTokens = r.ImageOutputTokens,
        ThinkingTokens = r.ThinkingTokens,
        CostUsd = r.CostUsd,
        SavedCostUsd = r.SavedCostUsd,
        Tags = string.Join(",", r.Tags),
        BatchId = r.BatchId,
        RowId = r.RowId,
        OutputPath = r.OutputPath,
        Prompt = r.Prompt,
        MachineName = r.MachineName,
        UserName = r.UserName,
        ResponseId = r.ResponseId,
        Endpoint = r.Endpoint,
        Project = r.Project,
        RecordId = r.RecordId,
    };
}

/// <summary>One row of Get-GeminiCost: the totals of one group, or (IsTotal) of all matching records.</summary>
public sealed class GeminiCostView
{
    public string GroupBy { get; private set; } = "";
    /// <summary>Day "yyyy-MM-dd", week (its Monday), month "yyyy-MM", model id, tag or cmdlet name; "Total" on the grand-total row.</summary>
    public string Key { get; private set; } = "";
    public bool IsTotal { get; private set; }
    public int Requests { get; private set; }
    public long Images { get; private set; }
    public long InputTokens { get; private set; }
    /// <summary>Text plus image output tokens.</summary>
    public long OutputTokens { get; private set; }
    public long ThinkingTokens { get; private set; }
    public decimal CostUsd { get; private set; }
    /// <summary><see cref="CostUsd"/> under the name image results use.</summary>
    public decimal Cost => CostUsd;
    public decimal SavedCostUsd { get; private set; }
    /// <summary>Cost divided by images; null when the group made no image.</summary>
    public decimal? AverageCostPerImage { get; private set; }
    /// <summary>Requests whose cost is unknown (model without prices); they add nothing to CostUsd.</summary>
    public int UnpricedRequests { get; private set; }

    public static GeminiCostView From(UsageGroup g, UsageGroupBy groupBy, bool isTotal) => new()
    {
        GroupBy = groupBy.ToString(),
        Key = g.Key,
        IsTotal = isTotal,
        Requests = g.Requests,
        Images = g.Images,
        InputTokens = g.InputTokens,
        OutputTokens = g.OutputTokens,
        ThinkingTokens = g.ThinkingTokens,
        CostUsd = g.CostUsd,
        SavedCostUsd = g.SavedCostUsd,
        AverageCostPerImage = g.AverageCostPerImage,
        UnpricedRequests = g.UnpricedRequests,
    };
}

/// <summary>One model's prices as Get-GeminiPricing shows them (USD).</summary>
public sealed class GeminiPriceView
{
    public string Model { get; private set; } = "";
    public string Nickname { get; private set; } = "";
    /// <summary>"Catalog" (shipped with the module) or "Override" (prices.json in the data folder).</summary>
    public string Source { get; private set; } = "";
    public decimal InputPer1M { get; private set; }
    public decimal TextOutputPer1M { get; private set; }
    public decimal ImageOutputPer1M { get; private set; }
    /// <summary>The model's default image size (null when it has none).</summary>
    public string? ImageSize { get; private set; }
    /// <summary>Output tokens of one image at the default size; null for a model the catalog does not know.</summary>
    public int? ImageTokens { get; private set; }
    /// <summary>Output cost of one image at the default size; null for a model the catalog does not know.</summary>
    public decimal? PerImage { get; private set; }
    /// <summary>Output cost of one image per image size ("" for a model without sizes).</summary>
    public IReadOnlyDictionary<string, decimal> PerImageBySize { get; private set; } = new Dictionary<string, decimal>();

    public static GeminiPriceView Create(string id, Engine.Pricing.PriceTable table, ModelInfo? model, bool overridden)
    {
        var prices = table.Get(id)!;
        var bySize = new Dictionary<string, decimal>(StringComparer.OrdinalIgnoreCase);
        if (model != null)
        {
            var sizes = model.SupportsImageSize ? model.ImageSizes.Keys.ToList() : new List<string> { "" };
            foreach (var size in sizes) bySize[size] = table.PerImage(model, size.Length == 0 ? null : size)!.Value;
        }
        var tokens = model?.GetImageTokens(null);
        return new GeminiPriceView
        {
            Model = id,
            Nickname = model?.Nickname ?? "",
            Source = overridden ? "Override" : "Catalog",
            InputPer1M = prices.Input,
            TextOutputPer1M = prices.TextOutput,
            ImageOutputPer1M = prices.ImageOutput,
            ImageSize = model?.DefaultImageSize,
            ImageTokens = tokens,
            PerImage = model == null ? null : table.PerImage(model),
            PerImageBySize = bySize,
        };
    }
}

/// <summary>The budgets in force and what is left of them, as Get-GeminiBudget shows them (USD, UTC day and month).</summary>
public sealed class GeminiBudgetView
{
    /// <summary>"Personal" (budget.json), "Team" or "Project:NAME" (kept in the team ledger).</summary>
    public string Scope { get; private set; } = TeamBudgetScope.Personal;
    /// <summary>Limit per UTC day; null for none.</summary>
    public decimal? Daily { get; private set; }
    /// <summary>Limit per UTC month; null for none.</summary>
    public decimal? Monthly { get; private set; }
    /// <summary>Fraction of a limit at which one warning is written per period; null for none.</summary>
    public decimal? WarnAt { get; private set; }
    public decimal SpentToday { get; private set; }
    public decimal SpentThisMonth { get; private set; }
    /// <summary>Daily minus spent today (negative when actual costs passed the limit); null without a daily limit.</summary>
    public decimal? RemainingToday { get; private set; }
    /// <summary>Monthly minus spent this month; null without a monthly limit.</summary>
    public decimal? RemainingThisMonth { get; private set; }
    /// <summary>The budget.json the limits are kept in, or the team ledger (PostgreSQL host:port/database).</summary>
    public string Path { get; private set; } = "";
    /// <summary>Who last changed a team budget (user@machine); null for the personal budget.</summary>
    public string? UpdatedBy { get; private set; }
    /// <summary>When a team budget was last changed (UTC); null for the personal budget.</summary>
    public DateTime? UpdatedUtc { get; private set; }

    /// <summary>One view per team and project budget of a team ledger, with what their scopes spent.</summary>
    public static IEnumerable<GeminiBudgetView> Team(ITeamLedger ledger)
    {
        var now = ledger.UtcNow();
        var month = LedgerPeriods.MonthStart(now);
        foreach (var budget in ledger.GetBudgets())
        {
            var today = ledger.ScopeSpend(budget.Scope, now.Date, now.Date.AddDays(1));
            var thisMonth = ledger.ScopeSpend(budget.Scope, month, month.AddMonths(1));
            yield return new GeminiBudgetView
            {
                Scope = BudgetScope.ProjectOf(budget.Scope) is { } project ? "Project:" + project : TeamBudgetScope.Team,
                Daily = budget.Daily,
                Monthly = budget.Monthly,
                WarnAt = budget.WarnAt,
                SpentToday = today,
                SpentThisMonth = thisMonth,
                RemainingToday = budget.Daily - today,
                RemainingThisMonth = budget.Monthly - thisMonth,
                Path = ledger.Location,
                UpdatedBy = budget.UpdatedBy,
                UpdatedUtc = budget.UpdatedUtc,
            };
        }
    }

    public static GeminiBudgetView Current()
    {
        var store = new BudgetStore();
        var settings = store.Load();
        var ledger = LedgerSettings.Open(new UsageLedgerOptions { DataFolder = store.Folder });
        var hasLedger = ledger.Exists;
        var today = hasLedger ? ledger.SpendToday() : 0m;
        var month = hasLedger ? ledger.SpendThisMonth() : 0m;
        return new GeminiBudgetView
        {
            Daily = settings.Daily,
            Monthly = settings.Monthly,
            WarnAt = settings.WarnAt,
            SpentToday = today,
            SpentThisMonth = month,
            RemainingToday = settings.Daily - today,
            RemainingThisMonth = settings.Monthly - month,
            Path = store.Path,
        };
    }
}

/// <summary>Helpers shared by the ledger cmdlets.</summary>
internal static class LedgerParameters
{
    /// <summary>
    /// A -Since/-Until value as UTC. A date typed without a zone ([datetime]'2025-06-01', Kind Unspecified) is local
    /// time, as everywhere else in PowerShell.
    /// </summary>
    public static DateTime? ToUtc(DateTime? value) => value switch
    {
        null => null,
        { Kind: DateTimeKind.Utc } v => v,
        { Kind: DateTimeKind.Local } v => v.ToUniversalTime(),
        var v => DateTime.SpecifyKind(v.Value, DateTimeKind.Local).ToUniversalTime(),
    };

    /// <summary>The ledger in effect (Set-GeminiConfig -Ledger), or null for a SQLite ledger never written (so a query creates nothing).</summary>
    public static IUsageLedger? OpenExisting()
    {
        var ledger = LedgerSettings.Open(new UsageLedgerOptions { DataFolder = DataFolder.Default });
        return ledger.Exists ? ledger : null;
    }
}

/// <summary>Error records of the ledger cmdlets.</summary>
internal static class LedgerErrors
{
    /// <summary>The ledger could not be read (locked past the busy timeout, unreadable or damaged file; a team ledger's own error).</summary>
    public static System.Management.Automation.ErrorRecord Unavailable(Exception exception, string path) => exception is LedgerException
        ? ErrorRecords.From(exception, path)
        : new(new System.IO.IOException($"The usage ledger '{path}' could not be read: {exception.Message}", exception),
            "GeminiImage.LedgerUnavailable", System.Management.Automation.ErrorCategory.ReadError, path)
        {
            ErrorDetails = new System.Management.Automation.ErrorDetails($"The usage ledger '{path}' could not be read: {exception.Message}")
            {
                RecommendedAction = "Try again when other GeminiImage processes have finished writing; check that the data folder (GEMINI_IMAGE_HOME) is readable.",
            },
        };
}

/// <summary>Reading and checking price tables for the pricing cmdlets.</summary>
internal static class PriceFiles
{
    /// <summary>One row per catalog model (catalog order), then the models only the override file knows.</summary>
    public static IEnumerable<GeminiPriceView> Rows(Engine.Pricing.PriceTable table)
    {
        var overridden = new HashSet<string>(table.OverriddenModels, StringComparer.OrdinalIgnoreCase);
        foreach (var model in ModelCatalog.Default.Models)
        {
            var prices = table.Get(model.Id);
            if (prices != null) yield return GeminiPriceView.Create(model.Id, table, model, overridden.Contains(model.Id));
        }
        foreach (var id in table.OverriddenModels.Where(id => !ModelCatalog.Default.TryGet(id, out _)).OrderBy(id => id, StringComparer.OrdinalIgnoreCase))
            yield return GeminiPriceView.Create(id, table, null, true);
    }

    public static System.Management.Automation.ErrorRecord Invalid(Exception exception, string path) =>
        new(exception, "GeminiImage.InvalidPriceFile", System.Management.Automation.ErrorCategory.InvalidData, path)
        {
            ErrorDetails = new System.Management.Automation.ErrorDetails(exception.Message)
            {
                RecommendedAction = "Fix the file (format: Get-Help Set-GeminiPricing -Full) or remove the override with Set-GeminiPricing -Reset.",
            },
        };
}
