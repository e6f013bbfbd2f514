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
    internal BudgetCheckResult(BudgetStatus status, BudgetPeriod? period, decimal? limit, decimal? spent, decimal estimated, string? scope = null)
    {
        Scope = scope;
        Status = status;
        Period = period;
        Limit = limit;
        Spent = spent;
        Estimated = estimated;
    }

    /// <summary>The team ledger budget concerned (<see cref="BudgetScope"/>), or null for the personal budget (budget.json).</summary>
    public string? Scope { get; }
    public BudgetStatus Status { get; }
    public BudgetPeriod? Period { get; }
    public decimal? Limit { get; }
    public decimal? Spent { get; }
    public decimal Estimated { get; }

    /// <summary>A sentence for a warning or error message.</summary>
    public string Message => Status switch
    {
        BudgetStatus.WouldExceed => string.Format(CultureInfo.InvariantCulture,
            "The {0} budget of {1} would be exceeded: {2} spent so far, this request is estimated at {3}.", Name, Usd(Limit), Usd(Spent), Usd(Estimated)),
        BudgetStatus.Warning => string.Format(CultureInfo.InvariantCulture,
            "Spending is near the {0} budget of {1}: {2} spent so far, this request is estimated at {3}.", Name, Usd(Limit), Usd(Spent), Usd(Estimated)),
        _ => "Within budget.",
    };

    private static string Usd(decimal? amount) => Pricing.Money.Usd(amount ?? 0m);

    private string Name => BudgetScope.Describe(Scope) + (Period == BudgetPeriod.Daily ? "daily" : "monthly");
}

/// <summary>Compares an estimated cost with the budgets and the ledger's spend so far.</summary>
public sealed class BudgetGuard
{
    /// <summary>File (in the ledger's data folder) that remembers which periods were already warned about.</summary>
    public const string StateFileName = "budget-state.json";

    private readonly IUsageLedger _ledger;
    private readonly BudgetSettings _settings;
    private readonly string _statePath;
    // Threads of one process warn once between them (16 concurrent rows gave 11 warnings).
    private static readonly object s_stateGate = new();

    /// <summary>Creates a guard over a ledger; settings default to the ledger folder's budget.json.</summary>
    public BudgetGuard(IUsageLedger ledger, BudgetSettings? settings = null)
    {
        _ledger = ledger ?? throw new ArgumentNullException(nameof(ledger));
        _settings = settings ?? BudgetSettings.Load(ledger.DataFolder);
        _statePath = Path.Combine(ledger.DataFolder, StateFileName);
    }

    /// <summary>
    /// Decides whether a request estimated at <paramref name="estimatedCost"/> fits (open reservations count as spent).
    /// A warning is returned only once per period and budget (remembered in budget-state.json), so scheduled runs do
    /// not repeat it all day. Reserves nothing: see <see cref="Reserve"/>.
    /// </summary>
    public BudgetCheckResult Check(decimal estimatedCost)
    {
        if (_settings.Daily == null && _settings.Monthly == null) return Allowed(estimatedCost);
        var today = _settings.Daily == null ? 0m : _ledger.SpendToday();
        var month = _settings.Monthly == null ? 0m : _ledger.SpendThisMonth();
        return Evaluate(_settings, today, month, estimatedCost) ?? WarnIfNear(today, month, estimatedCost);
    }

    /// <summary>Like <see cref="Check"/>, but throws <see cref="BudgetExceededException"/> instead of returning WouldExceed.</summary>
    public BudgetCheckResult EnsureWithinBudget(decimal estimatedCost)
    {
        var result = Check(estimatedCost);
        if (result.Status == BudgetStatus.WouldExceed) throw new BudgetExceededException(result);
        return result;
    }

