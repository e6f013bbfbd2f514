using GeminiImage.Engine.Catalog;
using GeminiImage.Engine.Errors;
using GeminiImage.Engine.Generation;
using GeminiImage.Engine.Pricing;
using Xunit;

namespace GeminiImage.Tests.Catalog;

public class CatalogTests
{
    private static ModelInfo Model(string id) => ModelCatalog.Default.Get(id);

    [Theory]
    [InlineData("gemini-2.5-flash-image", "16:9", null, 1344, 768)]
    [InlineData("gemini-2.5-flash-image", "1:1", null, 1024, 1024)]
    [InlineData("gemini-2.5-flash-image", "21:9", null, 1536, 672)]
    [InlineData("gemini-3-pro-image", "16:9", "1K", 1376, 768)]
    [InlineData("gemini-3-pro-image", "2:3", "4K", 3392, 5056)]
    [InlineData("gemini-3-pro-image-preview", "1:1", "2K", 2048, 2048)]
    [InlineData("gemini-3.1-flash-image", "1:4", "2K", 1024, 4128)]
    [InlineData("gemini-3.1-flash-image", "1:1", "512", 512, 512)]
    public void Pixel_sizes_follow_the_reference(string id, string ratio, string? size, int width, int height) =>
        Assert.Equal(new PixelSize(width, height), Model(id).GetPixelSize(ratio, size));

    [Theory]
    [InlineData("gemini-2.5-flash-image", null, 1290)]
    [InlineData("gemini-3-pro-image", "4K", 2000)]
    [InlineData("gemini-3-pro-image", null, 1120)]
    [InlineData("gemini-3.1-flash-image", "512", 747)]
    [InlineData("gemini-3.1-flash-image", "2K", 1680)]
    public void Image_tokens(string id, string? size, int tokens) => Assert.Equal(tokens, Model(id).GetImageTokens(size));

    [Fact]
    public void Per_image_price_of_flash_image_is_0_039()
    {
        var cost = CostCalculator.Compute(new TokenUsage { ImageOutputTokens = 1290 }, Model("gemini-2.5-flash-image").Prices);
        Assert.Equal(0.0387m, cost);
    }

    [Fact]
    public void Cost_formula_counts_thinking_at_text_rate_and_batch_at_half()
    {
        var usage = new TokenUsage { InputTokens = 1000, TextOutputTokens = 100, ThinkingTokens = 400, ImageOutputTokens = 1120 };
        var prices = Model("gemini-3-pro-image").Prices;
        var expected = (1000 * 2.00m + 500 * 12m + 1120 * 120m) / 1_000_000m;
        Assert.Equal(Math.Round(expected, 6), CostCalculator.Compute(usage, prices));
        Assert.Equal(Math.Round(expected * 0.5m, 6), CostCalculator.Compute(usage, prices, batch: true));
    }

    [Fact]
    public void Unknown_model_works_without_a_price()
    {
        var model = Model("gemini-9-imaginary");
        Assert.False(model.IsKnown);
        Assert.Null(CostCalculator.Compute(new TokenUsage { ImageOutputTokens = 1290 }, model.Prices));
        Assert.True(model.AspectRatios.ContainsKey("16:9"));
    }

    [Fact]
    public void Every_model_has_ratios_tokens_and_prices()
    {
        foreach (var model in ModelCatalog.Default.Models)
        {
            Assert.NotEmpty(model.AspectRatios);
            Assert.True(model.GetImageTokens(null) > 0, model.Id);
            // Only a model reported by third parties may have unknown prices.
            if (!model.Unconfirmed) Assert.NotNull(model.Prices);
            Assert.True(model.MaxInputImages >= 3);
        }
    }

    [Theory]
    [InlineData("gemini-2.5-flash-image", "2:1", null, "GeminiImage.InvalidAspectRatio")]
    [InlineData("gemini-2.5-flash-image", null, "2K", "GeminiImage.InvalidImageSize")]
    [InlineData("gemini-3-pro-image", null, "512", "GeminiImage.InvalidImageSize")]
    [InlineData("gemini-3-pro-image", null, "3K", "GeminiImage.InvalidImageSize")]
    public void Validation_refuses_what_the_model_cannot_do(string id, string? ratio, string? size, string errorId)
    {
        var request = new ImageRequest { Prompt = "x", Model = Model(id), AspectRatio = ratio, ImageSize = size };
        Assert.Equal(errorId, Assert.Throws<GeminiArgumentException>(request.Validate).ErrorId);
    }

    [Fact]
    public void Too_many_input_images_names_the_limit()
    {
        var images = Enumerable.Range(0, 4).Select(_ => new InputImage(new byte[] { 1 }, "image/png")).ToList();
        var request = new ImageRequest { Prompt = "x", Model = Model("gemini-2.5-flash-image"), InputImages = images };
        var error = Assert.Throws<GeminiArgumentException>(request.Validate);
        Assert.Equal("GeminiImage.TooManyImages", error.ErrorId);
        Assert.Contains("at most 3", error.Message);
    }
}
