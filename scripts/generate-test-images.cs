#:package SixLabors.ImageSharp@2.1.13
// Regenerates the unit-test image corpus in tests/unit/data/images (run: dotnet run scripts/generate-test-images.cs).
// The files are committed; rerun only when the corpus needs to change.
using System;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Text;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Bmp;
using SixLabors.ImageSharp.Formats.Gif;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.Formats.Pbm;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.Formats.Tga;
using SixLabors.ImageSharp.Formats.Tiff;
using SixLabors.ImageSharp.Formats.Webp;
using SixLabors.ImageSharp.Metadata.Profiles.Exif;
using SixLabors.ImageSharp.PixelFormats;

var dir = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(AppContext.GetData("EntryPointFilePath") as string ?? "scripts/x"))!, "..", "tests", "unit", "data", "images");
Directory.CreateDirectory(dir);
string At(string name) => Path.Combine(dir, name);

// A deterministic pattern with some detail, so JPEG/PNG files are realistic but tiny.
Image<Rgba32> Pattern(int w, int h)
{
    var img = new Image<Rgba32>(w, h);
    for (var y = 0; y < h; y++)
        for (var x = 0; x < w; x++)
            img[x, y] = new Rgba32((byte)(x * 255 / Math.Max(1, w - 1)), (byte)(y * 255 / Math.Max(1, h - 1)), (byte)((x ^ y) * 8), 255);
    return img;
}

using (var img = Pattern(64, 48))
{
    img.SaveAsPng(At("good.png"));
    img.SaveAsJpeg(At("good.jpg"), new JpegEncoder { Quality = 85 });
    img.SaveAsWebp(At("good.webp"), new WebpEncoder { FileFormat = WebpFileFormatType.Lossless });
    img.SaveAsJpeg(At("jpeg-named.png"), new JpegEncoder { Quality = 85 });
    img.SaveAsPng(At("photo [1].png"));
    img.SaveAsPng(At("café ünïcode.png".Normalize(NormalizationForm.FormC)));
}

using (var img = Pattern(32, 24))
{
    img.SaveAsBmp(At("small.bmp"));
    img.SaveAsTiff(At("small.tiff"));
    img.SaveAsTga(At("small.tga"));
    img.SaveAsPbm(At("small.pbm"), new PbmEncoder { ColorType = PbmColorType.Rgb });
}

// Stored 60x40 landscape, top half red, bottom half blue; orientation 6 = rotate 90° clockwise to display,
// so the upright image is 40x60 with red on the right.
using (var img = new Image<Rgba32>(60, 40))
{
    for (var y = 0; y < 40; y++)
        for (var x = 0; x < 60; x++)
            img[x, y] = y < 20 ? new Rgba32(255, 0, 0) : new Rgba32(0, 0, 255);
    img.Metadata.ExifProfile = new ExifProfile();
    img.Metadata.ExifProfile.SetValue(ExifTag.Orientation, (ushort)6);
    img.SaveAsJpeg(At("rotated-exif.jpg"), new JpegEncoder { Quality = 90 });
}

using (var gif = new Image<Rgba32>(32, 32, new Rgba32(255, 0, 0)))
{
    using var second = new Image<Rgba32>(32, 32, new Rgba32(0, 0, 255));
    gif.Frames.AddFrame(second.Frames.RootFrame);
    gif.SaveAsGif(At("anim.gif"));
}

using (var img = new Image<Rgba32>(5000, 300))
{
    for (var y = 0; y < 300; y++)
        for (var x = 0; x < 5000; x++)
            img[x, y] = new Rgba32((byte)(x / 20), (byte)(y / 2), 128, 255);
    img.SaveAsPng(At("big.png"), new PngEncoder { CompressionLevel = PngCompressionLevel.BestCompression });
}

File.WriteAllText(At("text.png"), "This is a text file with a .png name, not an image.\n");
File.WriteAllBytes(At("empty.png"), Array.Empty<byte>());
var good = File.ReadAllBytes(At("good.png"));
File.WriteAllBytes(At("truncated.png"), good.AsSpan(0, good.Length / 2).ToArray());
var goodJpeg = File.ReadAllBytes(At("good.jpg"));
File.WriteAllBytes(At("truncated.jpg"), goodJpeg.AsSpan(0, goodJpeg.Length / 2).ToArray());

// bomb.png: a valid signature, an IHDR declaring 100000x100000 RGBA (40 GB decoded) and a tiny IDAT.
using (var bomb = new MemoryStream())
{
    bomb.Write(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A });
    var ihdr = new byte[13];
    WriteBigEndian(ihdr, 0, 100_000);
    WriteBigEndian(ihdr, 4, 100_000);
    ihdr[8] = 8; // bit depth
    ihdr[9] = 6; // RGBA
    WriteChunk(bomb, "IHDR", ihdr);
    using (var zlib = new MemoryStream())
    {
        using (var z = new ZLibStream(zlib, CompressionLevel.SmallestSize, leaveOpen: true)) z.Write(new byte[4096]);
        WriteChunk(bomb, "IDAT", zlib.ToArray());
    }
    WriteChunk(bomb, "IEND", Array.Empty<byte>());
    File.WriteAllBytes(At("bomb.png"), bomb.ToArray());
}

long total = Directory.GetFiles(dir).Sum(f => new FileInfo(f).Length);
Console.WriteLine($"Wrote {Directory.GetFiles(dir).Length} files, {total / 1024.0:0.0} KB, to {Path.GetFullPath(dir)}");

static void WriteBigEndian(byte[] buffer, int offset, int value)
{
    buffer[offset] = (byte)(value >> 24);
    buffer[offset + 1] = (byte)(value >> 16);
    buffer[offset + 2] = (byte)(value >> 8);
    buffer[offset + 3] = (byte)value;
}

static void WriteChunk(Stream output, string type, byte[] data)
{
    var header = new byte[8];
    WriteBigEndian(header, 0, data.Length);
    Encoding.ASCII.GetBytes(type, 0, 4, header, 4);
    output.Write(header);
    output.Write(data);
    var crcInput = header.AsSpan(4).ToArray().Concat(data).ToArray();
    var crc = new byte[4];
    WriteBigEndian(crc, 0, (int)Crc(crcInput));
    output.Write(crc);
}

static uint Crc(byte[] data)
{
    var crc = 0xFFFFFFFFu;
    foreach (var b in data)
    {
        crc ^= b;
        for (var k = 0; k < 8; k++) crc = (crc & 1) != 0 ? 0xEDB88320u ^ (crc >> 1) : crc >> 1;
    }
    return ~crc;
}
