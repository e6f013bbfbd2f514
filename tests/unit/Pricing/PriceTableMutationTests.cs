using System.Text;
using GeminiImage.Engine.Catalog;
using GeminiImage.Engine.Ledger;
using GeminiImage.Engine.Pricing;
using Xunit;

namespace GeminiImage.Tests.Pricing;

/// <summary>The cost arithmetic and the price sources, term by term (each test fails for one kind of slip in the formula).</summary>
public sealed class CostCalculatorTests
{
    // Round numbers, so every term of the formula is visible in the result.
    private static readonly ModelPrices Prices = new() { Input = 1m, TextOutput = 10m, ImageOutput = 100m };

    [Fact]
    public void Unknown_prices_give_no_cost()
    {
        Assert.Null(CostCalculator.Compute(new TokenUsage { InputTokens = 1000 }, null));
    }

    [Fact]
    public void Each_token_kind_is_charged_at_its_own_rate()
    {
        Assert.Equal(0.001m, CostCalculator.Compute(new TokenUsage { InputTokens = 1000 }, Prices));
        Assert.Equal(0.01m, CostCalculator.Compute(new TokenUsage { TextOutputTokens = 1000 }, Prices));
        Assert.Equal(0.01m, CostCalculator.Compute(new TokenUsage { ThinkingTokens = 1000 }, Prices)); // thinking bills as text output
        Assert.Equal(0.1m, CostCalculator.Compute(new TokenUsage { ImageOutputTokens = 1000 }, Prices));
        Assert.Equal(0.001m, CostCalculator.Compute(new TokenUsage { ToolUsePromptTokens = 1000 }, Prices)); // tool-use prompt bills as input
        Assert.Equal(0.112m, CostCalculator.Compute(new TokenUsage { InputTokens = 1000, TextOutputTokens = 500, ThinkingTokens = 600, ImageOutputTokens = 1000 }, Prices));
    }

    [Fact]
    public void Cached_input_is_part_of_the_input_count_and_never_subtracted_twice()
    {
        // The cached tokens are included in promptTokenCount: 1000 in, 400 of them cached, are 1000 input tokens.
        Assert.Equal(0.001m, CostCalculator.Compute(new TokenUsage { InputTokens = 1000, CachedInputTokens = 400 }, Prices));
        // A cached count above the prompt count (a malformed answer) is never negative: the cached tokens still count.
        Assert.Equal(0.0004m, CostCalculator.Compute(new TokenUsage { InputTokens = 100, CachedInputTokens = 400 }, Prices));
        Assert.Equal(0.0012m, CostCalculator.Compute(new TokenUsage { InputTokens = 1000, CachedInputTokens = 400, ToolUsePromptTokens = 200 }, Prices));
    }

    [Fact]
    public void Batch_price_is_half_and_only_for_batches()
    {
        var usage = new TokenUsage { InputTokens = 1000, ImageOutputTokens = 1000 };
        Assert.Equal(0.101m, CostCalculator.Compute(usage, Prices));
        Assert.Equal(0.0505m, CostCalculator.Compute(usage, Prices, batch: true));
        Assert.Equal(0.5m, CostCalculator.BatchDiscount);
    }

    [Fact]
    public void Cost_is_rounded_to_micro_dollars()
    {
        Assert.Equal(0.000001m, CostCalculator.Compute(new TokenUsage { InputTokens = 1 }, Prices));
        Assert.Equal(0m, CostCalculator.Compute(new TokenUsage { InputTokens = 1 }, new ModelPrices { Input = 0.3m }));
        Assert.Equal(0.000002m, CostCalculator.Compute(new TokenUsage { InputTokens = 5 }, new ModelPrices { Input = 0.3m })); // 0.0000015 rounds up
    }

    [Fact]
    public void Output_tokens_are_text_plus_image()
    {
        Assert.Equal(1300, new TokenUsage { TextOutputTokens = 10, ImageOutputTokens = 1290 }.OutputTokens);
    }

    [Fact]
    public void Estimate_counts_prompt_characters_input_images_and_output_images()
    {
        var flash = ModelCatalog.Default.Get("gemini-2.5-flash-image");
        var pro = ModelCatalog.Default.Get("gemini-3-pro-image");

        var usage = CostCalculator.EstimateUsage(flash, null, imageCount: 2, inputImages: 3, promptChars: 40);
        Assert.Equal(40 / 4 + 1 + 3 * 1290, usage.InputTokens); // ~4 characters per token, 1290 per 2.5 input image
        Assert.Equal(2 * 1290, usage.ImageOutputTokens);

        var proUsage = CostCalculator.EstimateUsage(pro, "4K", imageCount: 1, inputImages: 2, promptChars: 7);
        Assert.Equal(7 / 4 + 1 + 2 * 1120, proUsage.InputTokens); // 1120 per input image for the 3.x models
        Assert.Equal(2000, proUsage.ImageOutputTokens);
        Assert.Equal(3, CostCalculator.EstimateUsage(pro, null, 1, 0, 8).InputTokens);
    }

    [Fact]
    public void Estimate_prices_the_estimated_usage_at_the_model_price()
    {
        var flash = ModelCatalog.Default.Get("gemini-2.5-flash-image");
        // (40/4 + 1) × 0.30 + 1290 × 30, per million
        Assert.Equal(0.038703m, CostCalculator.Estimate(flash, null, 1, 0, 40));
        Assert.Equal(0.019352m, CostCalculator.Estimate(flash, null, 1, 0, 40, batch: true));
    }
}

