using GeminiImage.Engine.Batch;
using GeminiImage.Engine.Imaging;
using GeminiImage.Tests.Imaging;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.PixelFormats;
using Xunit;

namespace GeminiImage.Tests.Batch;

/// <summary>
/// Report thumbnails of PNG answers are made while the file is read, a row at a time: the same picture as a full
/// decode, without ever holding the full-size pixels (a 4K answer would take 64 MB).
/// </summary>
public class BatchThumbnailTests
{
    private static Image<Rgb24> Pattern(int width, int height)
    {
        var image = new Image<Rgb24>(width, height);
        for (var y = 0; y < height; y++)
            for (var x = 0; x < width; x++)
                image[x, y] = new Rgb24((byte)(x * 255 / width), (byte)(y * 255 / height), (byte)((x / 64 + y / 64) % 2 * 200));
        return image;
    }

    [Theory]
    [InlineData(PngFilterMethod.None, PngColorType.Rgb)]
    [InlineData(PngFilterMethod.Sub, PngColorType.Rgb)]
    [InlineData(PngFilterMethod.Up, PngColorType.RgbWithAlpha)]
    [InlineData(PngFilterMethod.Average, PngColorType.Rgb)]
    [InlineData(PngFilterMethod.Paeth, PngColorType.Grayscale)]
    [InlineData(PngFilterMethod.Adaptive, PngColorType.Rgb)]
    public void A_png_preview_matches_a_full_decode_for_every_row_filter(PngFilterMethod filter, PngColorType colorType)
    {
        using var dir = new TestImages.TempDir();
        using var source = Pattern(1024, 680);
        var file = Path.Combine(dir.Path, "a.png");
        source.SaveAsPng(file, new PngEncoder { FilterMethod = filter, ColorType = colorType, BitDepth = PngBitDepth.Bit8 });
        using var expected = Image.Load<Rgb24>(file);
        using var stream = File.OpenRead(file);
        using var preview = PngThumbnail.TryCreate(stream, 256, ImageLimits.Default)!;
        Assert.Equal((256, 170), (preview.Width, preview.Height));
        // Each preview pixel is the mean of its source block.
        foreach (var (px, py) in new[] { (0, 0), (100, 50), (255, 169), (31, 120) })
        {
            long r = 0, g = 0, b = 0, n = 0;
            for (var y = py * 680 / 170; y < (py + 1) * 680 / 170; y++)
                for (var x = px * 4; x < px * 4 + 4; x++) { var p = expected[x, y]; r += p.R; g += p.G; b += p.B; n++; }
            var got = preview[px, py];
            Assert.InRange(got.R, r / n - 1, r / n + 1);
            Assert.InRange(got.G, g / n - 1, g / n + 1);
            Assert.InRange(got.B, b / n - 1, b / n + 1);
        }
    }

    [Fact]
    public void A_4K_png_preview_never_holds_the_full_image()
    {
        using var dir = new TestImages.TempDir();
        var file = Path.Combine(dir.Path, "big.png");
        // Stored without compression: 48 MB on disk, read as it is decoded rather than loaded whole.
        using (var big = Pattern(4096, 4096)) big.SaveAsPng(file, new PngEncoder { CompressionLevel = PngCompressionLevel.NoCompression, ColorType = PngColorType.Rgb });
        var before = GC.GetAllocatedBytesForCurrentThread();
        var thumbnail = BatchThumbnails.TryCreate(file, dir.Path, "big");
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal("thumbnails/big.jpg", thumbnail);
        using var preview = Image.Load<Rgb24>(Path.Combine(dir.Path, "thumbnails", "big.jpg"));
        Assert.Equal((256, 256), (preview.Width, preview.Height));
        // The general decoder reads the whole file (48 MB) and then needs 64 MB of pixels besides.
        Assert.True(allocated < 4 * 1024 * 1024, $"allocated {allocated:N0} bytes");
    }

    [Fact]
    public void A_truncated_png_gets_no_thumbnail_and_leaves_nothing_behind()
    {
        using var dir = new TestImages.TempDir();
        var file = Path.Combine(dir.Path, "cut.png");
        using (var image = Pattern(512, 512)) image.SaveAsPng(file);
        var bytes = File.ReadAllBytes(file);
        File.WriteAllBytes(file, bytes.AsSpan(0, bytes.Length / 2).ToArray());
        Assert.Null(BatchThumbnails.TryCreate(file, dir.Path, "cut"));
        Assert.Empty(Directory.GetFiles(Path.Combine(dir.Path, "thumbnails")));
    }

    [Fact]
    public void Other_formats_still_get_a_thumbnail_from_the_general_decoder()
    {
        using var dir = new TestImages.TempDir();
        var file = Path.Combine(dir.Path, "a.jpg");
        using (var image = Pattern(800, 600)) image.SaveAsJpeg(file);
        Assert.Equal("thumbnails/j.jpg", BatchThumbnails.TryCreate(file, dir.Path, "j"));
    }
}
