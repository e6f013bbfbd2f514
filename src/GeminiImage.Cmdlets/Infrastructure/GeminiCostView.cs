namespace GeminiImage.Cmdlets.Infrastructure;

/// <summary>One row of Get-GeminiCost: the totals of one group, or (IsTotal) of all matching records.</summary>
public sealed class GeminiCostView
{
    public string GroupBy { get; private set; } = "";
    /// <summary>Day "yyyy-MM-dd", week (its Monday), month "yyyy-MM", model id, tag or cmdlet name; "Total" on the grand-total row.</summary>
    public string Key { get; private set; } = "";
    public bool IsTotal { get; private set; }
    public int Requests { get; private set; }
    public long Images { get; private set; }
    public long InputTokens { get; private set; }
    /// <summary>Text plus image output tokens.</summary>
    public long OutputTokens { get; private set; }
    public long ThinkingTokens { get; private set; }
    public decimal CostUsd { get; private set; }
    /// <summary><see cref="CostUsd"/> under the name image results use.</summary>
    public decimal Cost => CostUsd;
    public decimal SavedCostUsd { get; private set; }
    /// <summary>Cost divided by images; null when the group made no image.</summary>
    public decimal? AverageCostPerImage { get; private set; }
    /// <summary>Requests whose cost is unknown (model without prices); they add nothing to CostUsd.</summary>
    public int UnpricedRequests { get; private set; }

    public static GeminiCostView From(UsageGroup g, UsageGroupBy groupBy, bool isTotal) => new()
    {
        GroupBy = groupBy.ToString(),
        Key = g.Key,
        IsTotal = isTotal,
        Requests = g.Requests,
        Images = g.Images,
        InputTokens = g.InputTokens,
        OutputTokens = g.OutputTokens,
        ThinkingTokens = g.ThinkingTokens,
        CostUsd = g.CostUsd,
        SavedCostUsd = g.SavedCostUsd,
        AverageCostPerImage = g.AverageCostPerImage,
        UnpricedRequests = g.UnpricedRequests,
    };
}
