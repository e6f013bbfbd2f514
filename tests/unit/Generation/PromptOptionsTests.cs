using System.Text.Json;
using GeminiImage.Engine.Api;
using GeminiImage.Engine.Catalog;
using GeminiImage.Engine.Errors;
using GeminiImage.Engine.Generation;
using Xunit;

namespace GeminiImage.Tests.Generation;

/// <summary>Thinking, Search grounding, image-only and store: on the wire exactly as the API names them, refused before sending when the model cannot.</summary>
public class PromptOptionsTests
{
    private static ModelInfo Model(string id) => ModelCatalog.Embedded.Get(id);

    private static JsonElement Body(ImageRequest request) =>
        JsonDocument.Parse(JsonSerializer.Serialize(request.ToWireRequest(), GeminiJson.Options)).RootElement;

    [Fact]
    public void Every_option_lands_where_the_api_names_it()
    {
        var request = new ImageRequest
        {
            Prompt = "today's weather in Paris as a poster",
            Model = Model("gemini-3.1-flash-image"),
            Options = new PromptOptions { ThinkingLevel = "high", IncludeThoughts = true, GoogleSearch = true, SearchTypes = new[] { "web", "image" }, ImageOnly = true, NoStore = true },
        };
        request.Validate();
        var body = Body(request);
        var config = body.GetProperty("generationConfig");
        Assert.Equal("HIGH", config.GetProperty("thinkingConfig").GetProperty("thinkingLevel").GetString());
        Assert.True(config.GetProperty("thinkingConfig").GetProperty("includeThoughts").GetBoolean());
        Assert.Equal(new[] { "IMAGE" }, config.GetProperty("responseModalities").EnumerateArray().Select(e => e.GetString()));
        var search = body.GetProperty("tools")[0].GetProperty("googleSearch").GetProperty("searchTypes");
        Assert.Equal(JsonValueKind.Object, search.GetProperty("webSearch").ValueKind);
        Assert.Equal(JsonValueKind.Object, search.GetProperty("imageSearch").ValueKind);
        Assert.False(body.GetProperty("store").GetBoolean());
    }

    [Fact]
    public void A_plain_request_carries_none_of_them()
    {
        var body = Body(new ImageRequest { Prompt = "a fox", Model = Model("gemini-3.1-flash-image") });
        Assert.False(body.TryGetProperty("tools", out _));
        Assert.False(body.TryGetProperty("store", out _));
        Assert.False(body.GetProperty("generationConfig").TryGetProperty("thinkingConfig", out _));
        Assert.Equal(new[] { "TEXT", "IMAGE" }, body.GetProperty("generationConfig").GetProperty("responseModalities").EnumerateArray().Select(e => e.GetString()));
    }

    [Fact]
    public void Google_search_alone_sends_an_empty_tool_for_web_search()
    {
        var body = Body(new ImageRequest { Prompt = "x", Model = Model("gemini-3-pro-image"), Options = new PromptOptions { GoogleSearch = true } });
        Assert.Equal("{}", body.GetProperty("tools")[0].GetProperty("googleSearch").GetRawText());
    }

    [Theory]
    [InlineData("gemini-3-pro-image", "HIGH", false, null, "GeminiImage.InvalidThinkingLevel")]
    [InlineData("gemini-3.1-flash-image", "MEDIUM", false, null, "GeminiImage.InvalidThinkingLevel")]
    [InlineData("gemini-2.5-flash-image", null, true, null, "GeminiImage.GoogleSearchNotSupported")]
    [InlineData("gemini-3.1-flash-lite-image", null, true, null, "GeminiImage.GoogleSearchNotSupported")]
    [InlineData("gemini-3-pro-image", null, true, "image", "GeminiImage.GoogleSearchNotSupported")]
    public void What_the_model_cannot_do_is_refused_before_sending(string model, string? level, bool search, string? searchType, string errorId)
    {
        var request = new ImageRequest
        {
            Prompt = "x",
            Model = Model(model),
            Options = new PromptOptions { ThinkingLevel = level, GoogleSearch = search, SearchTypes = searchType == null ? Array.Empty<string>() : new[] { searchType } },
        };
        Assert.Equal(errorId, Assert.Throws<GeminiArgumentException>(request.Validate).ErrorId);
    }

