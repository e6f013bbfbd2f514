namespace GeminiImage.Engine.Imaging;

/// <summary>
/// Counts the frames of an animated file from its structure alone, before any decoding: a small GIF can declare
/// hundreds of full-size frames, and every decoded frame costs a whole canvas of memory.
/// </summary>
internal static class ImageFrames
{
    /// <summary>Frames in a GIF (image descriptors) or an animated WebP (ANMF chunks); 1 for everything else.</summary>
    public static int Count(byte[] data)
    {
        if (IsGif(data)) return CountGif(data);
        if (WebpChunks.IsWebp(data)) return Math.Max(1, WebpChunks.Chunks(data).Count(c => c.FourCc == "ANMF"));
        return 1;
    }

    /// <summary>Whether the decoder reads only the first frame of this content (GIF and TIFF are decoded that way).</summary>
    public static bool FirstFrameOnly(byte[] data) =>
        IsGif(data) || (data.Length >= 4 && ((data[0] == 'I' && data[1] == 'I' && data[2] == 42 && data[3] == 0) || (data[0] == 'M' && data[1] == 'M' && data[2] == 0 && data[3] == 42)));

    private static bool IsGif(byte[] data) => data.Length >= 13 && Encoding.ASCII.GetString(data, 0, 3) == "GIF";

    private static int CountGif(byte[] data)
    {
        var pos = 13;
        var packed = data[10];
        if ((packed & 0x80) != 0) pos += 3 * (1 << ((packed & 7) + 1));
        var frames = 0;
        while (pos < data.Length)
        {
            switch (data[pos++])
            {
                case 0x2C: // image descriptor: position, size, flags, optional local colour table, LZW size, data blocks
                    if (pos + 9 > data.Length) return Math.Max(1, frames);
                    var flags = data[pos + 8];
                    pos += 9;
                    if ((flags & 0x80) != 0) pos += 3 * (1 << ((flags & 7) + 1));
                    pos++;
                    pos = SkipBlocks(data, pos);
                    frames++;
                    break;
                case 0x21: // extension: label, then data blocks
                    pos = SkipBlocks(data, pos + 1);
                    break;
                default: // trailer (0x3B) or damage: the decoder reports damage itself
                    return Math.Max(1, frames);
            }
        }
        return Math.Max(1, frames);
    }

    private static int SkipBlocks(byte[] data, int pos)
    {
        while (pos < data.Length)
        {
            var size = data[pos++];
            if (size == 0) break;
            pos += size;
        }
        return pos;
    }
}
