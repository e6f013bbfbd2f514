namespace GeminiImage.Cmdlets.Infrastructure;

/// <summary>The -Scope/-Project of the budget cmdlets: the personal budget.json, or a budget in the team ledger.</summary>
internal static class TeamBudgetScope
{
    /// <summary>-Scope Personal (default): budget.json in the data folder.</summary>
    public const string Personal = "Personal";

    /// <summary>-Scope Team: the team ledger's budget for every record.</summary>
    public const string Team = "Team";

    /// <summary>The team ledger's scope named by -Scope/-Project; null for the personal budget.</summary>
    public static string? Of(string scope, string? project) =>
        Text.NullIfBlank(project) is { } name ? BudgetScope.ForProject(name) : scope == Team ? BudgetScope.Team : null;

    /// <summary>The team ledger in effect; <see cref="LedgerException"/> (TeamLedgerRequired) when it is the SQLite file.</summary>
    public static ITeamLedger Ledger(string what = "Team and project budgets")
    {
        var ledger = LedgerSettings.Open();
        return ledger as ITeamLedger ?? throw LedgerException.TeamLedgerRequired(what, ledger.Location);
    }
}
