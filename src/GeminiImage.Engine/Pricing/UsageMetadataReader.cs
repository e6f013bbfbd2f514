using System.Text.Json;

namespace GeminiImage.Engine.Pricing;

/// <summary>Reads a response's <c>usageMetadata</c> into <see cref="TokenUsage"/> by the reference's rules (§4.3, §7).</summary>
public static class UsageMetadataReader
{
    /// <summary>
    /// Missing counters are 0. Image output is the sum of the IMAGE entries of <c>candidatesTokensDetails</c>; text
    /// output is the rest of <c>candidatesTokenCount</c>, because the details often list only the IMAGE entry.
    /// Thinking tokens are separate from candidates.
    /// </summary>
    public static TokenUsage Read(JsonElement usageMetadata)
    {
        if (usageMetadata.ValueKind != JsonValueKind.Object) return new TokenUsage();
        var candidates = Count(usageMetadata, "candidatesTokenCount");
        var image = 0;
        if (usageMetadata.TryGetProperty("candidatesTokensDetails", out var details) && details.ValueKind == JsonValueKind.Array)
        {
            foreach (var entry in details.EnumerateArray())
            {
                if (entry.TryGetProperty("modality", out var modality) && modality.ValueKind == JsonValueKind.String && modality.GetString() == "IMAGE")
                    image += Count(entry, "tokenCount");
            }
        }
        return new TokenUsage
        {
            InputTokens = Count(usageMetadata, "promptTokenCount"),
            CachedInputTokens = Count(usageMetadata, "cachedContentTokenCount"),
            ImageOutputTokens = image,
            TextOutputTokens = candidates > image ? candidates - image : 0,
            ThinkingTokens = Count(usageMetadata, "thoughtsTokenCount"),
            ToolUsePromptTokens = Count(usageMetadata, "toolUsePromptTokenCount"),
            TotalTokens = Count(usageMetadata, "totalTokenCount"),
        };
    }

    private static int Count(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number ? value.GetInt32() : 0;
}
