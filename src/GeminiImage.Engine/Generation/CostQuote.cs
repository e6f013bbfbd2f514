using GeminiImage.Engine.Ledger;

namespace GeminiImage.Engine.Generation;

/// <summary>What a call would cost, as -WhatIf says it: requests the response cache would answer are free, and a budget that would refuse the call is named.</summary>
/// <param name="estimate">The estimated cost of the requests that would be sent; null when unknown.</param>
/// <param name="cached">Requests the response cache would answer (free).</param>
/// <param name="refusal">The budget that would refuse the call, or null.</param>
public sealed class CostQuote(decimal? estimate, int cached, BudgetCheckResult? refusal)
{
    /// <summary>The estimated cost of what would be sent (0 when the cache answers everything); null when unknown.</summary>
    public decimal? Estimate { get; } = estimate;

    /// <summary>How many requests the response cache would answer at no cost.</summary>
    public int Cached { get; } = cached;

    /// <summary>The budget that would refuse the call (nothing would be sent), or null.</summary>
    public BudgetCheckResult? Refusal { get; } = refusal;

    /// <summary>" (estimated cost $0.039)", " (cost $0.000: the response cache holds the answer)", "...; refused: the daily budget ..."</summary>
    public string Describe(string unknown = "")
    {
        var text = Estimate.HasValue ? "estimated cost $" + Estimate.Value.ToString("0.000", CultureInfo.InvariantCulture) : null;
        if (Cached > 0) text = (text ?? "cost unknown") + (Cached == 1 ? "; the response cache holds the answer" : $"; the response cache holds {Cached} answers");
        if (Refusal != null) text = (text ?? "cost unknown") + "; it would be refused: " + Refusal.Message;
        return text == null ? unknown : $" ({text})";
    }
}
