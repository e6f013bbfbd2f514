using System.IO.Compression;
using GeminiImage.Engine.Api;

namespace GeminiImage.Engine.Imaging;

/// <summary>One chunk of a PNG byte stream: <see cref="Offset"/> is where its length field starts.</summary>
internal readonly record struct PngChunk(string Type, int Offset, int Length)
{
    public int DataOffset => Offset + 8;
    public int TotalLength => Length + 12;
}

/// <summary>Reads and writes PNG chunks on raw bytes, so text metadata can be added without re-encoding pixels.</summary>
internal static class PngChunks
{
    private static readonly byte[] _signature = { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A };
    private static readonly Encoding _latin1 = Encoding.GetEncoding("ISO-8859-1");

    public static bool IsPng(ReadOnlySpan<byte> data) => data.Length >= 8 && data.Slice(0, 8).SequenceEqual(_signature);

    /// <summary>Chunks up to and including IEND; throws <see cref="InvalidDataException"/> when the stream is cut
    /// short or a critical chunk fails its CRC (ImageSharp 2.1 decodes such files silently).</summary>
    public static List<PngChunk> Read(byte[] data) => Read(ImageBytes.Wrap(data));

    /// <summary>As <see cref="Read(byte[])"/>, for an answer's image in pooled blocks: nothing is copied but the chunk headers.</summary>
    public static List<PngChunk> Read(ImageBytes data)
    {
        Span<byte> head = stackalloc byte[8];
        if (data.Length < 8) throw new InvalidDataException("Not a PNG stream.");
        data.CopyTo(0, head);
        if (!IsPng(head)) throw new InvalidDataException("Not a PNG stream.");
        var chunks = new List<PngChunk>();
        var pos = 8L;
        while (true)
        {
            if (pos + 12 > data.Length) throw new InvalidDataException("The PNG ends before its IEND chunk (truncated file).");
            data.CopyTo(pos, head);
            var length = ReadInt32BigEndian(head, 0);
            if (length < 0 || pos + 12 + length > data.Length)
                throw new InvalidDataException("A PNG chunk runs past the end of the file (truncated file).");
            var type = Encoding.ASCII.GetString(new[] { head[4], head[5], head[6], head[7] });
            // Ancillary chunks (lowercase first letter) may be ignored when damaged; critical ones may not.
            if (char.IsUpper(type[0]))
            {
                var crc = 0u;
                foreach (var piece in data.Segments(pos + 4, length + 4L)) crc = Crc32.Compute(piece.AsSpan(), crc);
                data.CopyTo(pos + 8 + length, head.Slice(0, 4));
                if (crc != (uint)ReadInt32BigEndian(head, 0)) throw new InvalidDataException($"The PNG {type} chunk is corrupt (CRC mismatch).");
            }
            chunks.Add(new PngChunk(type, (int)pos, length));
            pos += length + 12L;
            if (type == "IEND") return chunks;
        }
    }

    /// <summary>Chunks that fit inside the data, without CRC checks, stopping quietly at damage (for reading metadata).</summary>
    public static List<PngChunk> ReadLenient(byte[] data)
    {
        var chunks = new List<PngChunk>();
        var pos = 8;
        while (pos + 12 <= data.Length)
        {
            var length = ReadInt32BigEndian(data, pos);
            if (length < 0 || (long)pos + 12 + length > data.Length) break;
            var chunk = new PngChunk(Encoding.ASCII.GetString(data, pos + 4, 4), pos, length);
            chunks.Add(chunk);
            if (chunk.Type == "IEND") break;
            pos += chunk.TotalLength;
        }
        return chunks;
    }

    /// <summary>A complete chunk (length, type, data, CRC).</summary>
    public static byte[] Build(string type, byte[] payload)
    {
        var chunk = new byte[payload.Length + 12];
        WriteInt32BigEndian(chunk, 0, payload.Length);
        Encoding.ASCII.GetBytes(type, 0, 4, chunk, 4);
        Buffer.BlockCopy(payload, 0, chunk, 8, payload.Length);
        WriteInt32BigEndian(chunk, 8 + payload.Length, (int)Crc32.Compute(new ReadOnlySpan<byte>(chunk, 4, payload.Length + 4)));
        return chunk;
    }

