using GeminiImage.Engine.Generation;
using GeminiImage.Engine.Ledger;
using Xunit;

namespace GeminiImage.Tests.Generation;

/// <summary>What -WhatIf says a call would cost (issue 24: CostQuote had no test of its own).</summary>
public sealed class CostQuoteTests
{
    private static BudgetCheckResult Refusal() =>
        BudgetGuard.Evaluate(new BudgetSettings { Daily = 1m }, spentToday: 0.99m, spentThisMonth: 0m, estimatedCost: 0.05m)!;

    [Fact]
    public void An_estimate_is_shown_to_the_tenth_of_a_cent()
    {
        Assert.Equal(" (estimated cost $0.039)", new CostQuote(0.039m, 0, null).Describe());
        Assert.Equal(" (estimated cost $0.000)", new CostQuote(0m, 0, null).Describe());
    }

    [Fact]
    public void Nothing_known_says_what_the_caller_asks_for()
    {
        Assert.Equal("", new CostQuote(null, 0, null).Describe());
        Assert.Equal(" (cost unknown)", new CostQuote(null, 0, null).Describe(" (cost unknown)"));
    }

    [Fact]
    public void Cached_answers_are_counted_in_words()
    {
        Assert.Equal(" (estimated cost $0.000; the response cache holds the answer)", new CostQuote(0m, 1, null).Describe());
        Assert.Equal(" (estimated cost $0.067; the response cache holds 2 answers)", new CostQuote(0.067m, 2, null).Describe());
        Assert.Equal(" (cost unknown; the response cache holds the answer)", new CostQuote(null, 1, null).Describe());
    }

    [Fact]
    public void A_refusal_names_the_budget()
    {
        var refusal = Refusal();
        Assert.Equal(" (estimated cost $0.050; it would be refused: " + refusal.Message + ")", new CostQuote(0.05m, 0, refusal).Describe());
        Assert.Equal(" (cost unknown; it would be refused: " + refusal.Message + ")", new CostQuote(null, 0, refusal).Describe());
        Assert.Contains("daily budget", refusal.Message);
        var quote = new CostQuote(0.05m, 3, refusal);
        Assert.Equal((0.05m, 3, refusal), (quote.Estimate, quote.Cached, quote.Refusal));
    }
}
