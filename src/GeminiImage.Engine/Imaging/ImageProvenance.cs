using System.Reflection;

namespace GeminiImage.Engine.Imaging;

/// <summary>How an image was made; embedded into saved images by <see cref="ProvenanceWriter"/>.</summary>
public sealed record ImageProvenance
{
    /// <summary>"GeminiImage &lt;version&gt;", the default <see cref="Generator"/>.</summary>
    public static string DefaultGenerator { get; } = "GeminiImage " + GetVersion();

    /// <summary>The prompt text as sent.</summary>
    public string? Prompt { get; set; }
    /// <summary>Model id, e.g. gemini-2.5-flash-image.</summary>
    public string? Model { get; set; }
    /// <summary>Requested aspect ratio such as "16:9" (null when the model chose).</summary>
    public string? AspectRatio { get; set; }
    /// <summary>Requested image size such as "2K" (null when not applicable).</summary>
    public string? ImageSize { get; set; }
    /// <summary>When the image was received, in UTC.</summary>
    public DateTime? CreatedUtc { get; set; }
    /// <summary>Cost of the request in USD, when known; null on a derived file (<see cref="DerivedFrom"/>), whose image was paid for once, in its source.</summary>
    public decimal? Cost { get; set; }
    /// <summary>
    /// File names of the images this file was made from locally (a resized copy: its source; a contact sheet: its
    /// tiles). Empty for an image the API made. A derived file has no <see cref="Cost"/> of its own, so summing the
    /// costs of a folder counts each paid image once.
    /// </summary>
    public IReadOnlyList<string> DerivedFrom { get; set; } = Array.Empty<string>();
    /// <summary>File names (not full paths) of the input images.</summary>
    public IReadOnlyList<string> SourceImages { get; set; } = Array.Empty<string>();
    /// <summary>Module name and version that wrote the image.</summary>
    public string? Generator { get; set; } = DefaultGenerator;
    /// <summary>Free-form label chosen by the user.</summary>
    public string? Tag { get; set; }
    /// <summary>The API's responseId, to find the request in logs.</summary>
    public string? ResponseId { get; set; }

    /// <summary>A copy for a file derived from <paramref name="sources"/>: what was asked for stays, the cost does not.</summary>
    public ImageProvenance Derived(IReadOnlyList<string> sources) =>
        this with { Cost = null, DerivedFrom = sources, Generator = DefaultGenerator };

    /// <summary>One line for Format-List: "gemini-3.1-flash-image: 'a fox', $0.0681" or "derived from a.png (no cost of its own)".</summary>
    public override string ToString()
    {
        var what = string.Join(": ", new[] { Model, Prompt == null ? null : $"'{Prompt}'" }.Where(x => x != null));
        var cost = DerivedFrom.Count > 0 ? $"derived from {string.Join(", ", DerivedFrom)} (no cost of its own)"
            : Cost is decimal c ? "$" + c.ToString("0.0000", System.Globalization.CultureInfo.InvariantCulture) : null;
        return string.Join(", ", new[] { what.Length == 0 ? Generator : what, cost }.Where(x => !string.IsNullOrEmpty(x)));
    }

    private static string GetVersion()
    {
        var assembly = typeof(ImageProvenance).Assembly;
        var informational = assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion;
        // Drop the "+commit" suffix newer SDKs append.
        return informational?.Split('+')[0] ?? assembly.GetName().Version?.ToString(3) ?? "0.0.0";
    }
}

/// <summary>What <see cref="ProvenanceReader.Read"/> learns about an image file.</summary>
public sealed class ImageInfo(string path, string format, int width, int height, long sizeBytes, ImageProvenance? provenance)
{
    /// <summary>The file that was read.</summary>
    public string Path { get; } = path;
    /// <summary>The file's name, as on every output object that has a Path.</summary>
    public string Name => System.IO.Path.GetFileName(Path);
    /// <summary>Format sniffed from the content: PNG, JPEG, WebP, GIF, BMP, TIFF, TGA, PBM, HEIC or HEIF.</summary>
    public string Format { get; } = format;
    /// <summary>Width as displayed (EXIF orientation applied); 0 when unknown.</summary>
    public int Width { get; } = width;
    /// <summary>Height as displayed (EXIF orientation applied); 0 when unknown.</summary>
    public int Height { get; } = height;
    /// <summary>File size in bytes.</summary>
    public long SizeBytes { get; } = sizeBytes;
    /// <summary>Embedded GeminiImage provenance, or null for images this module did not write.</summary>
    public ImageProvenance? Provenance { get; } = provenance;
}