    /// <summary>
    /// Reserves the estimates of <paramref name="intents"/> in the ledger, atomically with the budget check, so that
    /// concurrent requests (threads or processes) cannot all pass the same check. Throws
    /// <see cref="BudgetExceededException"/> when they do not fit; returns Allowed or a once-per-period Warning.
    /// </summary>
    public BudgetCheckResult Reserve(IReadOnlyList<UsageRecord> intents)
    {
        var estimate = intents.Sum(i => i.CostUsd ?? 0m);
        var reserved = _ledger.Reserve(intents, _settings);
        var personal = WarnIfNear(reserved.Today, reserved.ThisMonth, estimate);
        // Team budgets warn once per period through the team ledger itself.
        return personal.Status == BudgetStatus.Allowed && reserved.Warnings.Count > 0 ? reserved.Warnings[0] : personal;
    }

    /// <summary>The budget <paramref name="estimatedCost"/> would pass given what is spent (and reserved); null when it fits.</summary>
    public static BudgetCheckResult? Evaluate(BudgetSettings settings, decimal spentToday, decimal spentThisMonth, decimal estimatedCost, string? scope = null)
    {
        if (settings.Daily is decimal daily && spentToday + estimatedCost > daily)
            return new BudgetCheckResult(BudgetStatus.WouldExceed, BudgetPeriod.Daily, daily, spentToday, estimatedCost, scope);
        if (settings.Monthly is decimal monthly && spentThisMonth + estimatedCost > monthly)
            return new BudgetCheckResult(BudgetStatus.WouldExceed, BudgetPeriod.Monthly, monthly, spentThisMonth, estimatedCost, scope);
        return null;
    }

    /// <summary>The first budget of <paramref name="settings"/> whose warning threshold the spend reaches (no once-per-period memory).</summary>
    public static BudgetCheckResult? NearLimit(BudgetSettings settings, decimal spentToday, decimal spentThisMonth, decimal estimatedCost, string? scope = null)
    {
        if (settings.WarnAt is not decimal warnAt) return null;
        if (settings.Daily is decimal daily && spentToday + estimatedCost >= daily * warnAt)
            return new BudgetCheckResult(BudgetStatus.Warning, BudgetPeriod.Daily, daily, spentToday, estimatedCost, scope);
        if (settings.Monthly is decimal monthly && spentThisMonth + estimatedCost >= monthly * warnAt)
            return new BudgetCheckResult(BudgetStatus.Warning, BudgetPeriod.Monthly, monthly, spentThisMonth, estimatedCost, scope);
        return null;
    }

    private BudgetCheckResult WarnIfNear(decimal today, decimal month, decimal estimatedCost)
    {
        if (_settings.WarnAt is not decimal warnAt) return Allowed(estimatedCost);
        var now = _ledger.UtcNow();
        var budgets = new[]
        {
            (Period: BudgetPeriod.Daily, Limit: _settings.Daily, Key: now.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), Spent: today),
            (Period: BudgetPeriod.Monthly, Limit: _settings.Monthly, Key: now.ToString("yyyy-MM", CultureInfo.InvariantCulture), Spent: month),
        };
        foreach (var b in budgets)
        {
            if (b.Limit is not decimal limit || b.Spent + estimatedCost < limit * warnAt) continue;
            // The state file is shared by processes; a lost update only means one more warning.
            lock (s_stateGate)
            {
                var state = LoadState();
                var warned = b.Period == BudgetPeriod.Daily ? state.WarnedDay : state.WarnedMonth;
                if (warned == b.Key) continue;
                if (b.Period == BudgetPeriod.Daily) state.WarnedDay = b.Key;
                else state.WarnedMonth = b.Key;
                SaveState(state);
            }
            return new BudgetCheckResult(BudgetStatus.Warning, b.Period, limit, b.Spent, estimatedCost);
        }
        return Allowed(estimatedCost);
    }

    private static BudgetCheckResult Allowed(decimal estimatedCost) => new(BudgetStatus.Allowed, null, null, null, estimatedCost);

    private WarnState LoadState()
    {
        try { return File.Exists(_statePath) ? JsonSerializer.Deserialize<WarnState>(IO.LimitedFile.ReadAllText(_statePath, IO.LimitedFile.MaxSettingsBytes)) ?? new WarnState() : new WarnState(); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException or Errors.GeminiArgumentException) { return new WarnState(); }
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
