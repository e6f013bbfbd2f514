using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using GeminiImage.Engine.Errors;
using GeminiImage.Engine.Imaging;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Metadata.Profiles.Exif;
using Xunit;

namespace GeminiImage.Tests.Imaging;

public class InputImageLoaderTests
{
    private readonly InputImageLoader _loader = new();

    [Theory]
    [InlineData("good.png", "image/png", 64, 48)]
    [InlineData("good.jpg", "image/jpeg", 64, 48)]
    [InlineData("good.webp", "image/webp", 64, 48)]
    [InlineData("jpeg-named.png", "image/jpeg", 64, 48)]
    [InlineData("photo [1].png", "image/png", 64, 48)]
    [InlineData("café ünïcode.png", "image/png", 64, 48)]
    public void Accepted_formats_are_sniffed_by_content_and_passed_through_unchanged(string name, string mime, int width, int height)
    {
        var path = TestImages.Get(name);
        var prepared = _loader.Prepare(path, ImageLimits.Default);

        Assert.Equal(mime, prepared.MimeType);
        Assert.Equal(File.ReadAllBytes(path), prepared.Data);
        Assert.Equal((width, height), (prepared.Width, prepared.Height));
        Assert.Empty(prepared.Warnings);
        Assert.Equal(path, prepared.SourcePath);
        Assert.Equal(Convert.ToHexString(SHA256.HashData(prepared.Data)).ToLowerInvariant(), prepared.Sha256);
    }

    [Theory]
    [InlineData("small.bmp", "BMP", 32, 24)]
    [InlineData("small.tiff", "TIFF", 32, 24)]
    [InlineData("small.tga", "TGA", 32, 24)]
    [InlineData("small.pbm", "PBM", 32, 24)]
    [InlineData("anim.gif", "GIF", 32, 32)]
    public void Other_formats_are_converted_to_png(string name, string format, int width, int height)
    {
        var prepared = _loader.Prepare(TestImages.Get(name));

        Assert.Equal("image/png", prepared.MimeType);
        Assert.Equal(new byte[] { 0x89, 0x50, 0x4E, 0x47 }, prepared.Data[..4]);
        Assert.Equal((width, height), (prepared.Width, prepared.Height));
        using var decoded = TestImages.Decode(prepared.Data);
        Assert.Equal((width, height), (decoded.Width, decoded.Height));
        Assert.Contains(prepared.Warnings, w => w.Contains($"from {format} to PNG"));
    }

    [Fact]
    public void Animated_gif_keeps_the_first_frame_with_a_warning()
    {
        var prepared = _loader.Prepare(TestImages.Get("anim.gif"));

        Assert.Contains(prepared.Warnings, w => w.Contains("2 frames") && w.Contains("first frame"));
        using var decoded = TestImages.Decode(prepared.Data);
        Assert.Equal(1, decoded.Frames.Count);
        Assert.Equal(255, decoded[16, 16].R); // frame 1 is red, frame 2 blue
        Assert.Equal(0, decoded[16, 16].B);
    }

    [Fact]
    public void Exif_orientation_is_applied_to_the_pixels()
    {
        var prepared = _loader.Prepare(TestImages.Get("rotated-exif.jpg"));

        Assert.Equal("image/jpeg", prepared.MimeType);
        Assert.Equal((40, 60), (prepared.Width, prepared.Height)); // stored 60x40, orientation 6
        using var decoded = TestImages.Decode(prepared.Data);
        Assert.Equal((40, 60), (decoded.Width, decoded.Height));
        Assert.True(decoded[35, 30].R > 200 && decoded[35, 30].B < 60, "stored top (red) is on the right when upright");
        Assert.True(decoded[5, 30].B > 200 && decoded[5, 30].R < 60, "stored bottom (blue) is on the left when upright");
        var orientation = decoded.Metadata.ExifProfile?.GetValue(ExifTag.Orientation)?.Value ?? 1;
        Assert.Equal(1, orientation); // viewers must not rotate it a second time
    }

    [Fact]
    public void Longest_side_over_the_limit_is_downscaled_keeping_the_aspect_ratio()
    {
        var prepared = _loader.Prepare(TestImages.Get("big.png"));

        Assert.Equal("image/png", prepared.MimeType);
        Assert.Equal((4096, 246), (prepared.Width, prepared.Height)); // 5000x300 * 4096/5000
        using var decoded = TestImages.Decode(prepared.Data);
        Assert.Equal((4096, 246), (decoded.Width, decoded.Height));
        Assert.Contains(prepared.Warnings, w => w.Contains("downscaled from 5000x300 to 4096x246"));
    }

