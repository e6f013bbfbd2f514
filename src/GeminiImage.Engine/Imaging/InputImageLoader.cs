using System.Security.Cryptography;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;

namespace GeminiImage.Engine.Imaging;

/// <summary>
/// Checks and prepares a local input image before any request is paid for.
/// </summary>
/// <remarks>
/// Rules, in order:
/// <list type="number">
/// <item>The format is sniffed from the content; the extension is ignored.</item>
/// <item>The header alone is checked against <see cref="ImageLimits.MaxPixels"/> and <see cref="ImageLimits.MaxSide"/>
/// (decompression bombs are refused before any pixel memory is allocated).</item>
/// <item>The whole image is decoded, so truncated or corrupt files fail here rather than at the API.</item>
/// <item>PNG, JPEG and WebP are sent byte for byte when nothing below applies. HEIC/HEIF is always sent as is
/// (it cannot be decoded locally; only its declared size is checked).</item>
/// <item>GIF, BMP, TIFF, TGA and PBM become PNG; animations keep their first frame (with a warning).</item>
/// <item>An EXIF orientation other than 1 is applied to the pixels (the API would otherwise see the image sideways).</item>
/// <item>Downscale rule: when the longest side exceeds <see cref="ImageLimits.MaxLongSide"/> (4096 px) the image is
/// resized so the longest side is exactly that, keeping the aspect ratio. A re-encoded JPEG stays JPEG
/// (quality <see cref="ImageLimits.JpegQuality"/>), everything else becomes PNG. If the result is still over
/// <see cref="ImageLimits.MaxEncodedBytes"/> (7 MB), an opaque PNG is re-encoded as JPEG, and then the longest side
/// is reduced by a quarter at a time until it fits. Each such change adds a warning.</item>
/// </list>
/// </remarks>
public sealed class InputImageLoader
{
    private const int MinimumLongSide = 256;

    /// <summary>Reads, checks and (if needed) converts one image with the given limits (null: <see cref="ImageLimits.Default"/>).</summary>
    /// <exception cref="ImageNotFoundException">The path is missing or a folder.</exception>
    /// <exception cref="InvalidImageException">The file is empty, truncated or corrupt.</exception>
    /// <exception cref="UnsupportedImageFormatException">The content is not a readable image format.</exception>
    /// <exception cref="ImageTooLargeException">The header declares a decompression bomb, or the image cannot be made small enough.</exception>
    public PreparedImage Prepare(string path, ImageLimits? limits = null) => Prepare(ImageFiles.ReadAllBytes(path), path, limits);

    /// <summary>
    /// Like <see cref="Prepare(string, ImageLimits?)"/> for an image already in memory (an -AsBytes result piped on);
    /// <paramref name="path"/> only names it in messages and warnings.
    /// </summary>
    public PreparedImage Prepare(byte[] data, string path, ImageLimits? limits = null)
    {
        limits ??= ImageLimits.Default;
        var heifMime = HeifSniffer.DetectMimeType(data);
        if (heifMime == "image/heic" || heifMime == "image/heif") return PrepareHeif(path, data, heifMime, limits);

        var format = ImageFiles.DetectFormat(data, path);
        var info = ImageFiles.Identify(data, path, limits);
        var warnings = new List<string>();
        var frames = ImageFrames.Count(data); // GIF and TIFF decode to one frame; the file may hold more

        var passThroughMime = ImageFiles.PassThroughMimeType(format);
        var orientation = ImageFiles.GetOrientation(info);
        var longSide = Math.Max(info.Width, info.Height);
        var asIs = passThroughMime != null && frames == 1 && orientation == 1 && longSide <= limits.MaxLongSide && data.LongLength <= limits.MaxEncodedBytes;
        // A PNG sent as it is needs no pixels: its chunks and compressed rows are checked instead.
        if (asIs && format == PngFormat.Instance && IsWholePng(data, path))
            return Create(path, data, passThroughMime!, info.Width, info.Height, warnings);
        using var image = ImageFiles.Decode(data, format, path);
        if (asIs && image.Frames.Count == 1)
            return Create(path, data, passThroughMime!, info.Width, info.Height, warnings);

        // Work on the decoded image itself unless it is animated: a 100 MP image would otherwise be held twice.
        using var firstFrame = image.Frames.Count > 1 ? image.Frames.CloneFrame(0) : null;
        var upright = firstFrame ?? image;
        var name = Path.GetFileName(path);
        if (frames > 1)
            warnings.Add($"'{name}' is animated ({frames} frames); only the first frame is used.");
        if (passThroughMime == null)
            warnings.Add($"'{name}' was converted from {format.Name} to PNG.");
        if (orientation != 1) upright.Mutate(x => x.AutoOrient());

        var asJpeg = format == JpegFormat.Instance;
        var targetSide = Math.Min(limits.MaxLongSide, Math.Max(upright.Width, upright.Height));
        // Each attempt resizes from the upright original, so repeated shrinking does not compound resampling.
        Image<Rgba32>? resized = null;
        try
        {
            while (true)
            {
                var current = resized ?? upright;
                if (Math.Max(current.Width, current.Height) > targetSide)
                {
                    resized?.Dispose();
                    resized = Resized(upright, targetSide);
                    current = resized;
                }
                var encoded = Encode(current, asJpeg, limits);
                if (encoded.LongLength <= limits.MaxEncodedBytes)
                {
                    if (resized != null)
                        warnings.Add($"'{name}' was downscaled from {upright.Width}x{upright.Height} to {current.Width}x{current.Height}.");
                    return Create(path, encoded, asJpeg ? "image/jpeg" : "image/png", current.Width, current.Height, warnings);
                }
                if (!asJpeg && !ImageFiles.HasTransparency(current))
                {
                    asJpeg = true;
                    warnings.Add($"'{name}' was re-encoded as JPEG (quality {limits.JpegQuality}) to stay under {FormatBytes(limits.MaxEncodedBytes)}.");
                    continue;
                }
                targetSide = Math.Max(current.Width, current.Height) * 3 / 4;
                if (targetSide < MinimumLongSide)
                    throw new ImageTooLargeException(path, $"'{path}' cannot be brought under {FormatBytes(limits.MaxEncodedBytes)} without shrinking it below {MinimumLongSide} px.", info.Width, info.Height);
            }
        }
        finally
        {
            resized?.Dispose();
        }
    }

