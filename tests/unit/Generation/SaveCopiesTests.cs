using GeminiImage.Engine.Api;
using GeminiImage.Engine.Catalog;
using GeminiImage.Engine.Generation;
using GeminiImage.Engine.Imaging;
using GeminiImage.Tests.Imaging;
using SixLabors.ImageSharp;
using Xunit;

namespace GeminiImage.Tests.Generation;

/// <summary>Saving an answer writes the provenance-carrying file straight from the answer's bytes: no whole-image copies.</summary>
public class SaveCopiesTests
{
    [Fact]
    public void A_large_png_is_saved_with_its_provenance_without_copying_the_image()
    {
        using var dir = new TestImages.TempDir();
        byte[] png;
        using (var noise = TestImages.Noise(640, 640))
        using (var buffer = new MemoryStream())
        {
            noise.SaveAsPng(buffer);
            png = buffer.ToArray();
        }
        Assert.True(png.Length > 1_000_000);
        var request = new ImageRequest { Prompt = "a quiet harbour", Model = ModelCatalog.Default.Get("gemini-2.5-flash-image") };
        var result = new GenerateResult { Images = new[] { new ReturnedImage(png, "image/png") }, FinishReason = "STOP", ResponseId = "resp-1" };
        var plan = new OutputPlan { Directory = dir.Path, Root = dir.Path };
        ImageSaver.Save(request, result, plan, null, 0.039m, null); // warm-up (JIT, encoders)

        var before = GC.GetAllocatedBytesForCurrentThread();
        var saved = ImageSaver.Save(request, result, new OutputPlan { Directory = dir.Path, Root = dir.Path }, null, 0.039m, null);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        // Building the file in memory took two copies (a MemoryStream and its ToArray): 2.6 MB here.
        Assert.True(allocated < png.Length / 2, $"allocated {allocated:N0} bytes for a {png.Length:N0}-byte image");
        var bytes = File.ReadAllBytes(saved[0].Path!);
        Assert.Equal("a quiet harbour", ProvenanceReader.ReadProvenance(bytes)!.Prompt);
        Assert.Equal("resp-1", ProvenanceReader.ReadProvenance(bytes)!.ResponseId);
        using var decoded = Image.Load(bytes);
        Assert.Equal(640, decoded.Width);
    }

    [Theory]
    [InlineData("good.png", "image/png", true)]
    [InlineData("good.png", "image/png", false)]
    [InlineData("good.jpg", "image/jpeg", false)]
    public void An_answer_in_pooled_blocks_is_saved_exactly_as_the_same_bytes_in_one_array(string name, string mime, bool tagged)
    {
        var original = File.ReadAllBytes(TestImages.Get(name));
        // An image that already carries provenance has it replaced, read through the blocks as well.
        if (tagged) original = ProvenanceWriter.Embed(original, mime, new ImageProvenance { Prompt = "earlier", Model = "m0" });
        var provenance = new ImageProvenance { Prompt = "a quiet harbour", Model = "gemini-2.5-flash-image", CreatedUtc = new DateTime(2026, 11, 29, 1, 2, 3, DateTimeKind.Utc) };
        using var pooled = ImageBytes.Pooled();
        // Small pieces, so chunks and their CRCs straddle the 64 KB blocks.
        for (var at = 0; at < original.Length; at += 4093) pooled.Append(new ReadOnlySpan<byte>(original, at, Math.Min(4093, original.Length - at)));
        var fromArray = new MemoryStream();
        ProvenanceWriter.Prepare(original, mime, provenance)(fromArray);
        var fromBlocks = new MemoryStream();
        ProvenanceWriter.Prepare(pooled, mime, provenance)(fromBlocks);
        Assert.Equal(fromArray.ToArray(), fromBlocks.ToArray());
        Assert.Equal(ImageHeader.ReadSize(original), ImageHeader.ReadSize(pooled));
        Assert.Equal("a quiet harbour", ProvenanceReader.ReadProvenance(fromBlocks.ToArray())!.Prompt);
    }

    [Fact]
    public void A_damaged_png_in_pooled_blocks_is_refused_before_anything_is_written()
    {
        var png = File.ReadAllBytes(TestImages.Get("good.png"));
        png[png.Length / 2] ^= 0xFF; // inside the pixel data: an IDAT CRC mismatch
        using var pooled = ImageBytes.Pooled();
        pooled.Append(png);
        Assert.Throws<ArgumentException>(() => ProvenanceWriter.Prepare(pooled, "image/png", new ImageProvenance { Prompt = "p" }));
    }
}
