namespace GeminiImage.Engine.Ledger;

/// <summary>A budget kept in a team ledger, for the whole team or one project (USD, UTC days and months).</summary>
public sealed class ScopedBudget
{
    /// <summary><see cref="BudgetScope.Team"/> or <see cref="BudgetScope.ForProject"/>.</summary>
    public string Scope { get; set; } = BudgetScope.Team;

    /// <summary>Limit per UTC day; null for none.</summary>
    public decimal? Daily { get; set; }

    /// <summary>Limit per UTC month; null for none.</summary>
    public decimal? Monthly { get; set; }

    /// <summary>Fraction of a limit at which one warning is raised per period (for the whole team); null for none.</summary>
    public decimal? WarnAt { get; set; }

    /// <summary>When it was last changed (UTC).</summary>
    public DateTime UpdatedUtc { get; set; }

    /// <summary>Who last changed it (user@machine).</summary>
    public string UpdatedBy { get; set; } = "";

    /// <summary>The limits as the budget guard reads them.</summary>
    public BudgetSettings ToSettings() => new() { Daily = Daily, Monthly = Monthly, WarnAt = WarnAt };
}
