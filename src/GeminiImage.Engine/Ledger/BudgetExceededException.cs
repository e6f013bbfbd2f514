namespace GeminiImage.Engine.Ledger;

/// <summary>A request would take spending past a daily or monthly budget.</summary>
public sealed class BudgetExceededException : GeminiImageException
{
    /// <summary>Creates the exception from the check that failed.</summary>
    public BudgetExceededException(BudgetCheckResult check) : base(check.Message) => Check = check;

    /// <summary>Which budget, its limit, what was spent and what the request would add.</summary>
    public BudgetCheckResult Check { get; }

    /// <inheritdoc />
    public override string ErrorId => "GeminiImage.BudgetExceeded";

    /// <inheritdoc />
    public override ErrorKind Kind => ErrorKind.QuotaExceeded;

    /// <inheritdoc />
    public override string? RecommendedAction =>
        "See the spend with Get-GeminiBudget; raise the limit with Set-GeminiBudget or remove it with Clear-GeminiBudget, or wait for the next " +
        (Check.Period == BudgetPeriod.Monthly ? "month (UTC)." : "day (UTC).");
}
