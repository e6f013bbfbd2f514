using GeminiImage.Engine.Errors;
using GeminiImage.Engine.Imaging;
using SixLabors.ImageSharp;
using Xunit;

namespace GeminiImage.Tests.Imaging;

public class ResizeTests
{
    [Theory]
    [InlineData("Amazon", 1500, 1500)]
    [InlineData("Shopify", 2048, 2048)]
    [InlineData("Instagram", 1080, 1080)]
    [InlineData("InstagramPortrait", 1080, 1350)]
    [InlineData("Story", 1080, 1920)]
    [InlineData("Etsy", 2700, 2025)]
    [InlineData("Pinterest", 1000, 1500)]
    [InlineData("Facebook", 1200, 630)]
    [InlineData("instagramportrait", 1080, 1350)]
    public void Presets_have_documented_sizes(string name, int width, int height)
    {
        var preset = PlatformPresets.Get(name);

        Assert.Equal((width, height), (preset.Width, preset.Height));
        Assert.False(string.IsNullOrWhiteSpace(preset.Description));
    }

    [Fact]
    public void Preset_names_are_unique_and_unknown_names_fail_with_the_list()
    {
        Assert.Equal(PlatformPresets.All.Count, PlatformPresets.All.Select(p => p.Name.ToLowerInvariant()).Distinct().Count());
        Assert.Null(PlatformPresets.Find("MySpace"));
        var e = Assert.Throws<ArgumentException>(() => PlatformPresets.Get("MySpace"));
        Assert.Contains("Amazon", e.Message);
    }

    [Theory]
    [InlineData(FitMode.Contain, 100, 75)]
    [InlineData(FitMode.Pad, 100, 100)]
    [InlineData(FitMode.Cover, 100, 100)]
    [InlineData(FitMode.Stretch, 100, 100)]
    public void Resize_produces_the_mode_size(FitMode mode, int width, int height)
    {
        var bytes = ImageResizer.Resize(TestImages.Get("good.jpg"), new ResizeOptions { Width = 100, Height = 100, Mode = mode });

        using var image = TestImages.Decode(bytes);
        Assert.Equal((width, height), (image.Width, image.Height));
    }

    [Fact]
    public void Pad_fills_the_margins_with_the_background()
    {
        var bytes = ImageResizer.Resize(TestImages.Get("good.png"), new ResizeOptions { Width = 100, Height = 100, Mode = FitMode.Pad, Background = "#FF0000" });

        using var image = TestImages.Decode(bytes);
        Assert.Equal(new SixLabors.ImageSharp.PixelFormats.Rgba32(255, 0, 0, 255), image[50, 2]); // 64x48 → 100x75 at y=12
        Assert.NotEqual(new SixLabors.ImageSharp.PixelFormats.Rgba32(255, 0, 0, 255), image[50, 50]);
    }

    [Theory]
    [InlineData(ImageOutputFormat.Png, "PNG")]
    [InlineData(ImageOutputFormat.Jpeg, "JPEG")]
    [InlineData(ImageOutputFormat.Webp, "Webp")]
    public void Resize_encodes_the_requested_format(ImageOutputFormat format, string formatName)
    {
        var bytes = ImageResizer.Resize(TestImages.Get("small.tga"), new ResizeOptions { Width = 50, Height = 50, Format = format, Quality = 80 });

        Assert.Equal(formatName, Image.DetectFormat(bytes)!.Name);
    }

    [Fact]
    public void Resize_turns_the_image_upright_first()
    {
        var bytes = ImageResizer.Resize(TestImages.Get("rotated-exif.jpg"), new ResizeOptions { Width = 100, Height = 100, Mode = FitMode.Contain });

        using var image = TestImages.Decode(bytes);
        Assert.Equal((67, 100), (image.Width, image.Height));
    }

