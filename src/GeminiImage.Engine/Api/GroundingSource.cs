namespace GeminiImage.Engine.Api;

/// <summary>One source Google Search grounding used: a web page, or an image found by image search.</summary>
/// <param name="Uri">The page (web search) or the page the image came from (image search).</param>
/// <param name="ImageUri">The image itself, for image search sources.</param>
/// <param name="Kind">"web" or "image".</param>
public sealed record GroundingSource(string? Title, string? Uri, string? Domain, string? ImageUri, string Kind)
{
    public override string ToString() => Title ?? Uri ?? ImageUri ?? "";
}
