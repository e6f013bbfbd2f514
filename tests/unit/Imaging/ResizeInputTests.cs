using GeminiImage.Engine.Imaging;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.PixelFormats;
using ResizeOptions = GeminiImage.Engine.Imaging.ResizeOptions;
using SixLabors.ImageSharp.Processing;
using Xunit;

namespace GeminiImage.Tests.Imaging;

/// <summary>Resize-GeminiImage's engine on the inputs photos really come in, and the output formats of the presets.</summary>
public class ResizeInputTests
{
    private static Image<Rgba32> Decode(byte[] data) => TestImages.Decode(data);

    private static void AssertNear(Rgba32 expected, Rgba32 actual, int tolerance)
    {
        Assert.True(Math.Abs(expected.R - actual.R) <= tolerance && Math.Abs(expected.G - actual.G) <= tolerance
            && Math.Abs(expected.B - actual.B) <= tolerance && Math.Abs(expected.A - actual.A) <= tolerance,
            $"expected about {expected}, got {actual}");
    }

    /// <summary>Left half <paramref name="left"/>, right half <paramref name="right"/>.</summary>
    private static Image<Rgba32> Halves(int width, int height, Rgba32 left, Rgba32 right)
    {
        var image = new Image<Rgba32>(width, height);
        for (var y = 0; y < height; y++)
            for (var x = 0; x < width; x++)
                image[x, y] = x < width / 2 ? left : right;
        return image;
    }

    [Fact]
    public void Photo_presets_write_jpeg_at_a_stated_quality_and_png_for_a_transparent_canvas()
    {
        Assert.All(PlatformPresets.All, p => Assert.Equal((ImageOutputFormat.Jpeg, 85), (p.Format, p.Quality)));
        var amazon = PlatformPresets.Get("Amazon");
        Assert.Equal(ImageOutputFormat.Jpeg, ImageResizer.FormatFor(amazon, "white"));
        Assert.Equal(ImageOutputFormat.Png, ImageResizer.FormatFor(amazon, "transparent"));
        Assert.Equal(ImageOutputFormat.Png, ImageResizer.FormatFor(amazon, "#FFFFFF80"));
    }

    [Theory]
    [InlineData(85, JpegColorType.YCbCrRatio420)]
    [InlineData(90, JpegColorType.YCbCrRatio444)]
    public void Jpeg_subsamples_chroma_below_quality_90_like_libjpeg(int quality, JpegColorType expected)
    {
        var bytes = ImageResizer.Resize(TestImages.Get("good.jpg"), new ResizeOptions { Width = 64, Height = 64, Format = ImageOutputFormat.Jpeg, Quality = quality });

        Assert.Equal(expected, Image.Identify(bytes).Metadata.GetJpegMetadata().ColorType);
    }

    [Fact]
    public void Png_is_8_bit_rgb_when_opaque_and_rgba_when_not()
    {
        using var temp = new TestImages.TempDir();
        using (var deep = new Image<Rgba64>(40, 30, new Rgba64(50000, 10000, 20000, 65535)))
            deep.Save(Path.Combine(temp.Path, "deep.png"), new PngEncoder { BitDepth = PngBitDepth.Bit16, ColorType = PngColorType.Rgb });
        var source = Path.Combine(temp.Path, "deep.png");

        var opaque = ImageResizer.Resize(source, new ResizeOptions { Width = 20, Height = 20, Mode = FitMode.Contain });
        var clear = ImageResizer.Resize(source, new ResizeOptions { Width = 20, Height = 20, Mode = FitMode.Pad, Background = "transparent" });

        var png = Image.Identify(opaque).Metadata.GetPngMetadata();
        Assert.Equal((PngBitDepth.Bit8, PngColorType.Rgb), (png.BitDepth, png.ColorType));
        Assert.Equal(PngColorType.RgbWithAlpha, Image.Identify(clear).Metadata.GetPngMetadata().ColorType);
        using var image = Decode(opaque);
        AssertNear(new Rgba32(194, 39, 78, 255), image[10, 7], 2); // 50000/65535*255 = 194.5
    }

