namespace GeminiImage.Engine.Imaging;

/// <summary>Walks the RIFF chunks of a WebP file: truncation check and lossless XMP insertion.</summary>
internal static class WebpChunks
{
    private const byte XmpFlag = 0x04;
    private const byte AlphaFlag = 0x10;

    public static bool IsWebp(ReadOnlySpan<byte> data) =>
        data.Length >= 12 && Ascii(data, 0) == "RIFF" && Ascii(data, 8) == "WEBP";

    /// <summary>Throws <see cref="InvalidDataException"/> when the file is shorter than its RIFF header says.</summary>
    public static void Validate(byte[] data)
    {
        var declared = 8L + ReadUInt32(data, 4);
        if (declared > data.Length) throw new InvalidDataException("The WebP file is shorter than its header declares (truncated file).");
    }

    /// <summary>Payload of the first "XMP " chunk, or null.</summary>
    public static byte[]? FindXmp(byte[] data)
    {
        foreach (var (fourCc, offset, size) in Chunks(data))
        {
            if (fourCc != "XMP ") continue;
            var result = new byte[size];
            Buffer.BlockCopy(data, offset + 8, result, 0, size);
            return result;
        }
        return null;
    }

    /// <summary>Copy of <paramref name="data"/> with one "XMP " chunk holding <paramref name="xmp"/>; a simple
    /// (VP8/VP8L) file is promoted to the extended format (VP8X), which is required for metadata.</summary>
    public static byte[] ReplaceXmp(byte[] data, byte[] xmp)
    {
        var chunks = Chunks(data);
        if (chunks.Count == 0) throw new InvalidDataException("The WebP file has no chunks.");
        using var output = new MemoryStream(data.Length + xmp.Length + 64);
        output.Write(new byte[12], 0, 12); // RIFF header, filled in below
        if (chunks[0].FourCc != "VP8X") WriteChunk(output, "VP8X", BuildExtendedHeader(data, chunks[0]));
        foreach (var (fourCc, offset, size) in chunks)
        {
            if (fourCc == "XMP ") continue;
            var start = output.Position;
            output.Write(data, offset, 8 + size + (size & 1));
            if (fourCc == "VP8X")
            {
                output.Position = start + 8;
                var flags = (byte)output.ReadByte();
                output.Position = start + 8;
                output.WriteByte((byte)(flags | XmpFlag));
                output.Position = output.Length;
            }
        }
        WriteChunk(output, "XMP ", xmp);

        var result = output.ToArray();
        Encoding.ASCII.GetBytes("RIFF", 0, 4, result, 0);
        WriteUInt32(result, 4, (uint)(result.Length - 8));
        Encoding.ASCII.GetBytes("WEBP", 0, 4, result, 8);
        return result;
    }

    private static byte[] BuildExtendedHeader(byte[] data, (string FourCc, int Offset, int Size) image)
    {
        int width, height;
        var alpha = false;
        var p = image.Offset + 8;
        if (image.FourCc == "VP8L" && image.Size >= 5)
        {
            // 0x2F, then 14 bits width-1, 14 bits height-1, 1 bit alpha_is_used (little-endian bit order).
            var bits = ReadUInt32(data, p + 1);
            width = (int)(bits & 0x3FFF) + 1;
            height = (int)((bits >> 14) & 0x3FFF) + 1;
            alpha = ((bits >> 28) & 1) != 0;
        }
        else if (image.FourCc == "VP8 " && image.Size >= 10)
        {
            // 3-byte frame tag, start code 9D 01 2A, then 14-bit width and height.
            width = ((data[p + 6] | (data[p + 7] << 8)) & 0x3FFF);
            height = ((data[p + 8] | (data[p + 9] << 8)) & 0x3FFF);
        }
        else
        {
            throw new InvalidDataException($"Unexpected first WebP chunk '{image.FourCc}'.");
        }

        var header = new byte[10];
        header[0] = (byte)(XmpFlag | (alpha ? AlphaFlag : 0));
        WriteUInt24(header, 4, width - 1);
        WriteUInt24(header, 7, height - 1);
        return header;
    }

    /// <summary>(FourCC, offset of the chunk header, payload size) for each chunk inside the RIFF body.</summary>
    internal static List<(string FourCc, int Offset, int Size)> Chunks(byte[] data)
    {
        var result = new List<(string, int, int)>();
        var end = (int)Math.Min(data.Length, 8L + ReadUInt32(data, 4));
        var pos = 12;
        while (pos + 8 <= end)
        {
            var size = ReadUInt32(data, pos + 4);
            if (pos + 8L + size > end) break;
            result.Add((Ascii(data, pos), pos, (int)size));
            pos += 8 + (int)size + (int)(size & 1);
        }
        return result;
    }

    private static void WriteChunk(Stream output, string fourCc, byte[] payload)
    {
        var header = new byte[8];
        Encoding.ASCII.GetBytes(fourCc, 0, 4, header, 0);
        WriteUInt32(header, 4, (uint)payload.Length);
        output.Write(header, 0, 8);
        output.Write(payload, 0, payload.Length);
        if ((payload.Length & 1) != 0) output.WriteByte(0);
    }

    private static string Ascii(ReadOnlySpan<byte> data, int offset)
    {
        var chars = new char[4];
        for (var i = 0; i < 4; i++) chars[i] = (char)data[offset + i];
        return new string(chars);
    }

    private static uint ReadUInt32(byte[] data, int offset) =>
        (uint)(data[offset] | (data[offset + 1] << 8) | (data[offset + 2] << 16) | (data[offset + 3] << 24));

    private static void WriteUInt32(byte[] data, int offset, uint value)
    {
        data[offset] = (byte)value;
        data[offset + 1] = (byte)(value >> 8);
        data[offset + 2] = (byte)(value >> 16);
        data[offset + 3] = (byte)(value >> 24);
    }

    private static void WriteUInt24(byte[] data, int offset, int value)
    {
        data[offset] = (byte)value;
        data[offset + 1] = (byte)(value >> 8);
        data[offset + 2] = (byte)(value >> 16);
    }
}