    /// <summary>An uncompressed iTXt chunk (UTF-8 text, no language tag).</summary>
    public static byte[] BuildInternationalText(string keyword, string text)
    {
        var key = _latin1.GetBytes(keyword);
        var value = Encoding.UTF8.GetBytes(text);
        // keyword \0 compression-flag compression-method language-tag \0 translated-keyword \0 text
        var payload = new byte[key.Length + 5 + value.Length];
        Buffer.BlockCopy(key, 0, payload, 0, key.Length);
        Buffer.BlockCopy(value, 0, payload, key.Length + 5, value.Length);
        return Build("iTXt", payload);
    }

    /// <summary>Keyword and text of a tEXt, zTXt or iTXt chunk; null for other chunks, other keywords than
    /// <paramref name="onlyKeyword"/> (checked before inflating anything) or unreadable text.</summary>
    public static KeyValuePair<string, string>? ReadText(byte[] data, PngChunk chunk, string? onlyKeyword = null)
    {
        if (chunk.Type != "tEXt" && chunk.Type != "zTXt" && chunk.Type != "iTXt") return null;
        var span = new ReadOnlySpan<byte>(data, chunk.DataOffset, chunk.Length);
        var keyEnd = span.IndexOf((byte)0);
        if (keyEnd <= 0) return null;
        var keyword = _latin1.GetString(data, chunk.DataOffset, keyEnd);
        if (onlyKeyword != null && keyword != onlyKeyword) return null;
        var rest = chunk.DataOffset + keyEnd + 1;
        var end = chunk.DataOffset + chunk.Length;
        try
        {
            switch (chunk.Type)
            {
                case "tEXt":
                    return new KeyValuePair<string, string>(keyword, _latin1.GetString(data, rest, end - rest));
                case "zTXt":
                    return new KeyValuePair<string, string>(keyword, _latin1.GetString(Inflate(data, rest + 1, end - rest - 1)));
                default:
                    var compressed = data[rest] == 1;
                    var p = rest + 2;
                    p = Array.IndexOf(data, (byte)0, p, end - p) + 1; // language tag
                    if (p <= 0) return null;
                    p = Array.IndexOf(data, (byte)0, p, end - p) + 1; // translated keyword
                    if (p <= 0) return null;
                    var text = compressed ? Inflate(data, p, end - p) : Slice(data, p, end - p);
                    return new KeyValuePair<string, string>(keyword, Encoding.UTF8.GetString(text));
            }
        }
        catch (Exception e) when (e is InvalidDataException || e is ArgumentException || e is IndexOutOfRangeException)
        {
            return null;
        }
    }

    internal static int ReadInt32BigEndian(ReadOnlySpan<byte> data, int offset) =>
        (data[offset] << 24) | (data[offset + 1] << 16) | (data[offset + 2] << 8) | data[offset + 3];

    internal static void WriteInt32BigEndian(byte[] data, int offset, int value)
    {
        data[offset] = (byte)(value >> 24);
        data[offset + 1] = (byte)(value >> 16);
        data[offset + 2] = (byte)(value >> 8);
        data[offset + 3] = (byte)value;
    }

    private static byte[] Slice(byte[] data, int offset, int count)
    {
        var result = new byte[count];
        Buffer.BlockCopy(data, offset, result, 0, count);
        return result;
    }

    private static byte[] Inflate(byte[] data, int offset, int count)
    {
        // zlib stream: skip the 2-byte header; DeflateStream ignores the trailing Adler-32.
        using var input = new MemoryStream(data, offset + 2, count - 2);
        using var deflate = new DeflateStream(input, CompressionMode.Decompress);
        using var output = new MemoryStream();
        deflate.CopyTo(output);
        return output.ToArray();
    }
}
