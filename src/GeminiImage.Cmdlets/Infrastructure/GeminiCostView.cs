namespace GeminiImage.Cmdlets.Infrastructure;

/// <summary>One row of Get-GeminiCost: the totals of one group, or (IsTotal) of all matching records.</summary>
public sealed class GeminiCostView
{
    private readonly UsageGroup _g;

    private GeminiCostView(UsageGroup group, UsageGroupBy groupBy, bool isTotal)
    {
        _g = group;
        GroupBy = groupBy.ToString();
        IsTotal = isTotal;
    }

    public string GroupBy { get; }
    /// <summary>Day "yyyy-MM-dd", week (its Monday), month "yyyy-MM", model id, tag or cmdlet name; "Total" on the grand-total row.</summary>
    public string Key => _g.Key;
    public bool IsTotal { get; }
    public int Requests => _g.Requests;
    public long Images => _g.Images;
    public long InputTokens => _g.InputTokens;
    /// <summary>Text plus image output tokens.</summary>
    public long OutputTokens => _g.OutputTokens;
    public long ThinkingTokens => _g.ThinkingTokens;
    public decimal CostUsd => _g.CostUsd;
    /// <summary><see cref="CostUsd"/> under the name image results use.</summary>
    public decimal Cost => CostUsd;
    public decimal SavedCostUsd => _g.SavedCostUsd;
    /// <summary>Cost divided by images; null when the group made no image.</summary>
    public decimal? AverageCostPerImage => _g.AverageCostPerImage;
    /// <summary>Requests whose cost is unknown (model without prices); they add nothing to CostUsd.</summary>
    public int UnpricedRequests => _g.UnpricedRequests;

    public static GeminiCostView From(UsageGroup g, UsageGroupBy groupBy, bool isTotal) => new(g, groupBy, isTotal);
}
