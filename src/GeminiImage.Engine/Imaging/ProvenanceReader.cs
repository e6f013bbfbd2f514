using SixLabors.ImageSharp.Formats.Webp;

namespace GeminiImage.Engine.Imaging;

/// <summary>Reads format, size and embedded GeminiImage provenance from any image file.</summary>
public static class ProvenanceReader
{
    /// <summary>Information about the file at <paramref name="path"/>; only the header is decoded.</summary>
    /// <exception cref="ImageNotFoundException">The path is missing or a folder.</exception>
    /// <exception cref="InvalidImageException">The file is empty or its header is damaged.</exception>
    /// <exception cref="UnsupportedImageFormatException">The content is not a readable image format.</exception>
    public static ImageInfo Read(string path)
    {
        var data = ImageFiles.ReadAllBytes(path);
        var heif = HeifSniffer.DetectMimeType(data);
        if (heif == "image/heic" || heif == "image/heif")
        {
            var (w, h) = HeifSniffer.FindSize(data);
            return new ImageInfo(path, heif == "image/heic" ? "HEIC" : "HEIF", w, h, data.LongLength, null);
        }

        var format = ImageFiles.DetectFormat(data, path);
        // Header only, so no bomb limits are needed here.
        var info = ImageFiles.Identify(data, path, new ImageLimits { MaxPixels = long.MaxValue, MaxSide = int.MaxValue });
        var sideways = ImageFiles.GetOrientation(info) >= 5; // orientations 5–8 swap width and height
        var name = format == WebpFormat.Instance ? "WebP" : format.Name;
        return new ImageInfo(path, name, sideways ? info.Height : info.Width, sideways ? info.Width : info.Height,
            data.LongLength, ReadProvenance(data));
    }

    /// <summary>Provenance embedded by <see cref="ProvenanceWriter"/>, or null when there is none (or it is unreadable).</summary>
    public static ImageProvenance? ReadProvenance(byte[] image)
    {
        if (image == null) throw new ArgumentNullException(nameof(image));
        if (PngChunks.IsPng(image))
        {
            foreach (var chunk in PngChunks.ReadLenient(image))
            {
                var text = PngChunks.ReadText(image, chunk, ProvenanceFormat.PngKeyword);
                if (text != null) return ProvenanceFormat.FromJson(text.Value.Value);
            }
            return null;
        }
        var xmp = JpegSegments.IsJpeg(image) ? JpegSegments.FindXmp(image)
                : WebpChunks.IsWebp(image) ? WebpChunks.FindXmp(image)
                : null;
        return xmp == null ? null : ProvenanceFormat.FromXmp(xmp);
    }
}
