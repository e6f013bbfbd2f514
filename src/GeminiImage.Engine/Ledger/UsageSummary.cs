namespace GeminiImage.Engine.Ledger;

/// <summary>How <see cref="UsageLedger.Summarize"/> groups records.</summary>
public enum UsageGroupBy
{
    /// <summary>UTC day, key "yyyy-MM-dd".</summary>
    Day,
    /// <summary>Week starting Monday (UTC), key = that Monday "yyyy-MM-dd".</summary>
    Week,
    /// <summary>UTC month, key "yyyy-MM".</summary>
    Month,
    Model,
    /// <summary>Each tag of a record; untagged records under "(none)". A record with two tags counts in both groups.</summary>
    Tag,
    Cmdlet,
    /// <summary>The batch id (local run or server job); records outside a batch under "(none)".</summary>
    Batch,
    /// <summary>The connection profile that served each call; records from before profiles under "(none)".</summary>
    Endpoint,
    /// <summary>The user name that made each call.</summary>
    User,
    /// <summary>The machine each call was made from.</summary>
    Machine,
    /// <summary>The project each call was charged to; records without one under "(none)".</summary>
    Project,
}

/// <summary>Totals of one group of ledger records.</summary>
public sealed class UsageGroup
{
    public string Key { get; set; } = "";
    public int Requests { get; set; }
    public long Images { get; set; }
    public long InputTokens { get; set; }
    /// <summary>Text plus image output tokens.</summary>
    public long OutputTokens { get; set; }
    public long ThinkingTokens { get; set; }
    /// <summary>Sum of known costs (USD).</summary>
    public decimal CostUsd { get; set; }
    public decimal SavedCostUsd { get; set; }
    /// <summary>Requests whose cost is unknown (model without prices); they add nothing to <see cref="CostUsd"/>.</summary>
    public int UnpricedRequests { get; set; }
    /// <summary>Cost divided by images, rounded to the micro-dollar; null without images.</summary>
    public decimal? AverageCostPerImage => Images == 0 ? null : Math.Round(CostUsd / Images, 6);

    internal void Add(UsageRecord r)
    {
        Requests++;
        Images += r.ImageCount;
        InputTokens += r.InputTokens;
        OutputTokens += r.OutputTokens;
        ThinkingTokens += r.ThinkingTokens;
        if (r.CostUsd is decimal cost) CostUsd += cost;
        else UnpricedRequests++;
        SavedCostUsd += r.SavedCostUsd ?? 0m;
    }
}

/// <summary>Groups plus a grand total, as returned by <see cref="UsageLedger.Summarize"/>.</summary>
public sealed class UsageSummary
{
    private UsageSummary(UsageGroupBy groupBy, IReadOnlyList<UsageGroup> groups, UsageGroup total)
    {
        GroupBy = groupBy;
        Groups = groups;
        Total = total;
    }

    public UsageGroupBy GroupBy { get; }

    /// <summary>Groups in key order (chronological for time groupings).</summary>
    public IReadOnlyList<UsageGroup> Groups { get; }

    /// <summary>Totals over all records, each counted once (also when grouped by tag).</summary>
    public UsageGroup Total { get; }

    /// <summary>Summarizes records already read from the ledger.</summary>
    public static UsageSummary Create(IEnumerable<UsageRecord> records, UsageGroupBy groupBy)
    {
        var groups = new SortedDictionary<string, UsageGroup>(StringComparer.OrdinalIgnoreCase);
        var total = new UsageGroup { Key = "Total" };
        foreach (var record in records)
        {
            total.Add(record);
            foreach (var key in KeysOf(record, groupBy))
            {
                if (!groups.TryGetValue(key, out var group)) groups[key] = group = new UsageGroup { Key = key };
                group.Add(record);
            }
        }
        return new UsageSummary(groupBy, groups.Values.ToList(), total);
    }

    private static IEnumerable<string> KeysOf(UsageRecord r, UsageGroupBy groupBy)
    {
        var day = r.TimeUtc.Date;
        switch (groupBy)
        {
            case UsageGroupBy.Day: return new[] { day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) };
            case UsageGroupBy.Week:
                var monday = day.AddDays(-(((int)day.DayOfWeek + 6) % 7));
                return new[] { monday.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) };
            case UsageGroupBy.Month: return new[] { day.ToString("yyyy-MM", CultureInfo.InvariantCulture) };
            case UsageGroupBy.Model: return new[] { r.Model };
            case UsageGroupBy.Cmdlet: return new[] { r.Cmdlet };
            case UsageGroupBy.Batch: return new[] { string.IsNullOrEmpty(r.BatchId) ? "(none)" : r.BatchId! };
            case UsageGroupBy.Endpoint: return new[] { r.Endpoint ?? "(none)" };
            case UsageGroupBy.User: return new[] { r.UserName ?? "(none)" };
            case UsageGroupBy.Machine: return new[] { r.MachineName ?? "(none)" };
            case UsageGroupBy.Project: return new[] { string.IsNullOrEmpty(r.Project) ? "(none)" : r.Project! };
            case UsageGroupBy.Tag: return r.Tags.Count == 0 ? new[] { "(none)" } : r.Tags.Distinct(StringComparer.OrdinalIgnoreCase);
            default: throw new ArgumentOutOfRangeException(nameof(groupBy));
        }
    }
}
