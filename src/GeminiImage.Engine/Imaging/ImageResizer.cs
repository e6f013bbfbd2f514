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
    /// <summary>Target width in pixels; 0: from <see cref="Height"/> and the source's aspect ratio.</summary>
    public int Width { get; set; }
    /// <summary>Target height in pixels; 0: from <see cref="Width"/> and the source's aspect ratio.</summary>
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
    // Measured on a 1500x1500 photo (bench/Resize-GeminiImage.Bench.ps1): level 2 writes in a sixth of the time of the
    // default level 6 for about 8% more bytes; levels 1, 3 and 4 are slower than 2 in ImageSharp 2.1's deflater.
    private const PngCompressionLevel PngLevel = PngCompressionLevel.Level2;

    /// <summary>The image at <paramref name="sourcePath"/> turned upright, fitted per <paramref name="options"/> and encoded.</summary>
    /// <exception cref="Errors.ImageFileException">The source is missing, damaged, unsupported or a decompression bomb.</exception>
    /// <exception cref="ArgumentException">The options are invalid (size, quality or colour).</exception>
    public static byte[] Resize(string sourcePath, ResizeOptions options)
    {
        Validate(options);
        using var source = ResizeSource.Load(sourcePath, options.Limits);
        return Resize(source, options);
    }

    /// <summary>The decoded <paramref name="source"/> fitted per <paramref name="options"/> and encoded; the source can be
    /// reused for further sizes (decode once, several presets). Safe to call for different sources in parallel.</summary>
    /// <exception cref="ArgumentException">The options are invalid (size, quality or colour).</exception>
    public static byte[] Resize(ResizeSource source, ResizeOptions options)
    {
        if (source == null) throw new ArgumentNullException(nameof(source));
        var background = Validate(options);
        var fit = options.Width == 0 || options.Height == 0
            ? FitMath.Compute(source.Width, source.Height, Scaled(options.Width, source.Width, options.Height, source.Height),
                Scaled(options.Height, source.Height, options.Width, source.Width), FitMode.Stretch)
            : FitMath.Compute(source.Width, source.Height, options.Width, options.Height, options.Mode);
        var fill = options.Format == ImageOutputFormat.Jpeg ? Matte(background) : background;
        using var result = Fit(source, fit, fill, FlattenColor(source, options, background));
        if (!options.KeepMetadata) StripMetadata(result);

        var (encoded, mimeType) = Encode(result, options.Format, options.Quality);
        // A resized copy records its source and has no cost of its own: the image was paid for once.
        var provenance = options.KeepMetadata ? source.Provenance?.Derived(new[] { System.IO.Path.GetFileName(source.Path) }) : null;
        return provenance == null ? encoded : ProvenanceWriter.Embed(encoded, mimeType, provenance);
    }

    /// <summary>The preset's format, or PNG when <paramref name="background"/> is not opaque (a transparent canvas was
    /// asked for, and JPEG cannot hold one).</summary>
    public static ImageOutputFormat FormatFor(PlatformPreset preset, string background)
    {
        if (preset == null) throw new ArgumentNullException(nameof(preset));
        return preset.Format == ImageOutputFormat.Jpeg && ParseColor(background).ToPixel<Rgba32>().A < 255 ? ImageOutputFormat.Png : preset.Format;
    }

    /// <summary>A sentence saying the source's transparency is flattened for this output (JPEG has no alpha), or null.</summary>
    public static string? DescribeFlattening(ResizeSource source, ResizeOptions options)
    {
        if (source == null) throw new ArgumentNullException(nameof(source));
        if (options.Format != ImageOutputFormat.Jpeg || !source.HasTransparency) return null;
        var matte = Matte(ParseColor(options.Background)).ToPixel<Rgba32>();
        return $"'{source.Path}' has transparent pixels and JPEG has none: flattened onto #{matte.R:X2}{matte.G:X2}{matte.B:X2}.";
    }

    private static Color Validate(ResizeOptions options)
    {
        if (options == null) throw new ArgumentNullException(nameof(options));
        if (options.Quality < 1 || options.Quality > 100)
            throw new ArgumentOutOfRangeException(nameof(options), options.Quality, "Quality must be between 1 and 100.");
        var background = ParseColor(options.Background);
        if (options.Width < 0 || options.Height < 0 || (options.Width == 0 && options.Height == 0))
            throw new ArgumentOutOfRangeException(nameof(options), $"{options.Width}x{options.Height}", "Give a positive width, height or both.");
        return background;
    }

    // The side given, or the other side scaled by the same factor (at least 1 pixel).
    private static int Scaled(int side, int sourceSide, int otherSide, int otherSourceSide) =>
        side > 0 ? side : Math.Max(1, (int)Math.Round((double)sourceSide * otherSide / otherSourceSide, MidpointRounding.AwayFromZero));

    // JPEG has no alpha: transparency goes onto the background, or white when the background itself is not opaque.
    private static Color Matte(Color background) => background.ToPixel<Rgba32>().A == 255 ? background : Color.White;

    // What the source's own transparent pixels are composited onto before resizing, or null to keep them: the JPEG
    // matte, or for Pad the background (as if the image were drawn on the canvas).
    private static Color? FlattenColor(ResizeSource source, ResizeOptions options, Color background)
    {
        if (options.Format == ImageOutputFormat.Jpeg) return source.HasTransparency ? Matte(background) : null;
        return options.Mode == FitMode.Pad && background.ToPixel<Rgba32>().A > 0 && source.HasTransparency ? background : null;
    }

    /// <summary>One resampling pass straight into the output canvas (ImageSharp's Manual mode places the resized image
    /// at the fit's offset and clips what overflows), then the Pad margins filled: no intermediate image, no blending.</summary>
    internal static Image<Rgba32> Fit(ResizeSource source, FitResult fit, Color fill, Color? flatten)
    {
        var resize = new SixLabors.ImageSharp.Processing.ResizeOptions
        {
            Mode = ResizeMode.Manual,
            Size = new Size(fit.CanvasWidth, fit.CanvasHeight),
            TargetRectangle = new Rectangle(fit.OffsetX, fit.OffsetY, fit.ResizeWidth, fit.ResizeHeight),
            // ImageMagick's default filters, so "same size at the same quality" compares like with like: Mitchell when
            // enlarging (softer, no ringing; a photo enlarged to 1500 px also compresses 3% smaller than with bicubic),
            // Lanczos 3 when reducing.
            Sampler = fit.ResizeWidth > source.Width || fit.ResizeHeight > source.Height ? KnownResamplers.MitchellNetravali : KnownResamplers.Lanczos3,
        };
        var canvas = source.Image.Clone(x =>
        {
            if (flatten is { } color) x.BackgroundColor(color);
            x.Resize(resize);
        });
        FillMargins(canvas, fit, fill.ToPixel<Rgba32>());
        return canvas;
    }

    private static void FillMargins(Image<Rgba32> canvas, FitResult fit, Rgba32 color)
    {
        int left = Math.Max(0, fit.OffsetX), top = Math.Max(0, fit.OffsetY);
        int right = Math.Min(fit.CanvasWidth, left + fit.ResizeWidth), bottom = Math.Min(fit.CanvasHeight, top + fit.ResizeHeight);
        // Pad can leave a margin on the far side only: (29 - 28) / 2 = 0 on the left, 1 on the right.
        if (left == 0 && top == 0 && right == fit.CanvasWidth && bottom == fit.CanvasHeight) return;
        canvas.ProcessPixelRows(rows =>
        {
            for (var y = 0; y < rows.Height; y++)
            {
                var row = rows.GetRowSpan(y);
                if (y < top || y >= bottom) { row.Fill(color); continue; }
                row.Slice(0, left).Fill(color);
                row.Slice(right).Fill(color);
            }
        });
    }

    internal static (byte[] Data, string MimeType) Encode(Image<Rgba32> image, ImageOutputFormat format, int quality)
    {
        using var output = new MemoryStream();
        string mimeType;
        switch (format)
        {
            case ImageOutputFormat.Jpeg:
                // Chroma subsampled below quality 90, as libjpeg and ImageMagick do; the image is opaque by now (Fit flattened it).
                image.Save(output, new JpegEncoder
                {
                    Quality = quality,
                    ColorType = quality >= 90 ? JpegColorType.YCbCrRatio444 : JpegColorType.YCbCrRatio420,
                });
                return (JpegHuffmanOptimizer.Optimize(output.ToArray()), "image/jpeg");
            case ImageOutputFormat.Webp:
                image.Save(output, new WebpEncoder { Quality = quality });
                mimeType = "image/webp";
                break;
            default:
                // 8-bit always (a 16-bit source's metadata would otherwise ask for 16), RGB when nothing is transparent.
                image.Save(output, new PngEncoder
                {
                    CompressionLevel = PngLevel,
                    BitDepth = PngBitDepth.Bit8,
                    ColorType = ImageFiles.HasTransparency(image) ? PngColorType.RgbWithAlpha : PngColorType.Rgb,
                });
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
