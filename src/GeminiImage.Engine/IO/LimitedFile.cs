namespace GeminiImage.Engine.IO;

/// <summary>Reads files the module parses (chats, styles, prices, manifests) with a size cap: they are untrusted input.</summary>
public static class LimitedFile
{
    public const string TooLargeId = "GeminiImage.FileTooLarge";

    /// <summary>Chat files hold turns and image paths, not image data.</summary>
    public const long MaxChatBytes = 16L * 1024 * 1024;
    public const long MaxStyleBytes = 4L * 1024 * 1024;
    public const long MaxPriceBytes = 1L * 1024 * 1024;
    public const long MaxManifestBytes = 64L * 1024 * 1024;
    /// <summary>The model catalog override (a few hundred bytes per model).</summary>
    public const long MaxCatalogBytes = 4L * 1024 * 1024;
    /// <summary>Small settings files: budgets, profiles, key and credential files.</summary>
    public const long MaxSettingsBytes = 1L * 1024 * 1024;

    /// <summary>The whole file, or <see cref="GeminiArgumentException"/> (<see cref="TooLargeId"/>) when it is larger than <paramref name="maxBytes"/>.</summary>
    public static byte[] ReadAllBytes(string path, long maxBytes)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        // The length is checked before reading and the read stops at the cap, so a file growing meanwhile cannot get past it.
        if (stream.Length > maxBytes) throw TooLarge(path, maxBytes);
        using var buffer = new MemoryStream((int)stream.Length);
        var chunk = new byte[81920];
        int read;
        while ((read = stream.Read(chunk, 0, chunk.Length)) > 0)
        {
            if (buffer.Length + read > maxBytes) throw TooLarge(path, maxBytes);
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
    }

    /// <summary>The file as UTF-8 text (a byte-order mark is dropped), capped as <see cref="ReadAllBytes"/>.</summary>
    public static string ReadAllText(string path, long maxBytes)
    {
        using var reader = new StreamReader(new MemoryStream(ReadAllBytes(path, maxBytes)), new UTF8Encoding(false), detectEncodingFromByteOrderMarks: true);
        return reader.ReadToEnd();
    }

    private static GeminiArgumentException TooLarge(string path, long maxBytes) =>
        new(TooLargeId, $"The file '{path}' is larger than {maxBytes / (1024 * 1024)} MB, the most the module reads for this kind of file; it was not read.");
}