    [Fact]
    public void Include_thoughts_on_a_model_that_does_not_think_is_refused()
    {
        var request = new ImageRequest { Prompt = "x", Model = Model("gemini-2.5-flash-image"), Options = new PromptOptions { IncludeThoughts = true } };
        Assert.Equal("GeminiImage.InvalidThinkingLevel", Assert.Throws<GeminiArgumentException>(request.Validate).ErrorId);
    }

    [Fact]
    public void Options_that_change_the_answer_change_the_cache_key_but_store_does_not()
    {
        ImageRequest R(PromptOptions o) => new() { Prompt = "x", Model = Model("gemini-3.1-flash-image"), Options = o };
        var plain = Engine.Cache.CacheKey.Compute(R(new PromptOptions()));
        Assert.Equal(plain, Engine.Cache.CacheKey.Compute(R(new PromptOptions { NoStore = true })));
        Assert.NotEqual(plain, Engine.Cache.CacheKey.Compute(R(new PromptOptions { ThinkingLevel = "HIGH" })));
        Assert.NotEqual(plain, Engine.Cache.CacheKey.Compute(R(new PromptOptions { GoogleSearch = true })));
    }

    [Fact]
    public void Grounding_and_thoughts_are_read_from_the_response_and_thoughts_are_not_results()
    {
        const string json = """
            { "candidates": [ { "content": { "role": "model", "parts": [
                { "text": "Planning the poster", "thought": true },
                { "inlineData": { "mimeType": "image/png", "data": "iVBORw0KGgo=" }, "thought": true },
                { "inlineData": { "mimeType": "image/png", "data": "iVBORw0KGgoAAAA=" }, "thoughtSignature": "c2ln" } ] },
              "finishReason": "STOP",
              "groundingMetadata": {
                "webSearchQueries": [ "paris weather today" ], "imageSearchQueries": [ "eiffel tower" ],
                "searchEntryPoint": { "renderedContent": "<div>chips</div>" },
                "groundingChunks": [ { "web": { "uri": "https://example.com/w", "title": "Weather", "domain": "example.com" } },
                                     { "image": { "sourceUri": "https://example.org/p", "imageUri": "https://example.org/i.jpg", "title": "Tower" } } ] } } ],
              "usageMetadata": { "promptTokenCount": 10, "candidatesTokenCount": 1120, "thoughtsTokenCount": 300, "toolUsePromptTokenCount": 200,
                                 "candidatesTokensDetails": [ { "modality": "IMAGE", "tokenCount": 1120 } ] } }
            """;
        var result = ResponseClassifier.Classify(JsonSerializer.Deserialize<GenerateContentResponse>(json, GeminiJson.Options)!);
        Assert.Single(result.Images);
        Assert.Single(result.ThoughtImages);
        Assert.Equal("Planning the poster", result.Thoughts);
        Assert.Equal("", result.Text);
        Assert.Equal(new[] { "paris weather today", "eiffel tower" }, result.Grounding!.SearchQueries);
        Assert.Equal("<div>chips</div>", result.Grounding.SearchEntryPoint);
        Assert.Equal(new[] { "web", "image" }, result.Grounding.Sources.Select(s => s.Kind));
        Assert.Equal("https://example.org/i.jpg", result.Grounding.Sources[1].ImageUri);
        // Thinking tokens are billed once, at the text price; tool-use tokens at the input price.
        var prices = Model("gemini-3.1-flash-image").Prices;
        var expected = Math.Round(((10 + 200) * prices!.Input + 300 * prices.TextOutput + 1120 * prices.ImageOutput) / 1_000_000m, 6);
        Assert.Equal(expected, Engine.Pricing.CostCalculator.Compute(result.Usage, prices));
    }

    [Fact]
    public void Search_queries_are_priced_per_thousand()
    {
        var table = Engine.Pricing.PriceTable.FromCatalog(ModelCatalog.Embedded);
        Assert.Equal(0.028m, table.ComputeSearch("gemini-3.1-flash-image", 2));
        Assert.Null(table.ComputeSearch("gemini-3.1-flash-lite-image", 2));
    }
}
