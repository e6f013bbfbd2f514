using System;
using System.IO;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.Formats.Webp;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;

namespace GeminiImage.Engine.Imaging;

/// <summary>Encoded format of a resized image.</summary>
public enum ImageOutputFormat
{
    /// <summary>Lossless, keeps transparency.</summary>
    Png,
    /// <summary>Lossy, no transparency (flattened onto the background).</summary>
    Jpeg,
    /// <summary>Lossy WebP at the given quality, keeps transparency.</summary>
    Webp,
}

/// <summary>Settings for <see cref="ImageResizer.Resize"/>.</summary>
public sealed class ResizeOptions
{
    /// <summary>Target width in pixels.</summary>
    public int Width { get; set; }
    /// <summary>Target height in pixels.</summary>
    public int Height { get; set; }
    /// <summary>How the image is fitted to the target (see <see cref="FitMode"/>).</summary>
    public FitMode Mode { get; set; } = FitMode.Pad;
    /// <summary>Encoded output format.</summary>
    public ImageOutputFormat Format { get; set; } = ImageOutputFormat.Png;
    /// <summary>JPEG/WebP quality, 1–100.</summary>
    public int Quality { get; set; } = 90;
    /// <summary>Canvas colour for <see cref="FitMode.Pad"/> and behind transparency in JPEG: a name ("white",
    /// "transparent") or hex ("#RRGGBB", "#RRGGBBAA").</summary>
    public string Background { get; set; } = "white";
    /// <summary>Keep EXIF/XMP/text metadata and the GeminiImage provenance; false strips them (ICC profiles are kept).</summary>
    public bool KeepMetadata { get; set; } = true;
    /// <summary>Limits for reading the source (null: <see cref="ImageLimits.Default"/>).</summary>
    public ImageLimits? Limits { get; set; }

    /// <summary>Options for a platform preset with its suggested fit mode.</summary>
    public static ResizeOptions FromPreset(PlatformPreset preset) =>
        new ResizeOptions { Width = preset.Width, Height = preset.Height, Mode = preset.SuggestedMode };
}

/// <summary>Resizes local images for platforms (engine part of Resize-GeminiImage).</summary>
public static class ImageResizer
{
    /// <summary>The image at <paramref name="sourcePath"/> turned upright, fitted per <paramref name="options"/> and encoded.</summary>
    /// <exception cref="Errors.ImageFileException">The source is missing, damaged, unsupported or a decompression bomb.</exception>
    /// <exception cref="ArgumentException">The options are invalid (size, quality or colour).</exception>
    public static byte[] Resize(string sourcePath, ResizeOptions options)
    {
        if (options == null) throw new ArgumentNullException(nameof(options));
        if (options.Quality < 1 || options.Quality > 100)
            throw new ArgumentOutOfRangeException(nameof(options), options.Quality, "Quality must be between 1 and 100.");
        var background = ParseColor(options.Background);
        if (options.Width <= 0 || options.Height <= 0)
            throw new ArgumentOutOfRangeException(nameof(options), $"{options.Width}x{options.Height}", "Width and height must be positive.");

        using var image = ImageFiles.LoadUpright(sourcePath, options.Limits ?? ImageLimits.Default, out var sourceBytes);
        var fit = FitMath.Compute(image.Width, image.Height, options.Width, options.Height, options.Mode);
        using var result = Fit(image, fit, background);
        if (!options.KeepMetadata) StripMetadata(result);

        var (encoded, mimeType) = Encode(result, options.Format, options.Quality, background);
        var provenance = options.KeepMetadata ? ProvenanceReader.ReadProvenance(sourceBytes) : null;
        return provenance == null ? encoded : ProvenanceWriter.Embed(encoded, mimeType, provenance);
    }

    internal static Image<Rgba32> Fit(Image<Rgba32> source, FitResult fit, Color background)
    {
        var resized = source.Clone(x => x.Resize(fit.ResizeWidth, fit.ResizeHeight));
        if (fit.CanvasWidth == fit.ResizeWidth && fit.CanvasHeight == fit.ResizeHeight) return resized;
        if (fit.OffsetX <= 0 && fit.OffsetY <= 0)
        {
            resized.Mutate(x => x.Crop(new Rectangle(-fit.OffsetX, -fit.OffsetY, fit.CanvasWidth, fit.CanvasHeight)));
            return resized;
        }
        using (resized)
        {
            var canvas = new Image<Rgba32>(fit.CanvasWidth, fit.CanvasHeight, background.ToPixel<Rgba32>());
            canvas.Metadata.ExifProfile = source.Metadata.ExifProfile?.DeepClone();
            canvas.Metadata.XmpProfile = source.Metadata.XmpProfile?.DeepClone();
            canvas.Metadata.IccProfile = source.Metadata.IccProfile?.DeepClone();
            canvas.Mutate(x => x.DrawImage(resized, new Point(fit.OffsetX, fit.OffsetY), 1f));
            return canvas;
        }
    }

    internal static (byte[] Data, string MimeType) Encode(Image<Rgba32> image, ImageOutputFormat format, int quality, Color background)
    {
        using var output = new MemoryStream();
        string mimeType;
        switch (format)
        {
            case ImageOutputFormat.Jpeg:
                // JPEG has no alpha: flatten onto the background (white when the background itself is transparent).
                var matte = background.ToPixel<Rgba32>().A == 255 ? background : Color.White;
                using (var flat = image.Clone(x => x.BackgroundColor(matte)))
                    flat.Save(output, new JpegEncoder { Quality = quality });
                mimeType = "image/jpeg";
                break;
            case ImageOutputFormat.Webp:
                image.Save(output, new WebpEncoder { Quality = quality });
                mimeType = "image/webp";
                break;
            default:
                image.Save(output, new PngEncoder());
                mimeType = "image/png";
                break;
        }
        return (output.ToArray(), mimeType);
    }

    /// <summary>Whether <paramref name="value"/> is a colour <see cref="ResizeOptions.Background"/> accepts.</summary>
    public static bool IsColor(string? value) => value != null && Color.TryParse(value, out _);

    internal static Color ParseColor(string value)
    {
        if (Color.TryParse(value, out var color)) return color;
        throw new ArgumentException($"'{value}' is not a colour; use a name such as 'white' or hex such as '#FFFFFF'.", nameof(value));
    }

    private static void StripMetadata(Image<Rgba32> image)
    {
        image.Metadata.ExifProfile = null;
        image.Metadata.XmpProfile = null;
        image.Metadata.IptcProfile = null;
        image.Metadata.GetPngMetadata().TextData.Clear();
    }
}