    [Fact]
    public void A_cmyk_jpeg_keeps_its_colours()
    {
        // cmyk.jpg: Adobe (YCCK) CMYK JPEG made by ImageMagick; left half rgb(200,30,40), right half rgb(20,160,60)
        var bytes = ImageResizer.Resize(TestImages.Get("cmyk.jpg"), new ResizeOptions { Width = 128, Height = 96, Format = ImageOutputFormat.Png });

        using var image = Decode(bytes);
        AssertNear(new Rgba32(200, 30, 40, 255), image[20, 48], 12);
        AssertNear(new Rgba32(20, 160, 60, 255), image[108, 48], 12);
    }

    [Fact]
    public void Transparency_going_to_jpeg_is_flattened_onto_the_background_and_said()
    {
        using var temp = new TestImages.TempDir();
        using (var half = Halves(40, 40, new Rgba32(0, 0, 0, 0), new Rgba32(255, 0, 0, 255)))
            temp.Save("half.png", half);
        using var source = ResizeSource.Load(Path.Combine(temp.Path, "half.png"));
        var jpeg = new ResizeOptions { Width = 80, Height = 80, Format = ImageOutputFormat.Jpeg, Background = "#0000FF" };

        using var image = Decode(ImageResizer.Resize(source, jpeg));
        AssertNear(new Rgba32(0, 0, 255, 255), image[10, 40], 12);
        AssertNear(new Rgba32(255, 0, 0, 255), image[70, 40], 12);
        Assert.Contains("flattened onto #0000FF", ImageResizer.DescribeFlattening(source, jpeg));
        Assert.Contains("#FFFFFF", ImageResizer.DescribeFlattening(source, new ResizeOptions { Width = 8, Height = 8, Format = ImageOutputFormat.Jpeg, Background = "transparent" }));
        Assert.Null(ImageResizer.DescribeFlattening(source, new ResizeOptions { Width = 8, Height = 8, Format = ImageOutputFormat.Png }));
        using var opaque = ResizeSource.Load(TestImages.Get("good.png"));
        Assert.Null(ImageResizer.DescribeFlattening(opaque, jpeg));
    }

    [Fact]
    public void An_animated_gif_gives_its_first_frame_and_a_warning()
    {
        using var temp = new TestImages.TempDir();
        using (var gif = new Image<Rgba32>(30, 20, new Rgba32(255, 0, 0, 255)))
        {
            using var second = new Image<Rgba32>(30, 20, new Rgba32(0, 0, 255, 255));
            gif.Frames.AddFrame(second.Frames.RootFrame);
            temp.Save("anim.gif", gif);
        }
        using var source = ResizeSource.Load(Path.Combine(temp.Path, "anim.gif"));

        Assert.Equal(2, source.FrameCount);
        Assert.Contains("only the first frame", Assert.Single(source.Warnings));
        using var image = Decode(ImageResizer.Resize(source, new ResizeOptions { Width = 60, Height = 40, Format = ImageOutputFormat.Png }));
        AssertNear(new Rgba32(255, 0, 0, 255), image[30, 20], 4);
        using var still = ResizeSource.Load(TestImages.Get("good.png"));
        Assert.Empty(still.Warnings);
    }

    [Fact]
    public void One_decoded_source_serves_several_sizes_with_the_same_bytes_as_separate_calls()
    {
        var path = TestImages.Get("good.jpg");
        var sizes = new[] { new ResizeOptions { Width = 150, Height = 150, Format = ImageOutputFormat.Jpeg, Quality = 85 }, new ResizeOptions { Width = 108, Height = 108, Mode = FitMode.Cover, Format = ImageOutputFormat.Png } };
        using var source = ResizeSource.Load(path);

        foreach (var options in sizes)
            Assert.Equal(ImageResizer.Resize(path, options), ImageResizer.Resize(source, options));
    }

