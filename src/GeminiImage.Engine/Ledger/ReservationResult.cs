namespace GeminiImage.Engine.Ledger;

/// <summary>What <see cref="ISpendReservations.Reserve"/> found before it reserved.</summary>
public sealed class ReservationResult
{
    /// <summary>Creates the result.</summary>
    public ReservationResult(decimal today, decimal thisMonth, IReadOnlyList<BudgetCheckResult>? warnings = null)
    {
        Today = today;
        ThisMonth = thisMonth;
        Warnings = warnings ?? Array.Empty<BudgetCheckResult>();
    }

    /// <summary>Spend of the UTC day that the personal budget counts (reservations included), before this reservation.</summary>
    public decimal Today { get; }

    /// <summary>The same for the UTC month.</summary>
    public decimal ThisMonth { get; }

    /// <summary>Team or project budgets whose warning threshold was reached for the first time this period.</summary>
    public IReadOnlyList<BudgetCheckResult> Warnings { get; }
}
