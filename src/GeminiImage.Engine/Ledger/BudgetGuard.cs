using System;
using System.Globalization;
using System.IO;
using System.Text.Json;

namespace GeminiImage.Engine.Ledger;

/// <summary>Budget periods, in UTC like the ledger's spend totals.</summary>
public enum BudgetPeriod
{
    Daily,
    Monthly,
}

/// <summary>What a budget check decided.</summary>
public enum BudgetStatus
{
    /// <summary>Within every budget and nothing to warn about.</summary>
    Allowed,
    /// <summary>Within every budget, but the spend crossed the warning threshold for the first time this period.</summary>
    Warning,
    /// <summary>The request would take spending past a budget.</summary>
    WouldExceed,
}

/// <summary>Result of <see cref="BudgetGuard.Check"/>. Period, limit and spent describe the budget concerned (null when allowed).</summary>
public sealed class BudgetCheckResult
{
    internal BudgetCheckResult(BudgetStatus status, BudgetPeriod? period, decimal? limit, decimal? spent, decimal estimated)
    {
        Status = status;
        Period = period;
        Limit = limit;
        Spent = spent;
        Estimated = estimated;
    }

    public BudgetStatus Status { get; }
    public BudgetPeriod? Period { get; }
    public decimal? Limit { get; }
    public decimal? Spent { get; }
    public decimal Estimated { get; }

    /// <summary>A sentence for a warning or error message.</summary>
    public string Message => Status switch
    {
        BudgetStatus.WouldExceed => string.Format(CultureInfo.InvariantCulture,
            "The {0} budget of ${1} would be exceeded: ${2} spent so far, this request is estimated at ${3}.", Name, Limit, Spent, Estimated),
        BudgetStatus.Warning => string.Format(CultureInfo.InvariantCulture,
            "Spending is near the {0} budget of ${1}: ${2} spent so far, this request is estimated at ${3}.", Name, Limit, Spent, Estimated),
        _ => "Within budget.",
    };

    private string Name => Period == BudgetPeriod.Daily ? "daily" : "monthly";
}

/// <summary>Compares an estimated cost with the budgets and the ledger's spend so far.</summary>
public sealed class BudgetGuard
{
    /// <summary>File (in the ledger's data folder) that remembers which periods were already warned about.</summary>
    public const string StateFileName = "budget-state.json";

    private readonly UsageLedger _ledger;
    private readonly BudgetSettings _settings;
    private readonly string _statePath;

    /// <summary>Creates a guard over a ledger; settings default to the ledger folder's budget.json.</summary>
    public BudgetGuard(UsageLedger ledger, BudgetSettings? settings = null)
    {
        _ledger = ledger ?? throw new ArgumentNullException(nameof(ledger));
        _settings = settings ?? BudgetSettings.Load(ledger.DataFolder);
        _statePath = Path.Combine(ledger.DataFolder, StateFileName);
    }

    /// <summary>
    /// Decides whether a request estimated at <paramref name="estimatedCost"/> fits. A warning is returned only once
    /// per period and budget (remembered in budget-state.json), so scheduled runs do not repeat it all day.
    /// </summary>
    public BudgetCheckResult Check(decimal estimatedCost)
    {
        if (_settings.Daily == null && _settings.Monthly == null) return new BudgetCheckResult(BudgetStatus.Allowed, null, null, null, estimatedCost);
        var now = _ledger.UtcNow();
        var budgets = new[]
        {
            (Period: BudgetPeriod.Daily, Limit: _settings.Daily, Key: now.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), Spent: _settings.Daily == null ? 0m : _ledger.SpendToday()),
            (Period: BudgetPeriod.Monthly, Limit: _settings.Monthly, Key: now.ToString("yyyy-MM", CultureInfo.InvariantCulture), Spent: _settings.Monthly == null ? 0m : _ledger.SpendThisMonth()),
        };
        foreach (var b in budgets)
        {
            if (b.Limit is decimal limit && b.Spent + estimatedCost > limit)
                return new BudgetCheckResult(BudgetStatus.WouldExceed, b.Period, limit, b.Spent, estimatedCost);
        }
        if (_settings.WarnAt is decimal warnAt)
        {
            var state = LoadState();
            foreach (var b in budgets)
            {
                if (b.Limit is not decimal limit || b.Spent + estimatedCost < limit * warnAt) continue;
                var warned = b.Period == BudgetPeriod.Daily ? state.WarnedDay : state.WarnedMonth;
                if (warned == b.Key) continue;
                if (b.Period == BudgetPeriod.Daily) state.WarnedDay = b.Key;
                else state.WarnedMonth = b.Key;
                SaveState(state);
                return new BudgetCheckResult(BudgetStatus.Warning, b.Period, limit, b.Spent, estimatedCost);
            }
        }
        return new BudgetCheckResult(BudgetStatus.Allowed, null, null, null, estimatedCost);
    }

    /// <summary>Like <see cref="Check"/>, but throws <see cref="BudgetExceededException"/> instead of returning WouldExceed.</summary>
    public BudgetCheckResult EnsureWithinBudget(decimal estimatedCost)
    {
        var result = Check(estimatedCost);
        if (result.Status == BudgetStatus.WouldExceed) throw new BudgetExceededException(result);
        return result;
    }

    private WarnState LoadState()
    {
        try { return File.Exists(_statePath) ? JsonSerializer.Deserialize<WarnState>(File.ReadAllText(_statePath)) ?? new WarnState() : new WarnState(); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException) { return new WarnState(); }
    }

    // Losing this file only means one more warning, so a failed write is ignored.
    private void SaveState(WarnState state)
    {
        try
        {
            Generation.OutputWriter.WriteAtomic(JsonSerializer.SerializeToUtf8Bytes(state), _statePath, force: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
    }

    private sealed class WarnState
    {
        public string? WarnedDay { get; set; }
        public string? WarnedMonth { get; set; }
    }
}
