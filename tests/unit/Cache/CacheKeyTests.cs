using GeminiImage.Engine.Cache;
using GeminiImage.Engine.Catalog;
using GeminiImage.Engine.Generation;
using Xunit;

namespace GeminiImage.Tests.Cache;

public class CacheKeyTests
{
    private static ImageRequest Request(string prompt = "a red fox", params byte[][] images) => new()
    {
        Prompt = prompt,
        Model = ModelCatalog.Default.Get(ModelCatalog.DefaultModelId),
        InputImages = images.Select(b => new InputImage(b, "image/png")).ToList(),
    };

    [Theory]
    [InlineData("  a red fox  ")]
    [InlineData("a  red\tfox")]
    [InlineData("a red\r\n fox\n")]
    public void WhitespaceIsNormalised(string variant) =>
        Assert.Equal(CacheKey.Compute(Request()), CacheKey.Compute(Request(variant)));

    [Fact]
    public void CaseIsKeptAndUnicodeIsNfc()
    {
        Assert.NotEqual(CacheKey.Compute(Request("a SALE sign")), CacheKey.Compute(Request("a sale sign")));
        Assert.Equal(CacheKey.Compute(Request("caf\u00e9")), CacheKey.Compute(Request("cafe\u0301")));
        Assert.Equal("a b", CacheKey.NormalizePrompt(" a \u00a0\n b "));
    }

    [Fact]
    public void IsStableHex()
    {
        var key = CacheKey.Compute(Request());
        Assert.Matches("^[0-9a-f]{64}$", key);
        Assert.Equal(key, CacheKey.Compute(Request()));
    }

    [Fact]
    public void EverySettingChangesTheKey()
    {
        var baseKey = CacheKey.Compute(Request());
        var changes = new Action<ImageRequest>[]
        {
            r => r.Model = ModelCatalog.Default.Get("gemini-3-pro-image-preview"),
            r => r.AspectRatio = "16:9",
            r => r.ImageSize = "2K",
            r => r.Temperature = 0.7,
            r => r.Seed = 42,
            r => r.SystemInstruction = "be bold",
            r => r.Prompt = "a red fox!",
        };
        var keys = changes.Select(change => { var r = Request(); change(r); return CacheKey.Compute(r); }).ToList();
        Assert.DoesNotContain(baseKey, keys);
        Assert.Equal(keys.Count, keys.Distinct().Count());
        Assert.NotEqual(baseKey, CacheKey.Compute(Request(), variant: 1));
    }

    [Fact]
    public void TagsDoNotChangeTheKey()
    {
        var tagged = Request();
        tagged.Tags = new[] { "campaign" };
        Assert.Equal(CacheKey.Compute(Request()), CacheKey.Compute(tagged));
    }

    [Fact]
    public void InputImageBytesAndOrderChangeTheKey()
    {
        byte[] a = { 1, 2, 3 }, b = { 1, 2, 4 };
        Assert.Equal(CacheKey.Compute(Request("x", a)), CacheKey.Compute(Request("x", new byte[] { 1, 2, 3 })));
        Assert.NotEqual(CacheKey.Compute(Request("x", a)), CacheKey.Compute(Request("x", b)));
        Assert.NotEqual(CacheKey.Compute(Request("x", a, b)), CacheKey.Compute(Request("x", b, a)));
        Assert.NotEqual(CacheKey.Compute(Request("x", a)), CacheKey.Compute(Request("x")));
    }
}
