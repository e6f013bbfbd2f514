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
}