    [Fact]
    public void Max_long_side_is_configurable()
    {
        var prepared = _loader.Prepare(TestImages.Get("good.jpg"), new ImageLimits { MaxLongSide = 32 });

        Assert.Equal("image/jpeg", prepared.MimeType);
        Assert.Equal((32, 24), (prepared.Width, prepared.Height));
    }

    [Fact]
    public void Opaque_png_over_the_byte_limit_becomes_jpeg_then_shrinks_until_it_fits()
    {
        using var temp = new TestImages.TempDir();
        using var noise = TestImages.Noise(800, 600);
        var path = temp.Save("noise.png", noise);
        var limits = new ImageLimits { MaxEncodedBytes = 150 * 1024 };
        Assert.True(new FileInfo(path).Length > limits.MaxEncodedBytes);

        var prepared = _loader.Prepare(path, limits);

        Assert.Equal("image/jpeg", prepared.MimeType);
        Assert.True(prepared.Data.Length <= limits.MaxEncodedBytes, $"{prepared.Data.Length} bytes");
        Assert.Contains(prepared.Warnings, w => w.Contains("re-encoded as JPEG"));
        Assert.True(prepared.Width < 800, $"{prepared.Width}x{prepared.Height}");
        Assert.Equal(600.0 / 800, (double)prepared.Height / prepared.Width, 2);
        Assert.Single(prepared.Warnings, w => w.Contains("downscaled from 800x600"));
    }

    [Fact]
    public void Transparent_png_over_the_byte_limit_stays_png_and_shrinks()
    {
        using var temp = new TestImages.TempDir();
        using var noise = TestImages.Noise(512, 512, transparent: true);
        var path = temp.Save("noise.png", noise);
        var limits = new ImageLimits { MaxEncodedBytes = 500 * 1024 };

        var prepared = _loader.Prepare(path, limits);

        Assert.Equal("image/png", prepared.MimeType);
        Assert.True(prepared.Data.Length <= limits.MaxEncodedBytes);
        Assert.Equal(prepared.Width, prepared.Height);
        Assert.True(prepared.Width < 512);
        Assert.Contains(prepared.Warnings, w => w.Contains("downscaled"));
    }

    [Fact]
    public void Bomb_is_refused_from_the_header_without_decoding()
    {
        var path = TestImages.Get("bomb.png");
        _loader.Prepare(TestImages.Get("good.png")); // warm up ImageSharp's static state
        var allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        var watch = Stopwatch.StartNew();

        var e = Assert.Throws<ImageTooLargeException>(() => _loader.Prepare(path));

        watch.Stop();
        var allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;
        Assert.Equal("GeminiImage.ImageTooLarge", e.ErrorId);
        Assert.Equal(ErrorKind.InvalidData, e.Kind);
        Assert.Equal((100_000, 100_000), (e.Width, e.Height));
        Assert.Equal(path, e.Path);
        Assert.True(watch.ElapsedMilliseconds < 10000, $"took {watch.ElapsedMilliseconds} ms"); // decoding would take minutes
        Assert.True(allocated < 4 * 1024 * 1024, $"allocated {allocated} bytes"); // 40 GB if it had been decoded
    }

    [Fact]
    public void Pixel_count_limit_refuses_images_whose_sides_are_each_under_the_side_limit()
    {
        // 15000x15000 = 225 MP: each side is under the 20000 px side limit, so only the pixel-count rule refuses it.
        using var temp = new TestImages.TempDir();
        var heic = temp.Write("tall-and-wide.heic", FakeHeif("mif1", 15_000, 15_000));
        var png = PngHeader(15_000, 15_000);

        var e = Assert.Throws<ImageTooLargeException>(() => _loader.Prepare(heic));
        Assert.Equal((15_000, 15_000), (e.Width, e.Height));
        Assert.Contains("100 megapixels", e.Message);
        // PNG through the same header check Prepare runs before decoding (never decoded here, even with the rule broken).
        Assert.Throws<ImageTooLargeException>(() => ImageFiles.Identify(png, "tall-and-wide.png", ImageLimits.Default));

        // The limit itself: exactly 100 MP passes, one row more does not.
        Assert.Equal(10_000, ImageFiles.Identify(PngHeader(10_000, 10_000), "at-limit.png", ImageLimits.Default).Width);
        Assert.Throws<ImageTooLargeException>(() => ImageFiles.Identify(PngHeader(10_000, 10_001), "over.png", ImageLimits.Default));
    }

