using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats;
using SixLabors.ImageSharp.Formats.Gif;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.Formats.Tiff;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.Formats.Webp;
using SixLabors.ImageSharp.Memory;
using SixLabors.ImageSharp.Metadata;
using SixLabors.ImageSharp.Metadata.Profiles.Exif;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;

namespace GeminiImage.Engine.Imaging;

/// <summary>Shared steps for reading a local image safely: read, sniff, check the header, decode.</summary>
internal static class ImageFiles
{
    /// <summary>All bytes of the file; NotFound for a missing path or a folder, InvalidImage for an empty file.</summary>
    public static byte[] ReadAllBytes(string path)
    {
        if (string.IsNullOrWhiteSpace(path)) throw new ImageNotFoundException(path ?? "", "No image path was given.");
        if (Directory.Exists(path)) throw new ImageNotFoundException(path, $"'{path}' is a folder, not an image file.");
        byte[] data;
        try
        {
            data = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is FileNotFoundException || e is DirectoryNotFoundException)
        {
            throw new ImageNotFoundException(path, $"Image file '{path}' was not found.", e);
        }
        if (data.Length == 0) throw new InvalidImageException(path, $"Image file '{path}' is empty.");
        return data;
    }

    /// <summary>The format from the content's magic bytes (never the extension).</summary>
    public static IImageFormat DetectFormat(byte[] data, string path)
    {
        var format = Image.DetectFormat(data);
        if (format != null) return format;
        var heif = HeifSniffer.DetectMimeType(data);
        var what = heif == "image/avif" ? "AVIF, which Gemini does not accept"
                 : heif != null ? "HEIC/HEIF, which cannot be processed locally"
                 : "not a recognized image format";
        throw new UnsupportedImageFormatException(path,
            $"'{path}' is {what}. Supported: PNG, JPEG, WebP, HEIC/HEIF (sent as is), GIF, BMP, TIFF, TGA, PBM (converted to PNG).");
    }

    /// <summary>Reads only the header and refuses sizes over the bomb limits, before any pixel memory is allocated.</summary>
    public static IImageInfo Identify(byte[] data, string path, ImageLimits limits)
    {
        IImageInfo? info;
        try
        {
            using var stream = new MemoryStream(data, writable: false);
            info = Image.Identify(stream);
        }
        catch (Exception e) when (!(e is OutOfMemoryException))
        {
            throw new InvalidImageException(path, $"'{path}' has a damaged image header: {e.Message}", e);
        }
        if (info == null) throw new UnsupportedImageFormatException(path, $"'{path}' is not a recognized image format.");
        CheckBombLimits(path, info.Width, info.Height, limits);
        // Every frame that will be decoded costs a whole canvas: count them from the structure before decoding any.
        var decodedFrames = ImageFrames.FirstFrameOnly(data) ? 1 : ImageFrames.Count(data);
        if (decodedFrames > 1 && (long)info.Width * info.Height * decodedFrames > limits.MaxPixels)
            throw new ImageTooLargeException(path,
                $"'{path}' declares {decodedFrames} frames of {info.Width}x{info.Height} pixels, over the limit of {limits.MaxPixels / 1_000_000.0:0.#} megapixels in all; refusing to decode it.",
                info.Width, info.Height);
        return info;
    }

    public static void CheckBombLimits(string path, int width, int height, ImageLimits limits)
    {
        if (width <= 0 || height <= 0)
            throw new InvalidImageException(path, $"'{path}' declares an invalid size of {width}x{height} pixels.");
        if ((long)width * height > limits.MaxPixels || width > limits.MaxSide || height > limits.MaxSide)
            throw new ImageTooLargeException(path,
                $"'{path}' declares {width}x{height} pixels, over the limit of {limits.MaxPixels / 1_000_000.0:0.#} megapixels or {limits.MaxSide} pixels per side; refusing to decode it.",
                width, height);
    }

    /// <summary>
    /// Checks the container for truncation, then decodes every pixel so corrupt data fails here. GIF and TIFF are decoded
    /// to their first frame only (the only one used); animated WebP frames were counted against the limits by <see cref="Identify"/>.
    /// </summary>
    public static Image<Rgba32> Decode(byte[] data, IImageFormat format, string path)
    {
        try
        {
            // ImageSharp 2.1 silently pads cut-off PNG and JPEG files, so check their structure ourselves.
            if (format == PngFormat.Instance) PngChunks.Read(data);
            else if (format == JpegFormat.Instance) JpegSegments.Validate(data);
            else if (format == WebpFormat.Instance) WebpChunks.Validate(data);

            using var stream = new MemoryStream(data, writable: false);
            if (format == GifFormat.Instance) return Image.Load<Rgba32>(stream, new GifDecoder { DecodingMode = FrameDecodingMode.First });
            if (format == TiffFormat.Instance) return Image.Load<Rgba32>(stream, new TiffDecoder { DecodingMode = FrameDecodingMode.First });
            return Image.Load<Rgba32>(stream);
        }
        catch (InvalidMemoryOperationException e)
        {
            throw new ImageTooLargeException(path, $"'{path}' is too large to decode: {e.Message}");
        }
        catch (Exception e) when (!(e is OutOfMemoryException))
        {
            // Decoders throw assorted exception types for damaged data; all of them mean the same to the user.
            throw new InvalidImageException(path, $"'{path}' is truncated or corrupt: {e.Message}", e);
        }
    }

    /// <summary>All checks of <see cref="InputImageLoader"/>, then the first frame turned upright (EXIF orientation applied).</summary>
    public static Image<Rgba32> LoadUpright(string path, ImageLimits limits, out byte[] data) =>
        LoadUpright(path, limits, out data, out _);

    /// <inheritdoc cref="LoadUpright(string, ImageLimits, out byte[])"/>
    /// <param name="frames">How many frames the file had (animations: more than 1).</param>
    public static Image<Rgba32> LoadUpright(string path, ImageLimits limits, out byte[] data, out int frames)
    {
        data = ReadAllBytes(path);
        var format = DetectFormat(data, path);
        var info = Identify(data, path, limits);
        var image = Decode(data, format, path);
        frames = image.Frames.Count;
        if (image.Frames.Count > 1)
        {
            var first = image.Frames.CloneFrame(0);
            image.Dispose();
            image = first;
        }
        if (GetOrientation(info) != 1) image.Mutate(x => x.AutoOrient());
        return image;
    }

    /// <summary>EXIF orientation (1–8) from the header, 1 when absent.</summary>
    public static int GetOrientation(IImageInfo info)
    {
        var value = info.Metadata.ExifProfile?.GetValue(ExifTag.Orientation)?.Value ?? 1;
        return value >= 1 && value <= 8 ? value : 1;
    }

    /// <summary>MIME type for the formats Gemini accepts unchanged, otherwise null.</summary>
    public static string? PassThroughMimeType(IImageFormat format) =>
        format == PngFormat.Instance ? "image/png"
        : format == JpegFormat.Instance ? "image/jpeg"
        : format == WebpFormat.Instance ? "image/webp"
        : null;

    public static bool HasTransparency(Image<Rgba32> image)
    {
        var found = false;
        image.ProcessPixelRows(accessor =>
        {
            for (var y = 0; y < accessor.Height && !found; y++)
            {
                foreach (var pixel in accessor.GetRowSpan(y))
                {
                    if (pixel.A == 255) continue;
                    found = true;
                    break;
                }
            }
        });
        return found;
    }
}
