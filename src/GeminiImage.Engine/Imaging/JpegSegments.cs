namespace GeminiImage.Engine.Imaging;

/// <summary>Walks JPEG marker segments on raw bytes: truncation check and lossless XMP (APP1) insertion.</summary>
internal static class JpegSegments
{
    private const byte App0 = 0xE0;
    private const byte App1 = 0xE1;
    private const byte StartOfScan = 0xDA;
    private const byte EndOfImage = 0xD9;
    private static readonly byte[] _xmpHeader = Encoding.ASCII.GetBytes("http://ns.adobe.com/xap/1.0/\0");

    /// <summary>Largest XMP packet that fits one APP1 segment (64 KB minus length field and namespace header).</summary>
    public static readonly int MaxXmpBytes = 65535 - 2 - _xmpHeader.Length;

    public static bool IsJpeg(ReadOnlySpan<byte> data) => data.Length >= 3 && data[0] == 0xFF && data[1] == 0xD8 && data[2] == 0xFF;

    /// <summary>Throws <see cref="InvalidDataException"/> unless the stream reaches its EOI marker
    /// (ImageSharp 2.1 pads a cut-off JPEG with grey instead of failing).</summary>
    public static void Validate(byte[] data)
    {
        var pos = 2;
        while (true)
        {
            pos = NextMarker(data, pos);
            if (pos < 0) throw new InvalidDataException("The JPEG ends before its end-of-image marker (truncated file).");
            var marker = data[pos + 1];
            if (marker == EndOfImage) return;
            if (IsStandalone(marker)) { pos += 2; continue; }
            if (pos + 4 > data.Length) throw new InvalidDataException("The JPEG ends inside a segment header (truncated file).");
            var length = (data[pos + 2] << 8) | data[pos + 3];
            pos += 2 + length;
            if (pos > data.Length) throw new InvalidDataException("A JPEG segment runs past the end of the file (truncated file).");
            if (marker == StartOfScan) pos = SkipEntropyData(data, pos);
        }
    }

    /// <summary>The first XMP packet in an APP1 segment, or null.</summary>
    public static byte[]? FindXmp(byte[] data)
    {
        foreach (var (marker, offset, length) in HeaderSegments(data))
        {
            if (marker == App1 && IsXmp(data, offset, length))
            {
                var start = offset + 4 + _xmpHeader.Length;
                var result = new byte[offset + length - start];
                Buffer.BlockCopy(data, start, result, 0, result.Length);
                return result;
            }
        }
        return null;
    }

    /// <summary>Copy of <paramref name="data"/> with every XMP APP1 segment replaced by one holding
    /// <paramref name="xmp"/>, placed after the JFIF/EXIF segments; pixel data is copied untouched.</summary>
    public static byte[] ReplaceXmp(byte[] data, byte[] xmp)
    {
        if (xmp.Length > MaxXmpBytes) throw new ArgumentException("The XMP packet does not fit one JPEG APP1 segment.", nameof(xmp));
        using var output = new MemoryStream(data.Length + xmp.Length + 64);
        output.Write(data, 0, 2);
        var leading = true;
        var pos = 2;
        foreach (var (marker, offset, length) in HeaderSegments(data))
        {
            // JFIF (APP0) and EXIF (APP1) conventionally come first; XMP goes right after them.
            if (leading && marker != App0 && marker != App1)
            {
                WriteXmpSegment(output, xmp);
                leading = false;
            }
            if (!(marker == App1 && IsXmp(data, offset, length))) output.Write(data, offset, length);
            pos = offset + length;
        }
        if (leading) WriteXmpSegment(output, xmp);
        output.Write(data, pos, data.Length - pos);
        return output.ToArray();
    }

    private static void WriteXmpSegment(Stream output, byte[] xmp)
    {
        var length = 2 + _xmpHeader.Length + xmp.Length;
        output.WriteByte(0xFF);
        output.WriteByte(App1);
        output.WriteByte((byte)(length >> 8));
        output.WriteByte((byte)length);
        output.Write(_xmpHeader, 0, _xmpHeader.Length);
        output.Write(xmp, 0, xmp.Length);
    }

    private static bool IsXmp(byte[] data, int offset, int length) =>
        length >= 4 + _xmpHeader.Length && new ReadOnlySpan<byte>(data, offset + 4, _xmpHeader.Length).SequenceEqual(_xmpHeader);

    /// <summary>Marker segments before the first scan: (marker, offset of the 0xFF, total length incl. marker).</summary>
    private static List<(byte Marker, int Offset, int Length)> HeaderSegments(byte[] data)
    {
        var result = new List<(byte, int, int)>();
        var pos = 2;
        while (pos + 4 <= data.Length && data[pos] == 0xFF)
        {
            var marker = data[pos + 1];
            if (marker == StartOfScan || marker == EndOfImage || IsStandalone(marker)) break;
            var length = 2 + ((data[pos + 2] << 8) | data[pos + 3]);
            if (pos + length > data.Length) break;
            result.Add((marker, pos, length));
            pos += length;
        }
        return result;
    }

    private static bool IsStandalone(byte marker) => marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7) || marker == 0xD8;

    /// <summary>Offset of the next marker's 0xFF at or after <paramref name="pos"/> (skipping fill bytes), or -1.</summary>
    private static int NextMarker(byte[] data, int pos)
    {
        while (pos + 1 < data.Length && data[pos] == 0xFF && data[pos + 1] == 0xFF) pos++;
        return pos + 1 < data.Length && data[pos] == 0xFF ? pos : -1;
    }

    /// <summary>Skips entropy-coded data (where 0xFF is stuffed as FF00 and restart markers may appear).</summary>
    private static int SkipEntropyData(byte[] data, int pos)
    {
        while (pos + 1 < data.Length)
        {
            if (data[pos] != 0xFF) { pos++; continue; }
            var next = data[pos + 1];
            if (next == 0x00 || (next >= 0xD0 && next <= 0xD7) || next == 0xFF) { pos++; continue; }
            return pos;
        }
        return data.Length;
    }
}
