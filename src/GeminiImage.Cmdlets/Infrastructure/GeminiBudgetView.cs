namespace GeminiImage.Cmdlets.Infrastructure;

/// <summary>The budgets in force and what is left of them, as Get-GeminiBudget shows them (USD, UTC day and month).</summary>
/// <param name="Scope">"Personal" (budget.json), "Team" or "Project:NAME" (kept in the team ledger).</param>
/// <param name="Daily">Limit per UTC day; null for none.</param>
/// <param name="Monthly">Limit per UTC month; null for none.</param>
/// <param name="WarnAt">Fraction of a limit at which one warning is written per period; null for none.</param>
public sealed record GeminiBudgetView(string Scope, decimal? Daily, decimal? Monthly, decimal? WarnAt, decimal SpentToday, decimal SpentThisMonth)
{
    /// <summary>Daily minus spent today (negative when actual costs passed the limit); null without a daily limit.</summary>
    public decimal? RemainingToday => Daily - SpentToday;
    /// <summary>Monthly minus spent this month; null without a monthly limit.</summary>
    public decimal? RemainingThisMonth => Monthly - SpentThisMonth;
    /// <summary>The budget.json the limits are kept in, or the team ledger (PostgreSQL host:port/database).</summary>
    public string Path { get; init; } = "";
    /// <summary>Who last changed a team budget (user@machine); null for the personal budget.</summary>
    public string? UpdatedBy { get; init; }
    /// <summary>When a team budget was last changed (UTC); null for the personal budget.</summary>
    public DateTime? UpdatedUtc { get; init; }

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
            yield return new GeminiBudgetView(scope, budget.Daily, budget.Monthly, budget.WarnAt, today, thisMonth)
            {
                Path = ledger.Location, UpdatedBy = budget.UpdatedBy, UpdatedUtc = budget.UpdatedUtc,
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
        return new GeminiBudgetView(TeamBudgetScope.Personal, settings.Daily, settings.Monthly, settings.WarnAt, today, month) { Path = store.Path };
    }
}
