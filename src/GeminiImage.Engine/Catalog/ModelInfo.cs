namespace GeminiImage.Engine.Catalog;

/// <summary>Prices in USD per one million tokens.</summary>
public sealed class ModelPrices
{
    public decimal Input { get; set; }
    public decimal TextOutput { get; set; }
    public decimal ImageOutput { get; set; }
    /// <summary>USD per 1,000 Google Search queries made by grounding; null when the model has no grounding price.</summary>
    public decimal? SearchPer1000 { get; set; }

    /// <summary>The most any price may be (USD per million tokens or per 1,000 queries); today's highest is near 120.</summary>
    public const decimal MaxPrice = 10000m;

    /// <summary>
    /// A price read from a file, checked: price files are untrusted input, and a negative price would make every call
    /// look free (or refund spend) and so defeat budgets. Throws <see cref="System.IO.InvalidDataException"/>.
    /// </summary>
    public static decimal Checked(decimal value, string model, string name) =>
        value >= 0 && value <= MaxPrice ? value
            : throw new System.IO.InvalidDataException($"model '{model}': price '{name}' is {value}; a price must be from 0 to {MaxPrice} USD.");

    /// <summary>"input $0.50, text $3.00, image $60.00 per 1M tokens" (Format-List shows this, not the type name).</summary>
    public override string ToString() => string.Format(System.Globalization.CultureInfo.InvariantCulture,
        "input ${0:0.00}, text ${1:0.00}, image ${2:0.00} per 1M tokens{3}", Input, TextOutput, ImageOutput,
        SearchPer1000 is decimal search ? string.Format(System.Globalization.CultureInfo.InvariantCulture, "; search ${0:0.00} per 1,000 queries", search) : "");
}

/// <summary>One image model as described by the catalog (see Catalog/models.json).</summary>
public sealed class ModelInfo
{
    public string Id { get; set; } = "";
    public string Nickname { get; set; } = "";
    public int MaxInputImages { get; set; }
    public string OutputMimeType { get; set; } = "image/png";
    public bool Thinking { get; set; }
    /// <summary>Aspect ratio to pixel size at 1K (or the model's only size).</summary>
    public IReadOnlyDictionary<string, PixelSize> AspectRatios { get; set; } = new Dictionary<string, PixelSize>();
    /// <summary>Image size name ("512", "1K", "2K", "4K") to its scale factor over the 1K size. Empty when the model has no sizes.</summary>
    public IReadOnlyDictionary<string, double> ImageSizes { get; set; } = new Dictionary<string, double>();
    public string? DefaultImageSize { get; set; }
    /// <summary>Output image tokens per image, by image size ("" when the model has no sizes).</summary>
    public IReadOnlyDictionary<string, int> ImageTokens { get; set; } = new Dictionary<string, int>();
    public ModelPrices? Prices { get; set; }
    /// <summary>False for a model id the catalog does not know: it still works, but costs are unknown.</summary>
    public bool IsKnown { get; set; } = true;

    /// <summary>The status the catalog records; <see cref="Status"/> applies today's date to it.</summary>
    public ModelStatus CatalogStatus { get; set; } = ModelStatus.Stable;
    public DateTime? ReleaseDate { get; set; }
    /// <summary>The day Google stops serving the model (announced), or the earliest day it may (see <see cref="ShutdownDateIsEarliest"/>).</summary>
    public DateTime? ShutdownDate { get; set; }
    /// <summary>True when <see cref="ShutdownDate"/> is Google's "earliest possible" date rather than a fixed one.</summary>
    public bool ShutdownDateIsEarliest { get; set; }
    /// <summary>The model to use instead once this one is deprecated or shut down.</summary>
    public string? Replacement { get; set; }
    /// <summary>Reported by third parties only, not by Google's own pages.</summary>
    public bool Unconfirmed { get; set; }
    /// <summary>Accepted <c>thinkingConfig.thinkingLevel</c> values (upper case); empty when the level cannot be set.</summary>
    public IReadOnlyList<string> ThinkingLevels { get; set; } = Array.Empty<string>();
    /// <summary>Google Search grounding types the model accepts ("web", "image"); empty when it has no grounding.</summary>
    public IReadOnlyList<string> SearchTypes { get; set; } = Array.Empty<string>();
    /// <summary>"catalog" (shipped with the module), "override" (the user's models.json) or "unknown".</summary>
    public string Source { get; set; } = "catalog";

    /// <summary>The lifecycle status on the catalog clock's today.</summary>
    public ModelStatus Status => StatusOn(CatalogClock.Today);

    /// <summary>
    /// The status on <paramref name="today"/>: shut down when the catalog says so or an announced shutdown date has come;
    /// deprecated when any shutdown date is known (an "earliest" date that has passed still only means "may stop any day").
    /// </summary>
    public ModelStatus StatusOn(DateTime today)
    {
        if (!IsKnown) return ModelStatus.Unknown;
        if (CatalogStatus == ModelStatus.ShutDown) return ModelStatus.ShutDown;
        if (ShutdownDate is { } date && !ShutdownDateIsEarliest && today.Date >= date.Date) return ModelStatus.ShutDown;
        if (ShutdownDate.HasValue || CatalogStatus == ModelStatus.Deprecated) return ModelStatus.Deprecated;
        return CatalogStatus;
    }

    public bool SupportsGoogleSearch => SearchTypes.Count > 0;

    public bool SupportsImageSize => ImageSizes.Count > 0;

    /// <summary>Pixel size of an output image; null aspect ratio means 1:1 (the API's default without input images).</summary>
    public PixelSize GetPixelSize(string? aspectRatio, string? imageSize)
    {
        var ratio = aspectRatio ?? "1:1";
        if (!AspectRatios.TryGetValue(ratio, out var baseSize))
            throw new ArgumentException($"Aspect ratio '{ratio}' is not supported by {Id}.", nameof(aspectRatio));
        var scale = 1.0;
        var size = imageSize ?? DefaultImageSize;
        if (size != null && ImageSizes.TryGetValue(size, out var s)) scale = s;
        return new PixelSize((int)Math.Round(baseSize.Width * scale), (int)Math.Round(baseSize.Height * scale));
    }

    /// <summary>Output image tokens one image costs at the given size (0 when unknown).</summary>
    public int GetImageTokens(string? imageSize)
    {
        // Blank is not given: PowerShell passes $null to a string parameter as "".
        var key = SupportsImageSize ? (string.IsNullOrEmpty(imageSize) ? DefaultImageSize ?? "" : imageSize!) : "";
        if (ImageTokens.TryGetValue(key, out var t)) return t;
        return ImageTokens.Values.FirstOrDefault();
    }

    public override string ToString() => Id;
}

public readonly struct PixelSize : IEquatable<PixelSize>
{
    public PixelSize(int width, int height) { Width = width; Height = height; }
    public int Width { get; }
    public int Height { get; }

    public static PixelSize Parse(string text)
    {
        var parts = text.Split('x');
        return new PixelSize(int.Parse(parts[0], System.Globalization.CultureInfo.InvariantCulture),
                             int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture));
    }

    public bool Equals(PixelSize other) => Width == other.Width && Height == other.Height;
    public override bool Equals(object? obj) => obj is PixelSize p && Equals(p);
    public override int GetHashCode() => Width * 397 ^ Height;
    public override string ToString() => $"{Width}x{Height}";
}
