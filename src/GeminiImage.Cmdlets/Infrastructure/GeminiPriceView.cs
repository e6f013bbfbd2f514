namespace GeminiImage.Cmdlets.Infrastructure;

/// <summary>One model's prices as Get-GeminiPricing shows them (USD).</summary>
public sealed class GeminiPriceView
{
    public string Model { get; private set; } = "";
    public string Nickname { get; private set; } = "";
    /// <summary>"Catalog" (shipped with the module) or "Override" (prices.json in the data folder).</summary>
    public string Source { get; private set; } = "";
    public decimal InputPer1M { get; private set; }
    public decimal TextOutputPer1M { get; private set; }
    public decimal ImageOutputPer1M { get; private set; }
    /// <summary>The model's default image size (null when it has none).</summary>
    public string? ImageSize { get; private set; }
    /// <summary>Output tokens of one image at the default size; null for a model the catalog does not know.</summary>
    public int? ImageTokens { get; private set; }
    /// <summary>Output cost of one image at the default size; null for a model the catalog does not know.</summary>
    public decimal? PerImage { get; private set; }
    /// <summary>Output cost of one image per image size ("" for a model without sizes).</summary>
    public IReadOnlyDictionary<string, decimal> PerImageBySize { get; private set; } = new Dictionary<string, decimal>();

    public static GeminiPriceView Create(string id, Engine.Pricing.PriceTable table, ModelInfo? model, bool overridden)
    {
        var prices = table.Get(id)!;
        var bySize = new Dictionary<string, decimal>(StringComparer.OrdinalIgnoreCase);
        if (model != null)
        {
            var sizes = model.SupportsImageSize ? model.ImageSizes.Keys.ToList() : new List<string> { "" };
            foreach (var size in sizes) bySize[size] = table.PerImage(model, size.Length == 0 ? null : size)!.Value;
        }
        var tokens = model?.GetImageTokens(null);
        return new GeminiPriceView
        {
            Model = id,
            Nickname = model?.Nickname ?? "",
            Source = overridden ? "Override" : "Catalog",
            InputPer1M = prices.Input,
            TextOutputPer1M = prices.TextOutput,
            ImageOutputPer1M = prices.ImageOutput,
            ImageSize = model?.DefaultImageSize,
            ImageTokens = tokens,
            PerImage = model == null ? null : table.PerImage(model),
            PerImageBySize = bySize,
        };
    }
}