    [Fact]
    public void Side_limit_is_configurable()
    {
        var e = Assert.Throws<ImageTooLargeException>(() => _loader.Prepare(TestImages.Get("big.png"), new ImageLimits { MaxSide = 4999 }));
        Assert.Equal((5000, 300), (e.Width, e.Height));
    }

    [Theory]
    [InlineData("does-not-exist.png", "GeminiImage.ImageNotFound", ErrorKind.NotFound, typeof(ImageNotFoundException))]
    [InlineData("", "GeminiImage.ImageNotFound", ErrorKind.NotFound, typeof(ImageNotFoundException))]
    [InlineData("empty.png", "GeminiImage.InvalidImage", ErrorKind.InvalidData, typeof(InvalidImageException))]
    [InlineData("truncated.png", "GeminiImage.InvalidImage", ErrorKind.InvalidData, typeof(InvalidImageException))]
    [InlineData("truncated.jpg", "GeminiImage.InvalidImage", ErrorKind.InvalidData, typeof(InvalidImageException))]
    [InlineData("text.png", "GeminiImage.UnsupportedImageFormat", ErrorKind.InvalidData, typeof(UnsupportedImageFormatException))]
    [InlineData("bomb.png", "GeminiImage.ImageTooLarge", ErrorKind.InvalidData, typeof(ImageTooLargeException))]
    public void Each_bad_input_has_its_error_id_and_kind(string name, string errorId, ErrorKind kind, Type type)
    {
        var path = TestImages.Get(name); // "" is the corpus folder itself

        var e = Assert.Throws(type, () => _loader.Prepare(path));

        var error = Assert.IsAssignableFrom<ImageFileException>(e);
        Assert.Equal(errorId, error.ErrorId);
        Assert.Equal(kind, error.Kind);
        Assert.Equal(path, error.Path);
        Assert.Contains(Path.GetFileName(path.TrimEnd(Path.DirectorySeparatorChar)), error.Message);
    }

    [Fact]
    public void Corrupt_png_data_with_a_bad_crc_is_invalid()
    {
        using var temp = new TestImages.TempDir();
        var data = File.ReadAllBytes(TestImages.Get("good.png"));
        data[^20] ^= 0xFF; // inside the IDAT data
        var path = temp.Write("corrupt.png", data);

        var e = Assert.Throws<InvalidImageException>(() => _loader.Prepare(path));
        Assert.Contains("corrupt", e.Message);
    }

