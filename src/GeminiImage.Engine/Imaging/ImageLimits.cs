namespace GeminiImage.Engine.Imaging;

/// <summary>Limits applied to local input images before anything is sent (reference §6.1).</summary>
public sealed class ImageLimits
{
    /// <summary>Defaults: refuse above 100 MP or 20000 px per side; downscale above 4096 px or 7 MB.</summary>
    public static ImageLimits Default { get; } = new ImageLimits();

    /// <summary>Refuse (as a likely decompression bomb) when the header declares more pixels than this.</summary>
    public long MaxPixels { get; set; } = 100_000_000;

    /// <summary>Refuse when the header declares a side longer than this.</summary>
    public int MaxSide { get; set; } = 20_000;

    /// <summary>Downscale so the longest side is at most this many pixels (4096 = the models' largest output).</summary>
    public int MaxLongSide { get; set; } = 4096;

    /// <summary>Shrink or re-encode until the encoded image is at most this many bytes (Vertex: 7 MB per inline image).</summary>
    public long MaxEncodedBytes { get; set; } = 7L * 1024 * 1024;

    /// <summary>Quality used whenever a JPEG has to be re-encoded (1–100).</summary>
    public int JpegQuality { get; set; } = 90;
}
