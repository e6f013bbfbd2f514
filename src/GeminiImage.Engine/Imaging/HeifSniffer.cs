namespace GeminiImage.Engine.Imaging;

/// <summary>Recognizes HEIC/HEIF (ISO BMFF "ftyp" brands), which Gemini accepts but ImageSharp 2.1 cannot decode.</summary>
internal static class HeifSniffer
{
    private static readonly byte[] _ispe = Encoding.ASCII.GetBytes("ispe");

    /// <summary>"image/heic", "image/heif", "image/avif" or null when the bytes are not an ISO BMFF image.</summary>
    public static string? DetectMimeType(byte[] data)
    {
        if (data.Length < 16 || Encoding.ASCII.GetString(data, 4, 4) != "ftyp") return null;
        var boxSize = Math.Min(data.Length, PngChunks.ReadInt32BigEndian(data, 0));
        string? result = null;
        // Major brand at 8, minor version at 12, compatible brands from 16.
        for (var p = 8; p + 4 <= boxSize; p += p == 8 ? 8 : 4)
        {
            switch (Encoding.ASCII.GetString(data, p, 4))
            {
                case "avif":
                case "avis":
                    return "image/avif";
                case "heic":
                case "heix":
                case "heim":
                case "heis":
                case "hevc":
                case "hevx":
                    result ??= "image/heic";
                    break;
                case "mif1":
                case "msf1":
                    result ??= "image/heif";
                    break;
            }
        }
        return result;
    }

    /// <summary>Largest image spatial extent ("ispe" property) in the file: the full image of a tiled HEIC
    /// is larger than its tiles and thumbnail. (0, 0) when none is found.</summary>
    public static (int Width, int Height) FindSize(byte[] data)
    {
        var best = (Width: 0, Height: 0);
        var span = new ReadOnlySpan<byte>(data);
        var pos = 0;
        while (true)
        {
            var hit = span.Slice(pos).IndexOf(_ispe);
            if (hit < 0) return best;
            var p = pos + hit + 8; // skip "ispe" and version/flags
            if (p + 8 > data.Length) return best;
            var width = PngChunks.ReadInt32BigEndian(data, p);
            var height = PngChunks.ReadInt32BigEndian(data, p + 4);
            if (width > 0 && height > 0 && (long)width * height > (long)best.Width * best.Height) best = (width, height);
            pos += hit + 4;
        }
    }
}