/// <summary>Where prices come from: the catalog, a prices.json in the data folder, or an explicit file.</summary>
public sealed class PriceTableSourcesTests : IDisposable
{
    // A data folder of the test's own, handed to the engine (never set process-wide).
    private readonly string _home = Path.Combine(Path.GetTempPath(), "gi-prices-home-" + Guid.NewGuid().ToString("N"));

    public PriceTableSourcesTests() => Directory.CreateDirectory(_home);

    public void Dispose() => Directory.Delete(_home, recursive: true);

    private static PriceTable Parse(string json, ModelCatalog? catalog = null) =>
        PriceTable.Parse(new MemoryStream(Encoding.UTF8.GetBytes(json)), catalog);

    /// <summary>A one-model catalog, so a table that silently falls back to the built-in catalog is caught.</summary>
    private static ModelCatalog TinyCatalog() => ModelCatalog.Load(new MemoryStream(Encoding.UTF8.GetBytes("""
        {"models":[{"id":"tiny-image","nickname":"Tiny","maxInputImages":1,"outputMimeType":"image/png","thinking":false,
          "aspectRatios":{"1:1":"64x64"},"imageSizes":{},"defaultImageSize":null,"imageTokens":{"":100},
          "prices":{"input":1,"textOutput":2,"imageOutput":3}}]}
        """)));

    [Fact]
    public void Without_a_price_file_the_data_folder_gives_the_catalog_prices()
    {
        var table = new PriceOverrideStore(_home).Current();
        Assert.Empty(table.OverriddenModels);
        Assert.Equal(30m, table.Get("gemini-2.5-flash-image")!.ImageOutput);
    }

    [Fact]
    public void The_data_folder_price_file_is_used_when_no_path_is_given()
    {
        File.WriteAllText(Path.Combine(_home, PriceTable.FileName), """{"models":{"gemini-2.5-flash-image":{"imageOutput":15}}}""");
        var table = new PriceOverrideStore(_home).Current();
        Assert.Equal(15m, table.Get("gemini-2.5-flash-image")!.ImageOutput);
        Assert.Equal(new[] { "gemini-2.5-flash-image" }, table.OverriddenModels);
    }

    [Fact]
    public void An_explicit_path_that_does_not_exist_is_an_error()
    {
        Assert.ThrowsAny<IOException>(() => PriceTable.Load(Path.Combine(_home, "missing.json")));
    }

    [Fact]
    public void The_given_catalog_is_the_baseline_everywhere()
    {
        var tiny = TinyCatalog();
        Assert.Equal(3m, PriceTable.FromCatalog(tiny).Get("tiny-image")!.ImageOutput);
        Assert.Null(PriceTable.FromCatalog(tiny).Get("gemini-2.5-flash-image"));

        var overridden = Parse("""{"models":{"tiny-image":{"input":5}}}""", tiny);
        Assert.Equal((5m, 2m, 3m), (overridden.Get("tiny-image")!.Input, overridden.Get("tiny-image")!.TextOutput, overridden.Get("tiny-image")!.ImageOutput));
        Assert.Null(overridden.Get("gemini-2.5-flash-image"));

        var path = Path.Combine(_home, "explicit.json");
        File.WriteAllText(path, """{"models":{}}""");
        Assert.Equal(1m, PriceTable.Load(path, tiny).Get("tiny-image")!.Input);
        Assert.Null(PriceTable.Load(path, tiny).Get("gemini-2.5-flash-image"));
    }

    [Fact]
    public void A_file_without_models_overrides_nothing()
    {
        var table = Parse("""{"comment":"nothing here"}""");
        Assert.Empty(table.OverriddenModels);
        Assert.Equal(0.30m, table.Get("gemini-2.5-flash-image")!.Input);
    }

    [Fact]
    public void Model_ids_match_without_the_models_prefix_and_without_case()
    {
        var table = Parse("""{"models":{"models/Gemini-2.5-Flash-Image":{"textOutput":9}}}""");
        Assert.Equal(9m, table.Get("gemini-2.5-flash-image")!.TextOutput);
        Assert.Equal(9m, table.Get("models/gemini-2.5-flash-image")!.TextOutput);
        Assert.Equal(new[] { "Gemini-2.5-Flash-Image" }, table.OverriddenModels);
        Assert.Equal(120m, table.Get("models/gemini-3-pro-image")!.ImageOutput); // catalog lookups strip the prefix too
    }

    [Fact]
    public void Every_missing_price_of_an_unknown_model_is_named()
    {
        foreach (var (json, missing) in new[]
        {
            ("""{"textOutput":1,"imageOutput":1}""", "input"),
            ("""{"input":1,"imageOutput":1}""", "textOutput"),
            ("""{"input":1,"textOutput":1}""", "imageOutput"),
        })
        {
            var e = Assert.Throws<InvalidDataException>(() => Parse("{\"models\":{\"new-model\":" + json + "}}"));
            Assert.Contains($"'{missing}'", e.Message);
            Assert.Contains("new-model", e.Message);
        }
    }

    [Fact]
    public void Compute_uses_the_overridden_price_and_the_batch_flag()
    {
        var table = Parse("""{"models":{"my-model":{"input":0,"textOutput":0,"imageOutput":100}}}""");
        var usage = new TokenUsage { ImageOutputTokens = 1000 };
        Assert.Equal(0.1m, table.Compute("my-model", usage));
        Assert.Equal(0.05m, table.Compute("my-model", usage, batch: true));
        Assert.Null(table.Compute("not-a-model", usage));
    }
}
