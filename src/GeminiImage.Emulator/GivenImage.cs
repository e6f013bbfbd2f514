namespace GeminiImage.Emulator;

/// <summary>An image file the emulator answers with instead of drawing one (see <see cref="GeminiEmulator.ImageFile"/>).</summary>
public sealed class GivenImage
{
    private GivenImage(string path, byte[] data, string mimeType)
    {
        Path = path;
        Data = data;
        MimeType = mimeType;
    }

    /// <summary>The full path it was read from.</summary>
    public string Path { get; }

    /// <summary>The file's bytes, sent as the inlineData of every image part.</summary>
    public byte[] Data { get; }

    /// <summary>image/png, image/jpeg or image/webp, from the file's signature.</summary>
    public string MimeType { get; }

    /// <summary>Reads <paramref name="path"/>; only PNG, JPEG and WebP are accepted (what Gemini image models return).</summary>
    /// <exception cref="ArgumentException">The file cannot be read or is not one of them.</exception>
    public static GivenImage Load(string path)
    {
        var full = System.IO.Path.GetFullPath(path);
        byte[] data;
        try { data = File.ReadAllBytes(full); }
        catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
        {
            throw new ArgumentException($"Cannot read the image file '{full}': {e.Message}", nameof(path), e);
        }
        return new GivenImage(full, data, Sniff(data) ?? throw new ArgumentException($"'{full}' is not a PNG, JPEG or WebP image.", nameof(path)));
    }

    private static string? Sniff(byte[] d)
    {
        if (d.Length >= 8 && d[0] == 0x89 && d[1] == (byte)'P' && d[2] == (byte)'N' && d[3] == (byte)'G') return "image/png";
        if (d.Length >= 3 && d[0] == 0xFF && d[1] == 0xD8 && d[2] == 0xFF) return "image/jpeg";
        if (d.Length >= 12 && d[0] == (byte)'R' && d[1] == (byte)'I' && d[2] == (byte)'F' && d[3] == (byte)'F'
            && d[8] == (byte)'W' && d[9] == (byte)'E' && d[10] == (byte)'B' && d[11] == (byte)'P') return "image/webp";
        return null;
    }
}
