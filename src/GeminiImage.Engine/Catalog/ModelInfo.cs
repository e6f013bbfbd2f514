using System;
using System.Collections.Generic;
using System.Linq;

namespace GeminiImage.Engine.Catalog;

/// <summary>Prices in USD per one million tokens.</summary>
public sealed class ModelPrices
{
    public decimal Input { get; set; }
    public decimal TextOutput { get; set; }
    public decimal ImageOutput { get; set; }
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
        var key = SupportsImageSize ? (imageSize ?? DefaultImageSize ?? "") : "";
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
