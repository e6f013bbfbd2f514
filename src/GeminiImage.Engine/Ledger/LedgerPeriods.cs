namespace GeminiImage.Engine.Ledger;

/// <summary>"Today" and "this month" of any ledger: UTC days and months, the same for every machine.</summary>
public static class LedgerPeriods
{
    /// <summary>Spend of the current UTC day (<see cref="IUsageLedger.Spend"/>).</summary>
    public static decimal SpendToday(this IUsageLedger ledger)
    {
        var today = ledger.UtcNow().Date;
        return ledger.Spend(today, today.AddDays(1));
    }

    /// <summary>Spend of the current UTC month.</summary>
    public static decimal SpendThisMonth(this IUsageLedger ledger)
    {
        var month = MonthStart(ledger.UtcNow());
        return ledger.Spend(month, month.AddMonths(1));
    }

    /// <summary>The first instant of the UTC month of <paramref name="utc"/>.</summary>
    public static DateTime MonthStart(DateTime utc) => new(utc.Year, utc.Month, 1, 0, 0, 0, DateTimeKind.Utc);
}
