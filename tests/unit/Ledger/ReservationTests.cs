using GeminiImage.Engine.Ledger;
using Xunit;

namespace GeminiImage.Tests.Ledger;

public sealed class ReservationTests : IDisposable
{
    private readonly TempDir _dir = new();
    private readonly FixedClock _clock = new(new DateTime(2026, 11, 25, 12, 0, 0, DateTimeKind.Utc));

    public void Dispose() => _dir.Dispose();

    private static UsageRecord Intent(decimal estimate, string? row = null) => new() { Cmdlet = "Invoke-GeminiBatch", Model = "gemini-2.5-flash-image", CostUsd = estimate, RowId = row };

    [Fact]
    public void Concurrent_reservations_never_pass_the_budget()
    {
        // Separate ledger objects behave like separate processes: only the database is shared.
        var settings = new BudgetSettings { Daily = 0.05m, WarnAt = null };
        var granted = 0;
        var refused = 0;
        Parallel.For(0, 16, new ParallelOptions { MaxDegreeOfParallelism = 16 }, i =>
        {
            var guard = new BudgetGuard(Make.Ledger(_dir, _clock), settings);
            try
            {
                guard.Reserve(new[] { Intent(0.039m, "r" + i) });
                Interlocked.Increment(ref granted);
            }
            catch (BudgetExceededException) { Interlocked.Increment(ref refused); }
        });
        Assert.Equal((1, 15), (granted, refused));
        var ledger = Make.Ledger(_dir, _clock);
        Assert.Equal(0.039m, ledger.SpendToday());
        Assert.Equal(UsageStatus.Pending, Assert.Single(ledger.Query()).Status);
    }

    [Fact]
    public void Settling_replaces_the_estimate_and_releasing_drops_it()
    {
        var ledger = Make.Ledger(_dir, _clock);
        var a = Intent(0.039m, "a");
        var b = Intent(0.039m, "b");
        new BudgetGuard(ledger, new BudgetSettings()).Reserve(new[] { a, b });
        Assert.Equal(0.078m, ledger.SpendToday());

        var actual = Make.Record(_clock.UtcNow, cost: 0.0391m);
        Assert.True(ledger.Settle(a.RecordId, actual).Stored);
        ledger.Release(new[] { b.RecordId });

        var record = Assert.Single(ledger.Query());
        Assert.Equal((a.RecordId, UsageStatus.Success, 0.0391m), (record.RecordId, record.Status, record.CostUsd));
        // Settling twice (a pending record folded in again) changes nothing.
        Assert.Equal(0, ledger.Settle(a.RecordId, Make.Record(_clock.UtcNow, cost: 5m)).FoldedIn);
        Assert.Equal(0.0391m, ledger.SpendToday());
    }

    [Fact]
    public void A_whole_job_is_reserved_or_refused_as_one()
    {
        var ledger = Make.Ledger(_dir, _clock);
        var guard = new BudgetGuard(ledger, new BudgetSettings { Daily = 0.05m });
        var error = Assert.Throws<BudgetExceededException>(() => guard.Reserve(new[] { Intent(0.02m), Intent(0.02m), Intent(0.02m) }));
        Assert.Equal(0.06m, error.Check.Estimated);
        Assert.Empty(ledger.Query());
    }

    [Fact]
    public void Abandoned_reservations_expire_to_unanswered_and_still_count()
    {
        var ledger = Make.Ledger(_dir, _clock);
        var intent = Intent(0.039m);
        new BudgetGuard(ledger, new BudgetSettings()).Reserve(new[] { intent });
        Assert.Equal(0, ledger.Expire());
        _clock.UtcNow = _clock.UtcNow.Add(UsageLedger.ReservationLifetime).AddMinutes(1);
        Assert.Equal(1, ledger.Expire());
        var record = Assert.Single(ledger.Query());
        Assert.Equal((UsageStatus.Unanswered, 0.039m), (record.Status, record.CostUsd));
        // A late answer still settles it.
        ledger.Settle(intent.RecordId, Make.Record(_clock.UtcNow, cost: 0.04m));
        Assert.Equal(UsageStatus.Success, Assert.Single(ledger.Query()).Status);
    }
}
