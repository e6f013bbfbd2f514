using GeminiImage.Engine.Catalog;

namespace GeminiImage.Engine.Pricing;

/// <summary>
/// Prices per model: the catalog's, overridden by a user's <c>prices.json</c>, since Google changes prices more often
/// than we ship.
/// </summary>
/// <remarks>
/// Override file format (USD per one million tokens; any field left out keeps the catalog's value, and a model the
/// catalog does not know needs all three):
/// <code>
/// {
///   "models": {
///     "gemini-3-pro-image": { "input": 2.00, "textOutput": 12.0, "imageOutput": 120.0, "searchPer1000": 14.0 },
///     "my-tuned-image-model": { "input": 0.5, "textOutput": 3, "imageOutput": 60 }
///   }
/// }
/// </code>
/// </remarks>
public sealed class PriceTable
{
    /// <summary>File name of the override file inside the data folder.</summary>
    public const string FileName = "prices.json";

    private readonly ModelCatalog _catalog;
    private readonly Dictionary<string, ModelPrices> _overrides;

    private PriceTable(ModelCatalog catalog, Dictionary<string, ModelPrices> overrides)
    {
        _catalog = catalog;
        _overrides = overrides;
    }

    /// <summary>The catalog's prices with no overrides.</summary>
    public static PriceTable FromCatalog(ModelCatalog? catalog = null) =>
        new(catalog ?? ModelCatalog.Default, new Dictionary<string, ModelPrices>(StringComparer.OrdinalIgnoreCase));

    /// <summary>
    /// Catalog prices overridden by <paramref name="path"/>, or by <c>prices.json</c> in the data folder when no path is
    /// given and that file exists. An explicit path that does not exist is an error; so is malformed JSON.
    /// </summary>
    public static PriceTable Load(string? path = null, ModelCatalog? catalog = null)
    {
        catalog ??= ModelCatalog.Default;
        var file = path ?? Path.Combine(Ledger.DataFolder.Default, FileName);
        if (path == null && !File.Exists(file)) return FromCatalog(catalog);
        using var stream = new MemoryStream(IO.LimitedFile.ReadAllBytes(file, IO.LimitedFile.MaxPriceBytes));
        return Parse(stream, catalog);
    }

    /// <summary>Catalog prices overridden by a prices.json document.</summary>
    public static PriceTable Parse(Stream json, ModelCatalog? catalog = null)
    {
        catalog ??= ModelCatalog.Default;
        var overrides = new Dictionary<string, ModelPrices>(StringComparer.OrdinalIgnoreCase);
        using var doc = JsonDocument.Parse(json, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        if (doc.RootElement.TryGetProperty("models", out var models))
        {
            foreach (var model in models.EnumerateObject())
            {
                var id = ModelCatalog.StripPrefix(model.Name);
                var baseline = catalog.TryGet(id, out var info) ? info.Prices : null;
                overrides[id] = new ModelPrices
                {
                    Input = Read(model, "input", baseline?.Input),
                    TextOutput = Read(model, "textOutput", baseline?.TextOutput),
                    ImageOutput = Read(model, "imageOutput", baseline?.ImageOutput),
                    SearchPer1000 = model.Value.TryGetProperty("searchPer1000", out var search) ? ModelPrices.Checked(search.GetDecimal(), id, "searchPer1000") : baseline?.SearchPer1000,
                };
            }
        }
        return new PriceTable(catalog, overrides);
    }

    /// <summary>Model ids whose prices come from the override file (including models the catalog does not know).</summary>
    public IReadOnlyCollection<string> OverriddenModels => _overrides.Keys;

    /// <summary>Prices of a model, or null when neither the overrides nor the catalog know it.</summary>
    public ModelPrices? Get(string modelId)
    {
        var id = ModelCatalog.StripPrefix(modelId);
        if (_overrides.TryGetValue(id, out var prices)) return prices;
        return _catalog.TryGet(id, out var model) ? model.Prices : null;
    }

    /// <summary>Cost in USD of one response, or null when the model's prices are unknown.</summary>
    public decimal? Compute(string modelId, TokenUsage usage, bool batch = false) => CostCalculator.Compute(usage, Get(modelId), batch);

    /// <summary>
    /// The output price of one image of <paramref name="model"/> at <paramref name="imageSize"/> (null: the model's
    /// default size), at the prices in force: the one figure Get-GeminiModel, Get-GeminiPricing and the estimates use.
    /// Null when the model has no price.
    /// </summary>
    public decimal? PerImage(ModelInfo model, string? imageSize = null) =>
        Get(model.Id) is { } prices ? Math.Round(model.GetImageTokens(imageSize) * prices.ImageOutput / 1_000_000m, 6) : null;

    /// <summary>Cost in USD of Google Search queries made by grounding, at the per-1,000 price; null when the model has none.</summary>
    public decimal? ComputeSearch(string modelId, int queries) =>
        Get(modelId)?.SearchPer1000 is { } per1000 ? Math.Round(queries * per1000 / 1000m, 6) : null;

    private static decimal Read(JsonProperty model, string name, decimal? fallback)
    {
        if (model.Value.TryGetProperty(name, out var value)) return ModelPrices.Checked(value.GetDecimal(), model.Name, name);
        return fallback ?? throw new InvalidDataException($"prices.json: model '{model.Name}' is not in the catalog, so '{name}' is required.");
    }
}
