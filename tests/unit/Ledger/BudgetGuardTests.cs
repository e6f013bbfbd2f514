using System.Globalization;
using GeminiImage.Engine.Errors;
using GeminiImage.Engine.Ledger;
using Xunit;

namespace GeminiImage.Tests.Ledger;

public sealed class BudgetGuardTests : IDisposable
{
    private readonly TempDir _dir = new();
    private readonly FixedClock _clock = new(new DateTime(2026, 11, 25, 12, 0, 0, DateTimeKind.Utc));

    public void Dispose() => _dir.Dispose();

    private UsageLedger LedgerWith(params (DateTime Time, decimal Cost)[] spend)
    {
        var ledger = Make.Ledger(_dir, _clock);
        foreach (var (time, cost) in spend) ledger.Append(Make.Record(time, cost: cost));
        return ledger;
    }

    [Fact]
    public void No_budgets_allow_anything()
    {
        var guard = new BudgetGuard(LedgerWith(), new BudgetSettings());
        Assert.Equal(BudgetStatus.Allowed, guard.Check(1000m).Status);
    }

    [Theory]
    [InlineData("1.00", "0.50", BudgetStatus.Allowed)]      // 0.50 + 0.10 = 0.60, under 80 % of 1.00
    [InlineData("1.00", "0.70", BudgetStatus.Warning)]      // 0.80 reaches 80 %
    [InlineData("0.50", "0.45", BudgetStatus.WouldExceed)]  // 0.55 > 0.50
    [InlineData("0.50", "0.40", BudgetStatus.Warning)]      // exactly at the limit is still within it
    public void Daily_budget_decides_by_spend_today_plus_estimate(string daily, string spentToday, BudgetStatus expected)
    {
        var (limit, spent) = (decimal.Parse(daily, CultureInfo.InvariantCulture), decimal.Parse(spentToday, CultureInfo.InvariantCulture));
        var ledger = LedgerWith((_clock.UtcNow.AddHours(-1), spent), (_clock.UtcNow.AddDays(-1), 100m));
        var guard = new BudgetGuard(ledger, new BudgetSettings { Daily = limit });

        var result = guard.Check(0.10m);

        Assert.Equal(expected, result.Status);
        if (expected != BudgetStatus.Allowed)
            Assert.Equal((BudgetPeriod.Daily, limit, spent, 0.10m), (result.Period!.Value, result.Limit!.Value, result.Spent!.Value, result.Estimated));
    }

    [Fact]
    public void Monthly_budget_counts_the_whole_utc_month()
    {
        var ledger = LedgerWith((new DateTime(2026, 11, 1, 0, 0, 0, DateTimeKind.Utc), 9m), (new DateTime(2026, 10, 31, 23, 59, 0, DateTimeKind.Utc), 50m));
        var guard = new BudgetGuard(ledger, new BudgetSettings { Daily = 5m, Monthly = 10m });

        var result = guard.Check(1.5m);

        Assert.Equal((BudgetStatus.WouldExceed, BudgetPeriod.Monthly, 9m), (result.Status, result.Period, result.Spent));
        var error = Assert.Throws<BudgetExceededException>(() => guard.EnsureWithinBudget(1.5m));
        Assert.Equal("GeminiImage.BudgetExceeded", error.ErrorId);
        Assert.Equal(ErrorKind.QuotaExceeded, error.Kind);
        Assert.IsAssignableFrom<GeminiImageException>(error);
        Assert.Contains("monthly budget of $10", error.Message);
    }

    [Fact]
    public void Warning_is_given_once_per_period_even_across_guards()
    {
        var ledger = LedgerWith((_clock.UtcNow, 0.85m));
        var settings = new BudgetSettings { Daily = 1m, WarnAt = 0.8m };

        Assert.Equal(BudgetStatus.Warning, new BudgetGuard(ledger, settings).EnsureWithinBudget(0.01m).Status);
        Assert.Equal(BudgetStatus.Allowed, new BudgetGuard(ledger, settings).Check(0.01m).Status); // a new process reads the persisted state

        _clock.UtcNow = _clock.UtcNow.AddDays(1);
        ledger.Append(Make.Record(_clock.UtcNow, cost: 0.9m));
        Assert.Equal(BudgetStatus.Warning, new BudgetGuard(ledger, settings).Check(0.01m).Status);
    }

    [Fact]
    public void Settings_round_trip_through_the_data_folder()
    {
        new BudgetSettings { Daily = 2.5m, Monthly = 40m, WarnAt = 0.9m }.Save(_dir.Path);
        var loaded = BudgetSettings.Load(_dir.Path);
        Assert.Equal((2.5m, 40m, 0.9m), (loaded.Daily, loaded.Monthly, loaded.WarnAt));
        Assert.Null(BudgetSettings.Load(_dir.Sub("empty")).Daily);
    }
}
