using GeminiImage.Engine.Api;

namespace GeminiImage.Engine.Imaging;

/// <summary>
/// Embeds <see cref="ImageProvenance"/> into encoded image bytes without touching the pixel data.
/// </summary>
/// <remarks>
/// PNG: uncompressed iTXt chunks inserted before the first IDAT — <c>GeminiImage</c> (the whole provenance as JSON),
/// plus the registered keywords <c>Description</c> (prompt), <c>Software</c> (generator) and <c>Creation Time</c>.
/// JPEG: one XMP APP1 segment after the JFIF/EXIF segments. WebP: an "XMP " chunk (a simple file is promoted to VP8X).
/// The XMP carries dc:description, xmp:CreatorTool, xmp:CreateDate and every field in the
/// <c>urn:geminiimage:provenance:1.0/</c> namespace (prefix GeminiImage). Earlier GeminiImage metadata and an existing
/// XMP packet are replaced. Any change to the bytes invalidates a C2PA manifest's hash binding, if the image has one.
/// </remarks>
public static class ProvenanceWriter
{
    private static readonly string[] _pngKeywords = { ProvenanceFormat.PngKeyword, "Description", "Software", "Creation Time" };

    /// <summary>True for the MIME types <see cref="Embed"/> supports: image/png, image/jpeg and image/webp.</summary>
    public static bool CanEmbed(string mimeType) =>
        mimeType == "image/png" || mimeType == "image/jpeg" || mimeType == "image/webp";

    /// <summary>A copy of <paramref name="image"/> carrying <paramref name="provenance"/>.</summary>
    /// <exception cref="NotSupportedException">The MIME type is not PNG, JPEG or WebP.</exception>
    /// <exception cref="ArgumentException">The bytes are not of the stated type or are damaged.</exception>
    public static byte[] Embed(byte[] image, string mimeType, ImageProvenance provenance)
    {
        var write = Prepare(image, mimeType, provenance);
        using var output = new MemoryStream(image.Length + 4096);
        write(output);
        return output.ToArray();
    }

    /// <summary>
    /// Checks <paramref name="image"/> and returns what writes it, carrying <paramref name="provenance"/>, to a stream:
    /// a PNG is written piece by piece from the original bytes, so saving a large answer makes no whole-image copy.
    /// The writer can run more than once (a fallback folder after a failed save).
    /// </summary>
    /// <exception cref="NotSupportedException">The MIME type is not PNG, JPEG or WebP.</exception>
    /// <exception cref="ArgumentException">The bytes are not of the stated type or are damaged.</exception>
    public static Action<Stream> Prepare(byte[] image, string mimeType, ImageProvenance provenance) =>
        Prepare(ImageBytes.Wrap(image ?? throw new ArgumentNullException(nameof(image))), mimeType, provenance);

    /// <summary>As <see cref="Prepare(byte[], string, ImageProvenance)"/> for an answer's image in pooled blocks: a PNG is
    /// written from them as they are; a JPEG or WebP is made one array first (its metadata goes into a copy).</summary>
    internal static Action<Stream> Prepare(ImageBytes image, string mimeType, ImageProvenance provenance)
    {
        if (provenance == null) throw new ArgumentNullException(nameof(provenance));
        Span<byte> head = stackalloc byte[12];
        head = head.Slice(0, (int)Math.Min(head.Length, image.Length));
        image.CopyTo(0, head);
        try
        {
            switch (mimeType)
            {
                case "image/png" when PngChunks.IsPng(head):
                    return PreparePng(image, provenance);
                case "image/jpeg" when JpegSegments.IsJpeg(head):
                    return WriteAll(JpegSegments.ReplaceXmp(image.ToArray(), ProvenanceFormat.ToXmpWithin(provenance, JpegSegments.MaxXmpBytes)));
                case "image/webp" when WebpChunks.IsWebp(head):
                    return WriteAll(WebpChunks.ReplaceXmp(image.ToArray(), ProvenanceFormat.ToXmp(provenance)));
            }
        }
        catch (InvalidDataException e)
        {
            throw new ArgumentException($"The {mimeType} data is damaged: {e.Message}", nameof(image), e);
        }
        if (!CanEmbed(mimeType)) throw new NotSupportedException($"Cannot embed metadata into {mimeType}; supported: PNG, JPEG, WebP.");
        throw new ArgumentException($"The bytes are not {mimeType}.", nameof(image));
    }

    private static Action<Stream> WriteAll(byte[] bytes) => output => output.Write(bytes, 0, bytes.Length);

    private static Action<Stream> PreparePng(ImageBytes png, ImageProvenance p)
    {
        var texts = new List<byte[]> { PngChunks.BuildInternationalText(ProvenanceFormat.PngKeyword, ProvenanceFormat.ToJson(p)) };
        if (p.Prompt != null) texts.Add(PngChunks.BuildInternationalText("Description", p.Prompt));
        if (p.Generator != null) texts.Add(PngChunks.BuildInternationalText("Software", p.Generator));
        if (p.CreatedUtc != null) texts.Add(PngChunks.BuildInternationalText("Creation Time", ProvenanceFormat.FormatDate(p.CreatedUtc.Value)));
        // Read (and CRC-checked) now, so a damaged image is refused before any file is opened; the text chunks our
        // keywords replace are dropped now too (their few bytes are copied out to be read).
        var chunks = PngChunks.Read(png).Where(chunk => !IsReplaced(png, chunk)).ToList();
        return output =>
        {
            png.WriteTo(output, 0, 8);
            var inserted = false;
            foreach (var chunk in chunks)
            {
                // Before the first IDAT, so readers that stop at the pixel data (e.g. PIL's Image.open) still see it.
                if (!inserted && (chunk.Type == "IDAT" || chunk.Type == "IEND"))
                {
                    foreach (var text in texts) output.Write(text, 0, text.Length);
                    inserted = true;
                }
                png.WriteTo(output, chunk.Offset, chunk.TotalLength);
            }
        };
    }

    private static bool IsReplaced(ImageBytes png, PngChunk chunk)
    {
        if (chunk.Type != "tEXt" && chunk.Type != "zTXt" && chunk.Type != "iTXt") return false;
        var copy = new byte[chunk.TotalLength];
        png.CopyTo(chunk.Offset, copy);
        var previous = PngChunks.ReadText(copy, new PngChunk(chunk.Type, 0, chunk.Length));
        return previous != null && Array.IndexOf(_pngKeywords, previous.Value.Key) >= 0;
    }
}
