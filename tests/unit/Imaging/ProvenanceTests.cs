using System.Text;
using GeminiImage.Engine.Imaging;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Webp;
using SixLabors.ImageSharp.Metadata.Profiles.Exif;
using SixLabors.ImageSharp.PixelFormats;
using Xunit;

namespace GeminiImage.Tests.Imaging;

public class ProvenanceTests
{
    private static ImageProvenance Sample() => new()
    {
        Prompt = "Ein Café am Meer 🌊 — <b>\"bold\"</b> & 'quotes'",
        Model = "gemini-3-pro-image-preview",
        AspectRatio = "16:9",
        ImageSize = "2K",
        CreatedUtc = new DateTime(2025, 11, 20, 13, 45, 30, 123, DateTimeKind.Utc),
        Cost = 0.134m,
        SourceImages = new[] { "photo [1].png", "café ünïcode.png" },
        Tag = "campaign-42",
        ResponseId = "resp-abc123",
    };

    private static void AssertSame(ImageProvenance expected, ImageProvenance? actual)
    {
        Assert.NotNull(actual);
        Assert.Equal(expected.Prompt, actual!.Prompt);
        Assert.Equal(expected.Model, actual.Model);
        Assert.Equal(expected.AspectRatio, actual.AspectRatio);
        Assert.Equal(expected.ImageSize, actual.ImageSize);
        Assert.Equal(expected.CreatedUtc, actual.CreatedUtc);
        Assert.Equal(DateTimeKind.Utc, actual.CreatedUtc!.Value.Kind);
        Assert.Equal(expected.Cost, actual.Cost);
        Assert.Equal(expected.SourceImages, actual.SourceImages);
        Assert.Equal(expected.Generator, actual.Generator);
        Assert.Equal(expected.Tag, actual.Tag);
        Assert.Equal(expected.ResponseId, actual.ResponseId);
    }

    private static void AssertSamePixels(byte[] before, byte[] after)
    {
        using var a = TestImages.Decode(before);
        using var b = TestImages.Decode(after);
        Assert.Equal((a.Width, a.Height), (b.Width, b.Height));
        for (var y = 0; y < a.Height; y++)
            for (var x = 0; x < a.Width; x++)
                Assert.Equal(a[x, y], b[x, y]);
    }

    [Theory]
    [InlineData("good.png", "image/png")]
    [InlineData("good.jpg", "image/jpeg")]
    [InlineData("good.webp", "image/webp")]
    [InlineData("rotated-exif.jpg", "image/jpeg")]
    public void Provenance_round_trips_without_touching_pixels(string name, string mime)
    {
        var original = File.ReadAllBytes(TestImages.Get(name));
        var p = Sample();

        var tagged = ProvenanceWriter.Embed(original, mime, p);

        AssertSame(p, ProvenanceReader.ReadProvenance(tagged));
        AssertSamePixels(original, tagged);
    }

    [Fact]
    public void Lossy_webp_is_promoted_to_the_extended_format()
    {
        using var image = TestImages.Noise(40, 30);
        using var stream = new MemoryStream();
        image.Save(stream, new WebpEncoder { FileFormat = WebpFileFormatType.Lossy });
        var original = stream.ToArray();
        Assert.Equal("VP8 ", Encoding.ASCII.GetString(original, 12, 4));

        var tagged = ProvenanceWriter.Embed(original, "image/webp", Sample());

        Assert.Equal("VP8X", Encoding.ASCII.GetString(tagged, 12, 4));
        Assert.Equal(tagged.Length - 8, BitConverter.ToInt32(tagged, 4));
        AssertSame(Sample(), ProvenanceReader.ReadProvenance(tagged));
        AssertSamePixels(original, tagged);
        var info = Image.Identify(tagged);
        Assert.Equal((40, 30), (info.Width, info.Height));
    }

    [Fact]
    public void Png_gets_standard_text_keywords_and_a_json_chunk_before_the_pixel_data()
    {
        var original = File.ReadAllBytes(TestImages.Get("good.png"));

        var tagged = ProvenanceWriter.Embed(original, "image/png", Sample());

        using var image = TestImages.Decode(tagged);
        var text = image.Metadata.GetPngMetadata().TextData.ToDictionary(t => t.Keyword, t => t.Value);
        Assert.Equal(Sample().Prompt, text["Description"]);
        Assert.Equal(ImageProvenance.DefaultGenerator, text["Software"]);
        Assert.Equal("2025-11-20T13:45:30.123Z", text["Creation Time"]);
        Assert.Contains("\"model\":\"gemini-3-pro-image-preview\"", text["GeminiImage"]);
        Assert.Contains("Café", text["GeminiImage"]); // not \u-escaped, readable in other tools
        var ascii = Encoding.Latin1.GetString(tagged);
        Assert.True(ascii.IndexOf("iTXtGeminiImage", StringComparison.Ordinal) < ascii.IndexOf("IDAT", StringComparison.Ordinal));
        var pixelData = Encoding.Latin1.GetString(original).IndexOf("IDAT", StringComparison.Ordinal) - 4;
        Assert.True(tagged.AsSpan().IndexOf(original.AsSpan(pixelData)) > 0, "IDAT..IEND copied byte for byte");
    }

