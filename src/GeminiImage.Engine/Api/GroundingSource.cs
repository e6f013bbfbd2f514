namespace GeminiImage.Engine.Api;

/// <summary>One source Google Search grounding used: a web page, or an image found by image search.</summary>
public sealed class GroundingSource
{
    public string? Title { get; set; }
    /// <summary>The page (web search) or the page the image came from (image search).</summary>
    public string? Uri { get; set; }
    public string? Domain { get; set; }
    /// <summary>The image itself, for image search sources.</summary>
    public string? ImageUri { get; set; }
    /// <summary>"web" or "image".</summary>
    public string Kind { get; set; } = "web";

    public override string ToString() => Title ?? Uri ?? ImageUri ?? "";
}
