using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;

namespace GeminiImage.Engine.Catalog;

/// <summary>The image models the module knows, loaded from the embedded models.json (or a user override file).</summary>
public sealed class ModelCatalog
{
    public const string DefaultModelId = "gemini-2.5-flash-image";
    private readonly Dictionary<string, ModelInfo> _models;

    private ModelCatalog(IEnumerable<ModelInfo> models) =>
        _models = models.ToDictionary(m => m.Id, StringComparer.OrdinalIgnoreCase);

    private static readonly Lazy<ModelCatalog> s_default = new(() =>
    {
        using var stream = typeof(ModelCatalog).Assembly.GetManifestResourceStream("GeminiImage.models.json")
            ?? throw new InvalidOperationException("The embedded model catalog is missing.");
        return Load(stream);
    });

    /// <summary>The catalog shipped with the module.</summary>
    public static ModelCatalog Default => s_default.Value;

    public IEnumerable<ModelInfo> Models => _models.Values;

    /// <summary>All aspect ratios any model supports, in a stable order, for tab completion.</summary>
    public IEnumerable<string> AllAspectRatios => _models.Values.SelectMany(m => m.AspectRatios.Keys).Distinct();

    public IEnumerable<string> AllImageSizes => _models.Values.SelectMany(m => m.ImageSizes.Keys).Distinct();

    public bool TryGet(string id, out ModelInfo model)
    {
        if (_models.TryGetValue(StripPrefix(id), out var m)) { model = m; return true; }
        model = null!;
        return false;
    }

    /// <summary>The catalog entry, or a permissive entry (any ratio or size, unknown prices) for a model the catalog does not list.</summary>
    public ModelInfo Get(string id)
    {
        if (TryGet(id, out var model)) return model;
        var fallback = _models[DefaultModelId];
        return new ModelInfo
        {
            Id = StripPrefix(id),
            Nickname = "unknown model",
            MaxInputImages = 14,
            OutputMimeType = "image/png",
            AspectRatios = AllAspectRatios.ToDictionary(r => r, r => _models.Values.First(m => m.AspectRatios.ContainsKey(r)).AspectRatios[r]),
            ImageSizes = AllImageSizes.ToDictionary(s => s, s => _models.Values.First(m => m.ImageSizes.ContainsKey(s)).ImageSizes[s]),
            ImageTokens = fallback.ImageTokens,
            Prices = null,
            IsKnown = false,
        };
    }

    /// <summary>The REST API names models "models/{id}"; everything here uses the bare id.</summary>
    public static string StripPrefix(string id) => id.StartsWith("models/", StringComparison.Ordinal) ? id.Substring(7) : id;

    public static ModelCatalog Load(Stream json)
    {
        using var doc = JsonDocument.Parse(json);
        var raw = doc.RootElement.GetProperty("models").EnumerateArray().ToList();
        var byId = raw.ToDictionary(e => e.GetProperty("id").GetString()!, e => e);
        var models = new List<ModelInfo>();
        foreach (var element in raw)
        {
            var source = element.TryGetProperty("sameAs", out var same) ? byId[same.GetString()!] : element;
            models.Add(Parse(element.GetProperty("id").GetString()!, element.GetProperty("nickname").GetString() ?? "", source));
        }
        return new ModelCatalog(models);
    }

    private static ModelInfo Parse(string id, string nickname, JsonElement e)
    {
        var prices = e.GetProperty("prices");
        return new ModelInfo
        {
            Id = id,
            Nickname = nickname,
            MaxInputImages = e.GetProperty("maxInputImages").GetInt32(),
            OutputMimeType = e.GetProperty("outputMimeType").GetString()!,
            Thinking = e.GetProperty("thinking").GetBoolean(),
            AspectRatios = e.GetProperty("aspectRatios").EnumerateObject().ToDictionary(p => p.Name, p => PixelSize.Parse(p.Value.GetString()!)),
            ImageSizes = e.GetProperty("imageSizes").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetDouble()),
            DefaultImageSize = e.GetProperty("defaultImageSize").ValueKind == JsonValueKind.String ? e.GetProperty("defaultImageSize").GetString() : null,
            ImageTokens = e.GetProperty("imageTokens").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetInt32()),
            Prices = new ModelPrices
            {
                Input = prices.GetProperty("input").GetDecimal(),
                TextOutput = prices.GetProperty("textOutput").GetDecimal(),
                ImageOutput = prices.GetProperty("imageOutput").GetDecimal(),
            },
        };
    }
}