    [Theory]
    [InlineData("good.png", "image/png")]
    [InlineData("good.jpg", "image/jpeg")]
    [InlineData("good.webp", "image/webp")]
    public void Embedding_twice_replaces_the_earlier_provenance(string name, string mime)
    {
        var original = File.ReadAllBytes(TestImages.Get(name));
        var first = ProvenanceWriter.Embed(original, mime, Sample());
        var second = Sample();
        second.Prompt = "second";
        second.SourceImages = Array.Empty<string>();
        second.Cost = null;

        var twice = ProvenanceWriter.Embed(first, mime, second);

        var read = ProvenanceReader.ReadProvenance(twice);
        Assert.Equal("second", read!.Prompt);
        Assert.Empty(read.SourceImages);
        Assert.Null(read.Cost);
        var text = Encoding.Latin1.GetString(twice);
        Assert.Equal(1, CountOf(text, mime == "image/png" ? "iTXtGeminiImage" : "<x:xmpmeta"));
        Assert.Equal(ProvenanceWriter.Embed(original, mime, second).Length, twice.Length);
    }

    [Fact]
    public void Jpeg_keeps_exif_and_puts_xmp_after_it()
    {
        var original = File.ReadAllBytes(TestImages.Get("rotated-exif.jpg"));

        var tagged = ProvenanceWriter.Embed(original, "image/jpeg", Sample());

        var info = Image.Identify(tagged);
        Assert.Equal((ushort)6, info.Metadata.ExifProfile!.GetValue(ExifTag.Orientation)!.Value);
        var text = Encoding.Latin1.GetString(tagged);
        Assert.True(text.IndexOf("Exif\0\0", StringComparison.Ordinal) < text.IndexOf("http://ns.adobe.com/xap/1.0/", StringComparison.Ordinal));
        Assert.Contains("<dc:description>", text);
        Assert.Contains("<xmp:CreatorTool>GeminiImage ", text);
    }

    [Fact]
    public void Very_long_prompt_is_shortened_to_fit_one_jpeg_segment()
    {
        var p = Sample();
        p.Prompt = new string('x', 100_000);

        var tagged = ProvenanceWriter.Embed(File.ReadAllBytes(TestImages.Get("good.jpg")), "image/jpeg", p);

        var read = ProvenanceReader.ReadProvenance(tagged)!;
        Assert.EndsWith("…", read.Prompt);
        Assert.True(read.Prompt!.Length > 10_000);
        Assert.Equal(p.Model, read.Model);
    }

    [Theory]
    [InlineData("good.png")]
    [InlineData("good.jpg")]
    [InlineData("good.webp")]
    [InlineData("small.bmp")]
    [InlineData("anim.gif")]
    public void Foreign_images_have_no_provenance(string name)
    {
        Assert.Null(ProvenanceReader.Read(TestImages.Get(name)).Provenance);
    }

    [Fact]
    public void Foreign_xmp_without_geminiimage_fields_is_not_provenance()
    {
        using var image = TestImages.Noise(8, 8);
        image.Metadata.XmpProfile = new SixLabors.ImageSharp.Metadata.Profiles.Xmp.XmpProfile(Encoding.UTF8.GetBytes(
            "<x:xmpmeta xmlns:x=\"adobe:ns:meta/\"><rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\">" +
            "<rdf:Description rdf:about=\"\" xmlns:xmp=\"http://ns.adobe.com/xap/1.0/\" xmp:CreatorTool=\"Photoshop\"/></rdf:RDF></x:xmpmeta>"));
        using var stream = new MemoryStream();
        image.SaveAsJpeg(stream);

        Assert.Null(ProvenanceReader.ReadProvenance(stream.ToArray()));
    }

    [Theory]
    [InlineData("good.png", "PNG", 64, 48)]
    [InlineData("jpeg-named.png", "JPEG", 64, 48)]
    [InlineData("good.webp", "WebP", 64, 48)]
    [InlineData("rotated-exif.jpg", "JPEG", 40, 60)]
    [InlineData("small.tiff", "TIFF", 32, 24)]
    [InlineData("bomb.png", "PNG", 100_000, 100_000)]
    public void Read_reports_format_and_displayed_size(string name, string format, int width, int height)
    {
        var path = TestImages.Get(name);

        var info = ProvenanceReader.Read(path);

        Assert.Equal(path, info.Path);
        Assert.Equal(format, info.Format);
        Assert.Equal((width, height), (info.Width, info.Height));
        Assert.Equal(new FileInfo(path).Length, info.SizeBytes);
    }

    [Fact]
    public void Read_finds_provenance_in_a_saved_file()
    {
        using var temp = new TestImages.TempDir();
        var path = temp.Write("out.png", ProvenanceWriter.Embed(File.ReadAllBytes(TestImages.Get("good.png")), "image/png", Sample()));

        AssertSame(Sample(), ProvenanceReader.Read(path).Provenance);
    }

    [Fact]
    public void Embed_refuses_unsupported_types_and_mismatched_bytes()
    {
        var png = File.ReadAllBytes(TestImages.Get("good.png"));
        Assert.Throws<NotSupportedException>(() => ProvenanceWriter.Embed(File.ReadAllBytes(TestImages.Get("anim.gif")), "image/gif", Sample()));
        Assert.Throws<ArgumentException>(() => ProvenanceWriter.Embed(png, "image/jpeg", Sample()));
        Assert.Throws<ArgumentException>(() => ProvenanceWriter.Embed(File.ReadAllBytes(TestImages.Get("truncated.png")), "image/png", Sample()));
        Assert.True(ProvenanceWriter.CanEmbed("image/webp"));
        Assert.False(ProvenanceWriter.CanEmbed("image/heic"));
    }

    private static int CountOf(string text, string value)
    {
        var count = 0;
        for (var i = text.IndexOf(value, StringComparison.Ordinal); i >= 0; i = text.IndexOf(value, i + 1, StringComparison.Ordinal)) count++;
        return count;
    }
}
