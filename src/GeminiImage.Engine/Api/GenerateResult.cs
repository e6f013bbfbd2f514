using GeminiImage.Engine.Pricing;

namespace GeminiImage.Engine.Api;

/// <summary>One image the model returned.</summary>
public sealed class ReturnedImage
{
    public ReturnedImage(byte[] data, string mimeType) : this(ImageBytes.Wrap(data), mimeType) { }

    internal ReturnedImage(ImageBytes bytes, string mimeType)
    {
        Bytes = bytes;
        MimeType = mimeType;
    }

    /// <summary>The image as one array (made on first use when it arrived in pooled blocks).</summary>
    public byte[] Data => Bytes.ToArray();
    public string MimeType { get; }
    /// <summary>The bytes as received: what a save writes, piece by piece.</summary>
    internal ImageBytes Bytes { get; }
}

/// <summary>A generateContent response classified as the reference §4.7 suggests.</summary>
public sealed class GenerateResult
{
    /// <summary>The connection (profile) that served the answer; null for answers that came another way.</summary>
    public string? Endpoint { get; set; }
    public IReadOnlyList<ReturnedImage> Images { get; set; } = Array.Empty<ReturnedImage>();
    /// <summary>The model's non-thought text parts, joined.</summary>
    public string Text { get; set; } = "";
    /// <summary>Thought text parts, joined (only with includeThoughts).</summary>
    public string Thoughts { get; set; } = "";
    /// <summary>Interim (draft) images from thought parts (only with includeThoughts); not results and not billed as final images.</summary>
    public IReadOnlyList<ReturnedImage> ThoughtImages { get; set; } = Array.Empty<ReturnedImage>();
    /// <summary>Search grounding sources and queries; null when the answer was not grounded.</summary>
    public Grounding? Grounding { get; set; }
    public string? FinishReason { get; set; }
    public string? FinishMessage { get; set; }
    public string? BlockReason { get; set; }
    public TokenUsage Usage { get; set; } = new();
    public string? ModelVersion { get; set; }
    public string? ResponseId { get; set; }
    /// <summary>The model turn exactly as received, for chat history.</summary>
    public Content? ModelContent { get; set; }
    public TimeSpan Duration { get; set; }

    public bool HasImage => Images.Count > 0;

    /// <summary>
    /// Returns the pooled blocks of every image to the pool, once the images are saved and nothing reads this answer's
    /// bytes again (a batch row). Not for an answer a chat keeps in its history.
    /// </summary>
    internal void ReleaseImages()
    {
        foreach (var image in Images) image.Bytes.Dispose();
        foreach (var image in ThoughtImages) image.Bytes.Dispose();
    }

    /// <summary>Raises <see cref="GeminiNoImageException"/> when the answer holds no image.</summary>
    public void ThrowIfNoImage()
    {
        if (HasImage) return;
        string message;
        if (BlockReason != null)
            message = $"The prompt was blocked ({BlockReason}); no image was generated.";
        else if (FinishReason != null && FinishReason != "STOP")
            message = $"No image was generated: the model stopped with {FinishReason}." + (string.IsNullOrEmpty(FinishMessage) ? "" : " " + FinishMessage);
        else
            message = "The model answered without an image.";
        if (!string.IsNullOrEmpty(Text)) message += $" Model text: {Text}";
        throw new GeminiNoImageException(message, BlockReason, FinishReason ?? (BlockReason == null ? "STOP" : null), string.IsNullOrEmpty(Text) ? null : Text);
    }
}

public static class ResponseClassifier
{
    public static GenerateResult Classify(GenerateContentResponse response)
    {
        var result = new GenerateResult
        {
            Usage = ToUsage(response.UsageMetadata),
            ModelVersion = response.ModelVersion,
            ResponseId = response.ResponseId,
            BlockReason = response.PromptFeedback?.BlockReason,
        };
        var candidate = response.Candidates?.FirstOrDefault();
        if (candidate == null)
        {
            result.BlockReason ??= "EMPTY_RESPONSE";
            return result;
        }
        result.FinishReason = candidate.FinishReason;
        result.FinishMessage = candidate.FinishMessage;
        result.ModelContent = candidate.Content;
        result.Grounding = Grounding.From(candidate.GroundingMetadata);
        // Thought parts (draft images and reasoning) are not results.
        var all = candidate.Content?.Parts ?? new List<Part>();
        var parts = all.Where(p => p.Thought != true).ToList();
        var thoughts = all.Where(p => p.Thought == true).ToList();
        result.Images = ImagesOf(parts);
        result.Text = string.Join("", parts.Where(p => p.Text != null).Select(p => p.Text)).Trim();
        result.ThoughtImages = ImagesOf(thoughts);
        result.Thoughts = string.Join("\n\n", thoughts.Where(p => !string.IsNullOrWhiteSpace(p.Text)).Select(p => p.Text!.Trim()));
        return result;
    }

    private static List<ReturnedImage> ImagesOf(IEnumerable<Part> parts) => parts
        .Where(p => p.InlineData != null && p.InlineData.MimeType.StartsWith("image/", StringComparison.OrdinalIgnoreCase) && p.InlineData.Length > 0)
        .Select(p => p.InlineData!.Decoded is { } decoded ? new ReturnedImage(decoded, p.InlineData.MimeType) : new ReturnedImage(p.InlineData.Data, p.InlineData.MimeType))
        .ToList();

    /// <summary>Splits usageMetadata per the reference's cost formula: text output = candidates − image details.</summary>
    public static TokenUsage ToUsage(UsageMetadata? u)
    {
        if (u == null) return new TokenUsage();
        var image = u.CandidatesTokensDetails?.Where(d => string.Equals(d.Modality, "IMAGE", StringComparison.OrdinalIgnoreCase)).Sum(d => d.TokenCount) ?? 0;
        return new TokenUsage
        {
            InputTokens = u.PromptTokenCount,
            CachedInputTokens = u.CachedContentTokenCount,
            ImageOutputTokens = image,
            TextOutputTokens = Math.Max(0, u.CandidatesTokenCount - image),
            ThinkingTokens = u.ThoughtsTokenCount,
            ToolUsePromptTokens = u.ToolUsePromptTokenCount,
            TotalTokens = u.TotalTokenCount,
        };
    }
}
