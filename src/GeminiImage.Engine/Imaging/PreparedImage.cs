namespace GeminiImage.Engine.Imaging;

/// <summary>An input image checked and, if needed, converted so it can be sent inline.</summary>
public sealed class PreparedImage(string sourcePath, byte[] data, string mimeType, int width, int height, IReadOnlyList<string> warnings, string sha256)
{
    /// <summary>The path the image was read from.</summary>
    public string SourcePath { get; } = sourcePath;

    /// <summary>Bytes to send: the original file when it needed no change, otherwise a re-encoded image.</summary>
    public byte[] Data { get; } = data;

    /// <summary>MIME type of <see cref="Data"/> (image/png, image/jpeg, image/webp, image/heic or image/heif).</summary>
    public string MimeType { get; } = mimeType;

    /// <summary>Width of <see cref="Data"/> in pixels as displayed (0 when unknown, HEIF only).</summary>
    public int Width { get; } = width;

    /// <summary>Height of <see cref="Data"/> in pixels as displayed (0 when unknown, HEIF only).</summary>
    public int Height { get; } = height;

    /// <summary>Changes the user should know about (downscaled, first frame of an animation, …).</summary>
    public IReadOnlyList<string> Warnings { get; } = warnings;

    /// <summary>Lowercase hex SHA-256 of <see cref="Data"/> (for caching and de-duplication).</summary>
    public string Sha256 { get; } = sha256;
}
