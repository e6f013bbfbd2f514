namespace GeminiImage.Engine.Catalog;

/// <summary>
/// The image models the module knows: the embedded models.json merged with the user's override file
/// (<c>models.json</c> in the data folder), so a model Google ships today can be used without a module release.
/// </summary>
/// <remarks>
/// Override file format: <c>{ "models": [ { "id": "...", ... } ] }</c>. An entry whose id the shipped catalog knows
/// replaces only the members it names (for example its <c>status</c> and <c>shutdownDate</c>); a new id needs every
/// member of a shipped entry, or <c>"sameAs": "&lt;known id&gt;"</c> to take ratios, sizes, tokens and prices from a known model.
/// </remarks>
public sealed class ModelCatalog
{
    public const string DefaultModelId = "gemini-3.1-flash-image";

    /// <summary>File name of the override file inside the data folder.</summary>
    public const string OverrideFileName = "models.json";

    private static readonly string[] s_shapeFields = { "maxInputImages", "outputMimeType", "thinking", "aspectRatios", "imageSizes", "defaultImageSize", "imageTokens", "prices" };
    private static readonly object s_lock = new();
    private static string? s_defaultKey;
    private static ModelCatalog? s_default;

    private readonly Dictionary<string, ModelInfo> _models;

    private ModelCatalog(IEnumerable<ModelInfo> models, string? overrideError = null)
    {
        _models = models.ToDictionary(m => m.Id, StringComparer.OrdinalIgnoreCase);
        OverrideError = overrideError;
    }

    private static readonly Lazy<ModelCatalog> s_embedded = new(() =>
    {
        using var stream = EmbeddedJson();
        return Load(stream);
    });

    /// <summary>The catalog shipped with the module, without the user's overrides.</summary>
    public static ModelCatalog Embedded => s_embedded.Value;

    /// <summary>Path of the override file in the current data folder.</summary>
    public static string OverridePath => Path.Combine(Ledger.DataFolder.Default, OverrideFileName);

