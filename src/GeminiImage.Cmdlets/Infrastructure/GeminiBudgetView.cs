namespace GeminiImage.Cmdlets.Infrastructure;

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
            var scope = BudgetScope.ProjectOf(budget.Scope) is { } project ? "Project:" + project : TeamBudgetScope.Team;
            yield return Of(scope, budget.Daily, budget.Monthly, budget.WarnAt, today, thisMonth, ledger.Location, budget.UpdatedBy, budget.UpdatedUtc);
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
        return Of(TeamBudgetScope.Personal, settings.Daily, settings.Monthly, settings.WarnAt, today, month, store.Path);
    }

    /// <summary>One view: the limits, what was spent against them and what is left.</summary>
    private static GeminiBudgetView Of(string scope, decimal? daily, decimal? monthly, decimal? warnAt, decimal spentToday, decimal spentThisMonth,
        string path, string? updatedBy = null, DateTime? updatedUtc = null) => new()
    {
        Scope = scope,
        Daily = daily,
        Monthly = monthly,
        WarnAt = warnAt,
        SpentToday = spentToday,
        SpentThisMonth = spentThisMonth,
        RemainingToday = daily - spentToday,
        RemainingThisMonth = monthly - spentThisMonth,
        Path = path,
        UpdatedBy = updatedBy,
        UpdatedUtc = updatedUtc,
    };
}