    /// <summary>True when <see cref="PngIntegrity"/> could check the file (then it is whole); <see cref="InvalidImageException"/> when it is damaged.</summary>
    private static bool IsWholePng(byte[] data, string path)
    {
        try { return PngIntegrity.TryCheck(data); }
        catch (InvalidDataException e)
        {
            throw new InvalidImageException(path, $"'{path}' is truncated or corrupt: {e.Message}", e);
        }
    }

    private static PreparedImage PrepareHeif(string path, byte[] data, string mimeType, ImageLimits limits)
    {
        var warnings = new List<string>();
        var (width, height) = HeifSniffer.FindSize(data);
        if (width > 0) ImageFiles.CheckBombLimits(path, width, height, limits);
        if (Math.Max(width, height) > limits.MaxLongSide || data.LongLength > limits.MaxEncodedBytes)
            warnings.Add($"'{Path.GetFileName(path)}' is over {limits.MaxLongSide} px or {FormatBytes(limits.MaxEncodedBytes)} but HEIC/HEIF cannot be resized locally; it is sent unchanged.");
        return Create(path, data, mimeType, width, height, warnings);
    }

    private static Image<Rgba32> Resized(Image<Rgba32> image, int longSide)
    {
        var scale = (double)longSide / Math.Max(image.Width, image.Height);
        var width = Math.Max(1, (int)Math.Round(image.Width * scale));
        var height = Math.Max(1, (int)Math.Round(image.Height * scale));
        return image.Clone(x => x.Resize(width, height));
    }

    private static byte[] Encode(Image<Rgba32> image, bool asJpeg, ImageLimits limits)
    {
        using var output = new MemoryStream();
        if (asJpeg)
        {
            // JPEG has no alpha: flatten onto white rather than let transparent pixels turn black.
            using var flat = image.Clone(x => x.BackgroundColor(Color.White));
            flat.Save(output, new JpegEncoder { Quality = limits.JpegQuality });
        }
        else
        {
            image.Save(output, new PngEncoder());
        }
        return output.ToArray();
    }

    private static PreparedImage Create(string path, byte[] data, string mimeType, int width, int height, List<string> warnings) =>
        new PreparedImage(path, data, mimeType, width, height, warnings.AsReadOnly(), Sha256Hex(data));

    internal static string Sha256Hex(byte[] data)
    {
        using var sha = SHA256.Create();
        var hash = sha.ComputeHash(data);
        var chars = new char[hash.Length * 2];
        for (var i = 0; i < hash.Length; i++)
        {
            chars[2 * i] = "0123456789abcdef"[hash[i] >> 4];
            chars[2 * i + 1] = "0123456789abcdef"[hash[i] & 0xF];
        }
        return new string(chars);
    }

    internal static string FormatBytes(long bytes) =>
        bytes >= 1024 * 1024 ? $"{bytes / (1024.0 * 1024):0.#} MB" : $"{bytes / 1024.0:0.#} KB";
}
