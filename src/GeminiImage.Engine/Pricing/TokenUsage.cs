using GeminiImage.Engine.Catalog;

namespace GeminiImage.Engine.Pricing;

/// <summary>Token counts of one response, split as the reference's cost formula needs them (§4.3, §7).</summary>
public sealed record TokenUsage(
    int InputTokens = 0, int CachedInputTokens = 0, int TextOutputTokens = 0, int ImageOutputTokens = 0, int ThinkingTokens = 0,
    int ToolUsePromptTokens = 0, int TotalTokens = 0)
{
    public int OutputTokens => TextOutputTokens + ImageOutputTokens;
}

/// <summary>Turns token counts into dollars with the catalog's prices.</summary>
public static class CostCalculator
{
    public const decimal BatchDiscount = 0.5m;

    /// <summary>Cost in USD, or null when the model's prices are unknown.</summary>
    public static decimal? Compute(TokenUsage usage, ModelPrices? prices, bool batch = false)
    {
        if (prices == null) return null;
        var input = Math.Max(0, usage.InputTokens - usage.CachedInputTokens) + usage.CachedInputTokens + usage.ToolUsePromptTokens;
        var cost = input * prices.Input
                 + (usage.TextOutputTokens + usage.ThinkingTokens) * prices.TextOutput
                 + usage.ImageOutputTokens * prices.ImageOutput;
        cost /= 1_000_000m;
        if (batch) cost *= BatchDiscount;
        return Math.Round(cost, 6);
    }

    /// <summary>Tokens a request will probably use: a short prompt, input images at the model's rate, and the output images.</summary>
    public static TokenUsage EstimateUsage(ModelInfo model, string? imageSize, int imageCount, int inputImages, int promptChars) => new()
    {
        // ~4 characters per token, plus the model's per-image input cost (1290 as a conservative figure for 2.5).
        InputTokens = promptChars / 4 + 1 + inputImages * (model.Id.StartsWith("gemini-2.5", StringComparison.Ordinal) ? 1290 : 1120),
        ImageOutputTokens = model.GetImageTokens(imageSize) * imageCount,
    };

    /// <summary>Estimate before a request at the catalog's prices.</summary>
    public static decimal? Estimate(ModelInfo model, string? imageSize, int imageCount, int inputImages, int promptChars, bool batch = false) =>
        Compute(EstimateUsage(model, imageSize, imageCount, inputImages, promptChars), model.Prices, batch);
}