    [Theory]
    [InlineData(ImageOutputFormat.Png)]
    [InlineData(ImageOutputFormat.Jpeg)]
    [InlineData(ImageOutputFormat.Webp)]
    public void Resize_keeps_provenance_unless_told_not_to(ImageOutputFormat format)
    {
        using var temp = new TestImages.TempDir();
        var provenance = new ImageProvenance { Prompt = "a red bicycle", Model = "gemini-2.5-flash-image", Cost = 0.039m };
        var source = temp.Write("gen.png", ProvenanceWriter.Embed(File.ReadAllBytes(TestImages.Get("good.png")), "image/png", provenance));

        var kept = ImageResizer.Resize(source, new ResizeOptions { Width = 32, Height = 32, Format = format });
        var stripped = ImageResizer.Resize(source, new ResizeOptions { Width = 32, Height = 32, Format = format, KeepMetadata = false });

        var read = ProvenanceReader.ReadProvenance(kept);
        Assert.Equal("a red bicycle", read?.Prompt);
        // A resized copy was paid for once, in its source: it names the source and has no cost of its own.
        Assert.Null(read?.Cost);
        Assert.Equal(new[] { "gen.png" }, read?.DerivedFrom);
        Assert.Null(ProvenanceReader.ReadProvenance(stripped));
    }

    [Fact]
    public void Preset_options_use_the_suggested_mode()
    {
        var options = ResizeOptions.FromPreset(PlatformPresets.Get("Story"));

        Assert.Equal((1080, 1920, FitMode.Cover), (options.Width, options.Height, options.Mode));
    }

    [Fact]
    public void Resize_rejects_bad_options_and_bad_sources()
    {
        var good = TestImages.Get("good.png");
        Assert.Throws<ArgumentOutOfRangeException>(() => ImageResizer.Resize(good, new ResizeOptions { Width = 0, Height = 0 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => ImageResizer.Resize(good, new ResizeOptions { Width = -1, Height = 10 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => ImageResizer.Resize(good, new ResizeOptions { Width = 10, Height = 10, Quality = 101 }));
        Assert.Throws<ArgumentException>(() => ImageResizer.Resize(good, new ResizeOptions { Width = 10, Height = 10, Background = "not-a-colour" }));
        Assert.Throws<ImageTooLargeException>(() => ImageResizer.Resize(TestImages.Get("bomb.png"), new ResizeOptions { Width = 10, Height = 10 }));
        Assert.Throws<InvalidImageException>(() => ImageResizer.Resize(TestImages.Get("truncated.png"), new ResizeOptions { Width = 10, Height = 10 }));
    }

    [Theory]
    [InlineData(1, 4, 64, 64, 64)]
    [InlineData(2, 4, 50, 100, 50)]
    [InlineData(4, 2, 32, 64, 64)]
    [InlineData(5, 3, 64, 192, 128)]
    [InlineData(9, 3, 20, 60, 60)]
    public void Contact_sheet_has_a_tile_per_image(int count, int columns, int tile, int width, int height)
    {
        var names = new[] { "good.png", "good.jpg", "good.webp", "rotated-exif.jpg", "anim.gif", "small.bmp", "small.tiff", "small.tga", "photo [1].png" };

        var bytes = ContactSheet.Create(names.Take(count).Select(TestImages.Get), columns, tile);

        Assert.Equal("PNG", Image.DetectFormat(bytes)!.Name);
        using var sheet = TestImages.Decode(bytes);
        Assert.Equal((width, height), (sheet.Width, sheet.Height));
    }

    [Fact]
    public void Contact_sheet_rejects_bad_input()
    {
        Assert.Throws<ArgumentException>(() => ContactSheet.Create(Array.Empty<string>(), 3, 64));
        Assert.Throws<ArgumentOutOfRangeException>(() => ContactSheet.Create(new[] { TestImages.Get("good.png") }, 0, 64));
        Assert.Throws<ArgumentException>(() => ContactSheet.Create(new[] { TestImages.Get("good.png") }, 1, 30_000));
        Assert.Throws<UnsupportedImageFormatException>(() => ContactSheet.Create(new[] { TestImages.Get("text.png") }, 1, 64));
    }
}