    /// <summary>
    /// A 64x48 RGB PNG whose IDAT holds <paramref name="rows"/> rows (the header says 48), each with filter type
    /// <paramref name="filter"/>: every chunk's CRC is right, so only its compressed rows can tell it is damaged.
    /// </summary>
    private static byte[] PngWithRows(int rows, byte filter = 0, bool garbage = false)
    {
        const int width = 64, height = 48, rowBytes = 1 + width * 3;
        var raw = new byte[rows * rowBytes];
        for (var y = 0; y < rows; y++)
        {
            raw[y * rowBytes] = filter;
            for (var x = 1; x < rowBytes; x++) raw[y * rowBytes + x] = (byte)(x * 7 + y);
        }
        using var zlib = new MemoryStream();
        zlib.WriteByte(0x78); zlib.WriteByte(0x9C);
        if (garbage) zlib.Write(Enumerable.Range(0, 300).Select(i => (byte)(i * 37 + 11)).ToArray());
        else using (var deflate = new System.IO.Compression.DeflateStream(zlib, System.IO.Compression.CompressionLevel.Fastest, leaveOpen: true)) deflate.Write(raw);
        var ihdr = new byte[13];
        ihdr[3] = width; ihdr[7] = height; ihdr[8] = 8; ihdr[9] = 2;
        using var png = new MemoryStream();
        png.Write(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A });
        png.Write(PngChunks.Build("IHDR", ihdr));
        png.Write(PngChunks.Build("IDAT", zlib.ToArray()));
        png.Write(PngChunks.Build("IEND", Array.Empty<byte>()));
        return png.ToArray();
    }

    [Fact]
    public void A_png_sent_as_it_is_is_checked_row_by_row_without_decoding_its_pixels()
    {
        using var temp = new TestImages.TempDir();
        var whole = temp.Write("whole.png", PngWithRows(48));
        Assert.Equal(File.ReadAllBytes(whole), _loader.Prepare(whole).Data);

        // Rows missing inside intact chunks: ImageSharp 2.1 pads them with black without a word; it is refused here.
        var cut = temp.Write("cut.png", PngWithRows(30));
        var e = Assert.Throws<InvalidImageException>(() => _loader.Prepare(cut));
        Assert.Contains("30 of its 48 rows", e.Message);
        Assert.Equal(cut, e.Path);

        Assert.Throws<InvalidImageException>(() => _loader.Prepare(temp.Write("filter.png", PngWithRows(48, filter: 9))));
        Assert.Throws<InvalidImageException>(() => _loader.Prepare(temp.Write("garbage.png", PngWithRows(48, garbage: true))));
    }

    /// <summary>
    /// Damage anywhere in a PNG (a flipped byte, a cut, a header field changed with its CRC made right again) is an
    /// <see cref="InvalidDataException"/> from the integrity check, never an index or argument error from reading past
    /// a chunk: the loader turns only that one exception type into GeminiImage.InvalidImage.
    /// </summary>
    [Fact]
    public void Damage_anywhere_in_a_png_is_invalid_data_and_never_an_index_error()
    {
        var whole = PngWithRows(48);
        var variants = new List<byte[]>();
        for (var i = 8; i < whole.Length; i++)
        {
            var flipped = (byte[])whole.Clone();
            flipped[i] ^= 0x5A;
            variants.Add(flipped);
            variants.Add(whole.AsSpan(0, i).ToArray());
        }
        // Header fields changed with a right CRC, so the check goes past the chunk list into the rows.
        for (var field = 0; field < 13; field++)
            foreach (var value in new byte[] { 0, 1, 3, 4, 6, 16, 0x7F, 0xFF })
            {
                var header = (byte[])whole.Clone();
                header[16 + field] = value;
                PngChunks.WriteInt32BigEndian(header, 29, (int)Crc32.Compute(new ReadOnlySpan<byte>(header, 12, 17)));
                variants.Add(header);
            }

        foreach (var data in variants)
        {
            try { PngIntegrity.TryCheck(data); }
            catch (InvalidDataException) { }
        }
    }

    [Fact]
    public void Heic_is_sent_unchanged_with_its_declared_size()
    {
        using var temp = new TestImages.TempDir();
        var path = temp.Write("phone.heic", FakeHeif("heic", 4032, 3024));

        var prepared = _loader.Prepare(path);

        Assert.Equal("image/heic", prepared.MimeType);
        Assert.Equal((4032, 3024), (prepared.Width, prepared.Height));
        Assert.Equal(File.ReadAllBytes(path), prepared.Data);
        Assert.Empty(prepared.Warnings);
    }

    [Fact]
    public void Heic_bomb_and_avif_are_refused()
    {
        using var temp = new TestImages.TempDir();
        Assert.Throws<ImageTooLargeException>(() => _loader.Prepare(temp.Write("bomb.heic", FakeHeif("mif1", 50_000, 50_000))));
        var e = Assert.Throws<UnsupportedImageFormatException>(() => _loader.Prepare(temp.Write("x.avif", FakeHeif("avif", 100, 100))));
        Assert.Contains("AVIF", e.Message);
    }

    /// <summary>A PNG signature, an IHDR declaring the size (RGBA, 8 bit) and IEND: enough for a header-only read.</summary>
    private static byte[] PngHeader(int width, int height)
    {
        var bytes = new List<byte> { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A };
        void Chunk(string type, byte[] body)
        {
            var typed = Encoding.ASCII.GetBytes(type).Concat(body).ToArray();
            bytes.AddRange(BigEndian(body.Length));
            bytes.AddRange(typed);
            bytes.AddRange(BigEndian((int)Crc32.Compute(typed)));
        }
        Chunk("IHDR", BigEndian(width).Concat(BigEndian(height)).Concat(new byte[] { 8, 6, 0, 0, 0 }).ToArray());
        Chunk("IEND", Array.Empty<byte>());
        return bytes.ToArray();
    }

    private static byte[] BigEndian(int v) => new[] { (byte)(v >> 24), (byte)(v >> 16), (byte)(v >> 8), (byte)v };

    /// <summary>Just the boxes the sniffer reads: ftyp with a brand, and an ispe property.</summary>
    private static byte[] FakeHeif(string brand, int width, int height)
    {
        var bytes = new List<byte>();
        void Int(int v) => bytes.AddRange(new[] { (byte)(v >> 24), (byte)(v >> 16), (byte)(v >> 8), (byte)v });
        void Text(string s) => bytes.AddRange(Encoding.ASCII.GetBytes(s));
        Int(24); Text("ftyp"); Text(brand); Int(0); Text("mif1"); Text(brand);
        Int(20); Text("ispe"); Int(0); Int(width); Int(height);
        bytes.AddRange(new byte[64]);
        return bytes.ToArray();
    }
}
