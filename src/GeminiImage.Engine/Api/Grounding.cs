namespace GeminiImage.Engine.Api;

/// <summary>What Google Search grounding contributed to an answer (from candidates[0].groundingMetadata).</summary>
public sealed class Grounding
{
    public IReadOnlyList<GroundingSource> Sources { get; set; } = Array.Empty<GroundingSource>();
    /// <summary>The web and image search queries the model ran; each is billed (see the price table's searchPer1000).</summary>
    public IReadOnlyList<string> SearchQueries { get; set; } = Array.Empty<string>();
    /// <summary>searchEntryPoint.renderedContent: the HTML Google requires apps to display next to grounded results.</summary>
    public string? SearchEntryPoint { get; set; }

    /// <summary>Null when the metadata is absent (no grounding took place).</summary>
    public static Grounding? From(GroundingMetadata? metadata)
    {
        if (metadata == null) return null;
        var sources = (metadata.GroundingChunks ?? new List<GroundingChunk>())
            .Select(c => c.Web != null
                ? new GroundingSource(c.Web.Title, c.Web.Uri, c.Web.Domain, null, "web")
                : c.Image != null
                    ? new GroundingSource(c.Image.Title, c.Image.SourceUri, c.Image.Domain, c.Image.ImageUri, "image")
                    : null)
            .Where(s => s != null).Select(s => s!).ToList();
        return new Grounding
        {
            Sources = sources,
            SearchQueries = (metadata.WebSearchQueries ?? new List<string>()).Concat(metadata.ImageSearchQueries ?? new List<string>()).ToList(),
            SearchEntryPoint = metadata.SearchEntryPoint?.RenderedContent,
        };
    }
}
