namespace GeminiImage.Engine.Generation;

/// <summary>One saved image and what it cost: the object the generating cmdlets emit.</summary>
public sealed class GeminiImageResult
{
    public string Path { get; set; } = "";
    public string Name => System.IO.Path.GetFileName(Path);
    public string Prompt { get; set; } = "";
    public string Model { get; set; } = "";
    public int Width { get; set; }
    public int Height { get; set; }
    public string MimeType { get; set; } = "";
    public string? AspectRatio { get; set; }
    public string? ImageSize { get; set; }
    public int InputTokens { get; set; }
    public int OutputTokens { get; set; }
    public int ThinkingTokens { get; set; }
    /// <summary>USD for this image (a response's cost is split over its images); null when the model's prices are unknown.</summary>
    public decimal? Cost { get; set; }
    public string? FinishReason { get; set; }
    public string Text { get; set; } = "";
    public TimeSpan Duration { get; set; }
    public string? ResponseId { get; set; }
    public string? ModelVersion { get; set; }
    /// <summary>The connection profile that made the image ("default" without profiles).</summary>
    public string? Endpoint { get; set; }
    /// <summary>The edited image, for edits.</summary>
    public string? SourcePath { get; set; }
    public string[] Tags { get; set; } = Array.Empty<string>();
    public bool FromCache { get; set; }
    /// <summary>The model's thought text (with -IncludeThoughts).</summary>
    public string Thoughts { get; set; } = "";
    /// <summary>Interim thought images saved beside the image (with -IncludeThoughts), "&lt;name&gt;.thought-1.png" ...</summary>
    public string[] ThoughtImagePaths { get; set; } = Array.Empty<string>();
    /// <summary>Google Search grounding sources (with -GoogleSearch).</summary>
    public Api.GroundingSource[] GroundingSources { get; set; } = Array.Empty<Api.GroundingSource>();
    /// <summary>The search queries the model ran (each billed at the model's per-1,000 search price).</summary>
    public string[] SearchQueries { get; set; } = Array.Empty<string>();
    /// <summary>searchEntryPoint.renderedContent: the HTML Google requires apps to show with grounded results.</summary>
    public string? SearchEntryPoint { get; set; }
    public DateTime CreatedUtc { get; set; }
    /// <summary>
    /// The image as it would have been saved (provenance included), with -AsBytes: then no file was written and
    /// <see cref="Path"/> is empty, unless the image could not be handed over and was kept in the fallback folder.
    /// </summary>
    public byte[]? Bytes { get; set; }

    public override string ToString() => Path.Length > 0 ? Path : $"{MimeType} image in memory, {Bytes?.Length ?? 0:N0} bytes";
}
