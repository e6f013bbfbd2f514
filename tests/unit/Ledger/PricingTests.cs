using System.Text;
using System.Text.Json;
using GeminiImage.Engine.Api;
using GeminiImage.Engine.Pricing;
using Xunit;

namespace GeminiImage.Tests.Ledger;

public sealed class PricingTests
{
    private static TokenUsage Usage(string json) => ResponseClassifier.ToUsage(JsonSerializer.Deserialize<UsageMetadata>(json, GeminiJson.Options));

    [Fact]
    public void Success_with_text_and_image_uses_image_details_for_image_output()
    {
        // Reference §4.4 (2.5 Flash Image): 10 in, 1302 candidates of which 1290 image.
        var usage = Usage("""{"promptTokenCount":10,"candidatesTokenCount":1302,"totalTokenCount":1312,"candidatesTokensDetails":[{"modality":"IMAGE","tokenCount":1290}]}""");

        Assert.Equal((10, 12, 1290, 0), (usage.InputTokens, usage.TextOutputTokens, usage.ImageOutputTokens, usage.ThinkingTokens));
        // 10 × 0.30 + 12 × 2.50 + 1290 × 30 per 1M
        Assert.Equal(0.038733m, PriceTable.FromCatalog().Compute("gemini-2.5-flash-image", usage));
    }

    [Fact]
    public void Image_only_details_leave_the_rest_as_text_output()
    {
        // Recorded shape: 1341 candidates, details list only IMAGE 1290.
        var usage = Usage("""{"promptTokenCount":5,"candidatesTokenCount":1341,"candidatesTokensDetails":[{"modality":"IMAGE","tokenCount":1290}]}""");
        Assert.Equal((51, 1290), (usage.TextOutputTokens, usage.ImageOutputTokens));
    }

    [Fact]
    public void Blocked_image_bills_prompt_and_thinking_at_text_rate()
    {
        // Reference §4.6: no candidatesTokenCount, 240 thought tokens, 3 Pro Image.
        var usage = Usage("""{"promptTokenCount":1119,"thoughtsTokenCount":240,"totalTokenCount":1359,"promptTokensDetails":[{"modality":"IMAGE","tokenCount":1069},{"modality":"TEXT","tokenCount":50}]}""");

        Assert.Equal((1119, 0, 0, 240), (usage.InputTokens, usage.TextOutputTokens, usage.ImageOutputTokens, usage.ThinkingTokens));
        var table = PriceTable.FromCatalog();
        Assert.Equal(0.005118m, table.Compute("models/gemini-3-pro-image-preview", usage)); // 1119 × 2 + 240 × 12 per 1M
        Assert.Equal(0.002559m, table.Compute("gemini-3-pro-image", usage, batch: true));
    }

    [Fact]
    public void Unknown_model_has_no_cost_and_missing_counters_are_zero()
    {
        var table = PriceTable.FromCatalog();
        Assert.Null(table.Get("imagen-9"));
        Assert.Null(table.Compute("imagen-9", Usage("""{"promptTokenCount":14}""")));
        Assert.Equal(0, Usage("{}").InputTokens);
    }

    [Fact]
    public void Price_file_overrides_catalog_prices_field_by_field()
    {
        var json = """
            {
              // comments are allowed
              "models": {
                "gemini-2.5-flash-image": { "imageOutput": 15 },
                "models/my-image-model": { "input": 1, "textOutput": 2, "imageOutput": 3 },
              }
            }
            """;
        var table = PriceTable.Parse(new MemoryStream(Encoding.UTF8.GetBytes(json)));

        var flash = table.Get("gemini-2.5-flash-image")!;
        Assert.Equal((0.30m, 2.50m, 15m), (flash.Input, flash.TextOutput, flash.ImageOutput));
        Assert.Equal(120m, table.Get("gemini-3-pro-image")!.ImageOutput); // untouched
        Assert.Equal(3m, table.Get("my-image-model")!.ImageOutput);
        Assert.Equal(0.000003m, table.Compute("my-image-model", new TokenUsage { ImageOutputTokens = 1 }));
        Assert.Equal(0.01935m, table.Compute("gemini-2.5-flash-image", new TokenUsage { ImageOutputTokens = 1290 }));
    }

    [Fact]
    public void Unknown_model_in_price_file_needs_every_price()
    {
        var json = """{"models":{"new-model":{"input":1}}}""";
        Assert.Throws<InvalidDataException>(() => PriceTable.Parse(new MemoryStream(Encoding.UTF8.GetBytes(json))));
    }

    [Fact]
    public void Explicit_price_file_is_loaded_from_disk()
    {
        var path = Path.Combine(Path.GetTempPath(), "gi-prices-" + Guid.NewGuid().ToString("N") + ".json");
        File.WriteAllText(path, """{"models":{"gemini-3.1-flash-image":{"imageOutput":61}}}""");
        try { Assert.Equal(61m, PriceTable.Load(path).Get("gemini-3.1-flash-image")!.ImageOutput); }
        finally { File.Delete(path); }
    }
}
