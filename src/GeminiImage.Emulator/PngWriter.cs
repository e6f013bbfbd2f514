using System.IO.Compression;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace GeminiImage.Emulator;

/// <summary>
/// A minimal RGB PNG encoder (Sub filter, the platform's native zlib at its fastest level). ImageSharp's managed deflate
/// needs seconds for an incompressible 4K image; this needs a fraction of that, so the emulator can draw real-size
/// answers for every test without slowing the suite.
/// </summary>
internal static class PngWriter
{
    private static readonly byte[] s_signature = { 0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A };
    private static readonly uint[] s_crcTable = MakeCrcTable();

    public static byte[] Encode(Image<Rgb24> image)
    {
        var width = image.Width;
        var height = image.Height;
        var stride = width * 3;
        using var idat = new MemoryStream(stride * height / 2);
        idat.WriteByte(0x78);
        idat.WriteByte(0x01);
        uint a = 1, b = 0;
        using (var deflate = new DeflateStream(idat, CompressionLevel.Fastest, leaveOpen: true))
        {
            var line = new byte[stride + 1];
            image.ProcessPixelRows(rows =>
            {
                for (var y = 0; y < height; y++)
                {
                    var raw = System.Runtime.InteropServices.MemoryMarshal.AsBytes(rows.GetRowSpan(y));
                    line[0] = 1; // Sub: each byte minus the same channel of the pixel to its left
                    for (var i = 0; i < 3; i++) line[1 + i] = raw[i];
                    for (var i = 3; i < stride; i++) line[1 + i] = (byte)(raw[i] - raw[i - 3]);
                    // Adler-32 of the filtered stream, as zlib's trailer needs.
                    foreach (var v in line)
                    {
                        a += v;
                        if (a >= 65521) a -= 65521;
                        b += a;
                        if (b >= 65521) b -= 65521;
                    }
                    deflate.Write(line, 0, line.Length);
                }
            });
        }
        var adler = (b << 16) | a;
        idat.WriteByte((byte)(adler >> 24));
        idat.WriteByte((byte)(adler >> 16));
        idat.WriteByte((byte)(adler >> 8));
        idat.WriteByte((byte)adler);

        using var png = new MemoryStream((int)idat.Length + 64);
        png.Write(s_signature, 0, s_signature.Length);
        var header = new byte[13];
        WriteBigEndian(header, 0, (uint)width);
        WriteBigEndian(header, 4, (uint)height);
        header[8] = 8;  // bits per channel
        header[9] = 2;  // RGB
        WriteChunk(png, "IHDR", header, header.Length);
        WriteChunk(png, "IDAT", idat.GetBuffer(), (int)idat.Length);
        WriteChunk(png, "IEND", Array.Empty<byte>(), 0);
        return png.ToArray();
    }

    private static void WriteChunk(Stream output, string type, byte[] data, int length)
    {
        var head = new byte[8];
        WriteBigEndian(head, 0, (uint)length);
        for (var i = 0; i < 4; i++) head[4 + i] = (byte)type[i];
        output.Write(head, 0, 8);
        output.Write(data, 0, length);
        var crc = Crc(Crc(0xFFFFFFFFu, head, 4, 4), data, 0, length) ^ 0xFFFFFFFFu;
        var tail = new byte[4];
        WriteBigEndian(tail, 0, crc);
        output.Write(tail, 0, 4);
    }

    private static uint Crc(uint crc, byte[] data, int offset, int length)
    {
        for (var i = offset; i < offset + length; i++) crc = s_crcTable[(crc ^ data[i]) & 0xFF] ^ (crc >> 8);
        return crc;
    }

    private static uint[] MakeCrcTable()
    {
        var table = new uint[256];
        for (uint n = 0; n < 256; n++)
        {
            var c = n;
            for (var k = 0; k < 8; k++) c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            table[n] = c;
        }
        return table;
    }

    private static void WriteBigEndian(byte[] buffer, int offset, uint value)
    {
        buffer[offset] = (byte)(value >> 24);
        buffer[offset + 1] = (byte)(value >> 16);
        buffer[offset + 2] = (byte)(value >> 8);
        buffer[offset + 3] = (byte)value;
    }
}