    [Fact]
    public void Pad_whose_scaled_side_rounds_one_short_still_fills_the_canvas()
    {
        // 64x48 into 29x21: the height limits (21/48), the width scales to 28 and the canvas is one pixel wider
        var bytes = ImageResizer.Resize(TestImages.Get("good.png"), new ResizeOptions { Width = 29, Height = 21, Mode = FitMode.Pad, Background = "#00FF00" });

        using var image = Decode(bytes);
        Assert.Equal((29, 21), (image.Width, image.Height));
        Assert.Equal(new Rgba32(0, 255, 0, 255), image[28, 10]);
    }

    [Fact]
    public void Cover_crops_evenly_and_pad_centres_in_one_pass()
    {
        using var temp = new TestImages.TempDir();
        using (var halves = Halves(200, 100, new Rgba32(255, 0, 0, 255), new Rgba32(0, 0, 255, 255)))
            temp.Save("halves.png", halves);
        var path = Path.Combine(temp.Path, "halves.png");

        using var cover = Decode(ImageResizer.Resize(path, new ResizeOptions { Width = 100, Height = 100, Mode = FitMode.Cover }));
        AssertNear(new Rgba32(255, 0, 0, 255), cover[10, 50], 2);
        AssertNear(new Rgba32(0, 0, 255, 255), cover[90, 50], 2);
        using var pad = Decode(ImageResizer.Resize(path, new ResizeOptions { Width = 100, Height = 100, Mode = FitMode.Pad, Background = "#00FF00" }));
        Assert.Equal(new Rgba32(0, 255, 0, 255), pad[50, 24]); // 200x100 -> 100x50 at y = 25
        AssertNear(new Rgba32(255, 0, 0, 255), pad[10, 25], 2);
        AssertNear(new Rgba32(0, 0, 255, 255), pad[90, 74], 2);
        Assert.Equal(new Rgba32(0, 255, 0, 255), pad[50, 75]);
    }

    [Theory]
    [InlineData(85, JpegColorType.YCbCrRatio420)]
    [InlineData(95, JpegColorType.YCbCrRatio444)]
    [InlineData(75, JpegColorType.Luminance)]
    public void Jpeg_huffman_optimization_is_lossless_and_smaller(int quality, JpegColorType colorType)
    {
        using var photo = TestImages.Noise(203, 157, seed: 7); // odd sizes: partial MCUs at the edges
        photo.Mutate(x => x.GaussianBlur(1.5f)); // noise alone is all escape codes; blur gives a photo's mix
        using var plain = new MemoryStream();
        photo.Save(plain, new JpegEncoder { Quality = quality, ColorType = colorType });

        var optimized = JpegHuffmanOptimizer.Optimize(plain.ToArray());

        Assert.True(optimized.Length < plain.Length, $"{optimized.Length} bytes, not fewer than {plain.Length}");
        using var before = Decode(plain.ToArray());
        using var after = Decode(optimized);
        Assert.Equal((before.Width, before.Height), (after.Width, after.Height));
        for (var y = 0; y < before.Height; y++)
            for (var x = 0; x < before.Width; x++)
                Assert.Equal(before[x, y], after[x, y]);
    }

    [Fact]
    public void Jpeg_huffman_optimization_leaves_other_files_alone()
    {
        var png = File.ReadAllBytes(TestImages.Get("good.png"));
        var truncated = File.ReadAllBytes(TestImages.Get("truncated.jpg"));

        Assert.Same(png, JpegHuffmanOptimizer.Optimize(png));
        Assert.Same(truncated, JpegHuffmanOptimizer.Optimize(truncated));
    }

    [Theory]
    [InlineData(32, 0, 32, 24)]   // good.png is 64x48
    [InlineData(0, 12, 16, 12)]
    [InlineData(100, 0, 100, 75)]
    public void Width_or_height_alone_keeps_the_aspect_ratio(int width, int height, int expectedWidth, int expectedHeight)
    {
        var bytes = ImageResizer.Resize(TestImages.Get("good.png"), new ResizeOptions { Width = width, Height = height, Mode = FitMode.Pad });

        using var image = Decode(bytes);
        Assert.Equal((expectedWidth, expectedHeight), (image.Width, image.Height));
        Assert.Equal(255, image[0, 0].A); // no padding
    }
}