    /// <summary>
    /// The catalog in force: shipped models plus the override file. Re-read when the file changes. A broken override file
    /// leaves the shipped catalog in force and sets <see cref="OverrideError"/>, which refuses requests before sending.
    /// </summary>
    public static ModelCatalog Default
    {
        get
        {
            var path = OverridePath;
            var info = new FileInfo(path);
            var key = info.Exists ? $"{path}|{info.LastWriteTimeUtc.Ticks}|{info.Length}" : path + "|none";
            lock (s_lock)
            {
                if (s_default != null && s_defaultKey == key) return s_default;
                ModelCatalog catalog;
                if (!info.Exists) catalog = Embedded;
                else
                {
                    try
                    {
                        using var baseJson = EmbeddedJson();
                        using var overrideJson = new MemoryStream(IO.LimitedFile.ReadAllBytes(path, IO.LimitedFile.MaxCatalogBytes));
                        catalog = Load(baseJson, overrideJson);
                    }
                    catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidDataException or JsonException or FormatException or InvalidOperationException or KeyNotFoundException or Errors.GeminiArgumentException)
                    {
                        catalog = new ModelCatalog(Embedded.Models, $"The model catalog override file '{path}' cannot be used: {ex.Message}");
                    }
                }
                s_default = catalog;
                s_defaultKey = key;
                return catalog;
            }
        }
    }

    /// <summary>Why the override file was ignored, or null when it was read (or there is none).</summary>
    public string? OverrideError { get; }

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
        var fallback = _models.TryGetValue(DefaultModelId, out var d) ? d : _models.Values.First();
        var all = _models.Values.Where(m => m.IsKnown).ToList();
        return new ModelInfo
        {
            Id = StripPrefix(id),
            Nickname = "unknown model",
            MaxInputImages = 14,
            OutputMimeType = "image/png",
            Thinking = true,
            AspectRatios = AllAspectRatios.ToDictionary(r => r, r => all.First(m => m.AspectRatios.ContainsKey(r)).AspectRatios[r]),
            ImageSizes = AllImageSizes.ToDictionary(s => s, s => all.First(m => m.ImageSizes.ContainsKey(s)).ImageSizes[s]),
            ImageTokens = fallback.ImageTokens,
            ThinkingLevels = all.SelectMany(m => m.ThinkingLevels).Distinct().ToList(),
            SearchTypes = all.SelectMany(m => m.SearchTypes).Distinct().ToList(),
            Prices = null,
            IsKnown = false,
            Source = "unknown",
        };
    }

    /// <summary>
    /// Warnings for a setting that names <paramref name="id"/> (and a ratio and size for it): an id the catalog does not know,
    /// or a ratio or size that model cannot do. Empty when all is well. Settings are kept either way: a new model may be real.
    /// </summary>
    public IReadOnlyList<string> SettingWarnings(string? id, string? aspectRatio = null, string? imageSize = null)
    {
        var warnings = new List<string>();
        if (string.IsNullOrWhiteSpace(id)) return warnings;
        if (!TryGet(id!, out var model))
        {
            var hint = Suggest(id!) is { } near ? $" Did you mean '{near}'?" : "";
            warnings.Add($"The catalog has no model '{id}'.{hint} Calls to it will be sent, at a cost the module cannot tell; Get-GeminiModel lists the known models, Set-GeminiModel adds one.");
            return warnings;
        }
        if (!string.IsNullOrWhiteSpace(aspectRatio) && !model.AspectRatios.ContainsKey(aspectRatio!.Trim()))
            warnings.Add($"{model.Id} cannot make aspect ratio '{aspectRatio}'; calls with it will be refused. Supported: {string.Join(", ", model.AspectRatios.Keys)}.");
        if (!string.IsNullOrWhiteSpace(imageSize) && !model.ImageSizes.Keys.Any(k => string.Equals(k, imageSize!.Trim(), StringComparison.OrdinalIgnoreCase)))
            warnings.Add(model.SupportsImageSize
                ? $"{model.Id} cannot make image size '{imageSize}'; calls with it will be refused. Supported: {string.Join(", ", model.ImageSizes.Keys)}."
                : $"{model.Id} has a fixed size; calls with image size '{imageSize}' will be refused.");
        return warnings;
    }

    /// <summary>A known id one or two typing mistakes away from <paramref name="id"/> ("did you mean"), or null.</summary>
    public string? Suggest(string id)
    {
        var bare = StripPrefix(id).ToLowerInvariant();
        if (bare.Length < 6) return null;
        return _models.Keys
            .Select(k => (Id: k, Distance: EditDistance(bare, k.ToLowerInvariant())))
            .Where(x => x.Distance > 0 && x.Distance <= 2)
            .OrderBy(x => x.Distance).ThenBy(x => x.Id, StringComparer.Ordinal)
            .Select(x => x.Id).FirstOrDefault();
    }

    /// <summary>The REST API names models "models/{id}"; everything here uses the bare id.</summary>
    public static string StripPrefix(string id) => id.StartsWith("models/", StringComparison.Ordinal) ? id.Substring(7) : id;

    /// <summary>A catalog from one models.json document (the shipped format).</summary>
    public static ModelCatalog Load(Stream json) => Load(json, null);

    /// <summary>
    /// The shipped catalog <paramref name="json"/> merged with an override document. Throws <see cref="InvalidDataException"/>
    /// (with the model and member named) when an entry is incomplete or malformed.
    /// </summary>
    public static ModelCatalog Load(Stream json, Stream? overrideJson)
    {
        var options = new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true };
        using var doc = JsonDocument.Parse(json, options);
        using var over = overrideJson == null ? null : JsonDocument.Parse(overrideJson, options);
        var entries = new List<Dictionary<string, JsonElement>>();
        var byId = new Dictionary<string, Dictionary<string, JsonElement>>(StringComparer.OrdinalIgnoreCase);
        var overridden = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        AddEntries(doc.RootElement, entries, byId, null);
        if (over != null) AddEntries(over.RootElement, entries, byId, overridden);

        var models = new List<ModelInfo>();
        foreach (var entry in entries)
        {
            var id = entry["id"].GetString()!;
            var shape = entry;
            if (entry.TryGetValue("sameAs", out var same) && same.ValueKind == JsonValueKind.String)
            {
                if (!byId.TryGetValue(same.GetString()!, out var target) || target.ContainsKey("sameAs"))
                    throw new InvalidDataException($"model '{id}': sameAs names '{same.GetString()}', which is not a catalog model with its own shape.");
                shape = new Dictionary<string, JsonElement>(target);
                foreach (var field in s_shapeFields)
                    if (entry.TryGetValue(field, out var own)) shape[field] = own;
            }
            var model = Parse(id, entry, shape);
            model.Source = overridden.Contains(id) ? "override" : "catalog";
            models.Add(model);
        }
        return new ModelCatalog(models);
    }

    /// <summary>Adds a document's entries; with <paramref name="overridden"/>, an existing id takes the entry's members over its own.</summary>
    private static void AddEntries(JsonElement root, List<Dictionary<string, JsonElement>> entries, Dictionary<string, Dictionary<string, JsonElement>> byId, HashSet<string>? overridden)
    {
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("models", out var list) || list.ValueKind != JsonValueKind.Array)
            throw new InvalidDataException("the file must be a JSON object with a \"models\" array.");
        foreach (var element in list.EnumerateArray())
        {
            if (element.ValueKind != JsonValueKind.Object || !element.TryGetProperty("id", out var idElement) || idElement.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(idElement.GetString()))
                throw new InvalidDataException("every entry of \"models\" needs an \"id\" string.");
            var id = StripPrefix(idElement.GetString()!.Trim());
            if (byId.TryGetValue(id, out var existing))
            {
                if (overridden == null) throw new InvalidDataException($"model '{id}' is listed twice.");
                foreach (var p in element.EnumerateObject()) if (p.Name != "id") existing[p.Name] = p.Value;
                // A full shape given for a "sameAs" entry makes it stand alone.
                if (s_shapeFields.All(f => element.TryGetProperty(f, out _))) existing.Remove("sameAs");
            }
            else
            {
                var entry = element.EnumerateObject().ToDictionary(p => p.Name, p => p.Value);
                entry["id"] = JsonSerializer.SerializeToElement(id);
                entries.Add(entry);
                byId[id] = entry;
            }
            overridden?.Add(id);
        }
    }

    private static ModelInfo Parse(string id, Dictionary<string, JsonElement> entry, Dictionary<string, JsonElement> shape)
    {
        JsonElement Need(Dictionary<string, JsonElement> from, string name) =>
            from.TryGetValue(name, out var value) && value.ValueKind != JsonValueKind.Undefined
                ? value
                : throw new InvalidDataException($"model '{id}': \"{name}\" is required (or \"sameAs\" a known model).");
        T Read<T>(string name, Func<T> read)
        {
            try { return read(); }
            catch (Exception ex) when (ex is FormatException or InvalidOperationException or KeyNotFoundException or OverflowException or IndexOutOfRangeException or ArgumentException)
            {
                throw new InvalidDataException($"model '{id}': \"{name}\" is malformed ({ex.Message})");
            }
        }

        var pricesElement = Need(shape, "prices");
        var model = new ModelInfo
        {
            Id = id,
            Nickname = entry.TryGetValue("nickname", out var nick) && nick.ValueKind == JsonValueKind.String ? nick.GetString()! : "",
            MaxInputImages = Read("maxInputImages", () => Need(shape, "maxInputImages").GetInt32()),
            OutputMimeType = Read("outputMimeType", () => Need(shape, "outputMimeType").GetString()!),
            Thinking = Read("thinking", () => Need(shape, "thinking").GetBoolean()),
            AspectRatios = Read("aspectRatios", () => Need(shape, "aspectRatios").EnumerateObject().ToDictionary(p => p.Name, p => PixelSize.Parse(p.Value.GetString()!))),
            ImageSizes = Read("imageSizes", () => Need(shape, "imageSizes").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetDouble())),
            DefaultImageSize = shape.TryGetValue("defaultImageSize", out var dis) && dis.ValueKind == JsonValueKind.String ? dis.GetString() : null,
            ImageTokens = Read("imageTokens", () => Need(shape, "imageTokens").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetInt32())),
            Prices = pricesElement.ValueKind == JsonValueKind.Null ? null : Read("prices", () => new ModelPrices
            {
                Input = ModelPrices.Checked(pricesElement.GetProperty("input").GetDecimal(), id, "input"),
                TextOutput = ModelPrices.Checked(pricesElement.GetProperty("textOutput").GetDecimal(), id, "textOutput"),
                ImageOutput = ModelPrices.Checked(pricesElement.GetProperty("imageOutput").GetDecimal(), id, "imageOutput"),
                SearchPer1000 = pricesElement.TryGetProperty("searchPer1000", out var search) && search.ValueKind == JsonValueKind.Number ? ModelPrices.Checked(search.GetDecimal(), id, "searchPer1000") : null,
            }),
            CatalogStatus = Read("status", () => ParseStatus(entry.TryGetValue("status", out var s) ? s.GetString() : null)),
            ReleaseDate = Read("releaseDate", () => Date(entry, "releaseDate")),
            ShutdownDate = Read("shutdownDate", () => Date(entry, "shutdownDate")),
            ShutdownDateIsEarliest = entry.TryGetValue("shutdownDateKind", out var kind) && string.Equals(kind.GetString(), "earliest", StringComparison.OrdinalIgnoreCase),
            Replacement = entry.TryGetValue("replacement", out var rep) && rep.ValueKind == JsonValueKind.String ? rep.GetString() : null,
            Unconfirmed = entry.TryGetValue("unconfirmed", out var unc) && unc.ValueKind == JsonValueKind.True,
            ThinkingLevels = Read("thinkingLevels", () => Strings(shape, entry, "thinkingLevels").Select(l => l.ToUpperInvariant()).ToList()),
            SearchTypes = Read("searchTypes", () => Strings(shape, entry, "searchTypes").Select(l => l.ToLowerInvariant()).ToList()),
        };
        if (model.AspectRatios.Count == 0) throw new InvalidDataException($"model '{id}': \"aspectRatios\" must list at least one ratio.");
        if (model.DefaultImageSize != null && !model.ImageSizes.ContainsKey(model.DefaultImageSize))
            throw new InvalidDataException($"model '{id}': \"defaultImageSize\" '{model.DefaultImageSize}' is not one of its imageSizes.");
        var badSearch = model.SearchTypes.FirstOrDefault(t => t != "web" && t != "image");
        if (badSearch != null) throw new InvalidDataException($"model '{id}': search type '{badSearch}' is not 'web' or 'image'.");
        return model;
    }

    /// <summary>A list member of the entry itself, else of the model it is the same as; none when neither has it.</summary>
    private static IEnumerable<string> Strings(Dictionary<string, JsonElement> shape, Dictionary<string, JsonElement> entry, string name)
    {
        var source = entry.TryGetValue(name, out var own) ? own : shape.TryGetValue(name, out var inherited) ? inherited : default;
        if (source.ValueKind != JsonValueKind.Array) return Array.Empty<string>();
        return source.EnumerateArray().Select(e => e.GetString() ?? throw new FormatException("a list of strings is expected")).ToList();
    }

    private static ModelStatus ParseStatus(string? text) => text?.ToLowerInvariant() switch
    {
        null => ModelStatus.Stable,
        "preview" => ModelStatus.Preview,
        "stable" => ModelStatus.Stable,
        "deprecated" => ModelStatus.Deprecated,
        "shutdown" => ModelStatus.ShutDown,
        _ => throw new FormatException($"'{text}' is not preview, stable, deprecated or shutDown"),
    };

    private static DateTime? Date(Dictionary<string, JsonElement> entry, string name)
    {
        if (!entry.TryGetValue(name, out var value) || value.ValueKind == JsonValueKind.Null) return null;
        return DateTime.SpecifyKind(DateTime.ParseExact(value.GetString()!, "yyyy-MM-dd", CultureInfo.InvariantCulture), DateTimeKind.Utc);
    }

    private static Stream EmbeddedJson() =>
        typeof(ModelCatalog).Assembly.GetManifestResourceStream("GeminiImage.models.json")
            ?? throw new InvalidOperationException("The embedded model catalog is missing.");

    private static int EditDistance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++) previous[j] = j;
        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            (previous, current) = (current, previous);
        }
        return previous[b.Length];
    }
}
