using System.Net;
using System.Text.Json;
using GeminiImage.Emulator;
using Xunit;

namespace GeminiImage.Tests.Emulator;

/// <summary>The emulator follows the catalog's lifecycle: shut-down and retired ids get Google's 404; models.list pages.</summary>
public class ModelsTests
{
    private static string Fixture => Path.Combine(TestData.Dir, "google-recordings", "GenerateContentErrorHandlingTest.GenerateContentWrongModelNameGeminiTest.json");

    private static string RecordedNotFound =>
        JsonDocument.Parse(File.ReadAllText(Fixture)).RootElement.GetProperty("interactions")[0].GetProperty("response")
            .GetProperty("bodySegments")[0].GetProperty("error").GetProperty("message").GetString()!;

    [Theory]
    [InlineData("gemini-3-pro-image-preview")]
    [InlineData("gemini-3.1-flash-image-preview")]
    [InlineData("gemini-2.5-flash-image-preview")]
    public async Task ShutDownIdsGetGooglesNotFound(string model)
    {
        using var client = new EmulatorClient();
        var response = await client.GenerateAsync(EmulatorClient.Body("a fox"), model);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        var error = (await EmulatorClient.JsonAsync(response)).GetProperty("error");
        Assert.Equal("NOT_FOUND", error.GetProperty("status").GetString());
        // The same words as Google's recorded answer, with this model's id.
        Assert.Equal(RecordedNotFound.Replace("wrong-model-name", model), error.GetProperty("message").GetString());
        Assert.Equal("type.googleapis.com/google.rpc.DebugInfo", error.GetProperty("details")[0].GetProperty("@type").GetString());
    }

    [Fact]
    public async Task RetiredModelsGet404AndLeaveTheList()
    {
        using var client = new EmulatorClient();
        client.Emulator.RetiredModels = new[] { "gemini-3-pro-image" };
        Assert.Equal(HttpStatusCode.NotFound, (await client.GenerateAsync(EmulatorClient.Body("a fox"), "gemini-3-pro-image")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GenerateAsync(EmulatorClient.Body("a fox"), "gemini-3.1-flash-image")).StatusCode);
        var list = await EmulatorClient.JsonAsync(await client.GetAsync("v1beta/models?pageSize=1000"));
        var names = list.GetProperty("models").EnumerateArray().Select(m => m.GetProperty("name").GetString()).ToList();
        Assert.DoesNotContain("models/gemini-3-pro-image", names);
        Assert.Contains("models/gemini-3.1-flash-image", names);
        Assert.DoesNotContain("models/gemini-3-pro-image-preview", names);
        client.Emulator.Reset();
        Assert.Equal(HttpStatusCode.OK, (await client.GenerateAsync(EmulatorClient.Body("a fox"), "gemini-3-pro-image")).StatusCode);
    }

    [Fact]
    public async Task ModelsListPagesWithNextPageToken()
    {
        using var client = new EmulatorClient();
        var all = (await EmulatorClient.JsonAsync(await client.GetAsync("v1beta/models"))).GetProperty("models").GetArrayLength();
        var seen = new List<string>();
        string? token = null;
        var pages = 0;
        do
        {
            var page = await EmulatorClient.JsonAsync(await client.GetAsync("v1beta/models?pageSize=3" + (token == null ? "" : "&pageToken=" + token)));
            seen.AddRange(page.GetProperty("models").EnumerateArray().Select(m => m.GetProperty("name").GetString()!));
            token = page.TryGetProperty("nextPageToken", out var next) ? next.GetString() : null;
            pages++;
        }
        while (token != null);
        Assert.Equal(all, seen.Count);
        Assert.Equal(seen.Count, seen.Distinct().Count());
        Assert.Equal((all + 2) / 3, pages);
        var model = await EmulatorClient.JsonAsync(await client.GetAsync("v1beta/models/gemini-3.1-flash-image"));
        Assert.Contains("generateContent", model.GetProperty("supportedGenerationMethods").EnumerateArray().Select(m => m.GetString()));
        Assert.Equal(HttpStatusCode.BadRequest, (await client.GetAsync("v1beta/models?pageToken=garbage")).StatusCode);
    }

    private static string OptionsBody(string config, string extra) =>
        "{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"a poster of today's weather\"}]}],\"generationConfig\":{\"responseModalities\":[\"TEXT\",\"IMAGE\"]" + config + "}" + extra + "}";

    [Fact]
    public async Task GroundingThinkingAndStoreAreAcceptedAndAnswered()
    {
        using var client = new EmulatorClient();
        var body = OptionsBody(",\"thinkingConfig\":{\"thinkingLevel\":\"HIGH\",\"includeThoughts\":true}",
            ",\"tools\":[{\"googleSearch\":{\"searchTypes\":{\"webSearch\":{},\"imageSearch\":{}}}}],\"store\":false");
        var response = await client.GenerateAsync(body, "gemini-3.1-flash-image");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var json = await EmulatorClient.JsonAsync(response);
        var candidate = json.GetProperty("candidates")[0];
        var grounding = candidate.GetProperty("groundingMetadata");
        Assert.NotEmpty(grounding.GetProperty("webSearchQueries").EnumerateArray());
        Assert.NotEmpty(grounding.GetProperty("imageSearchQueries").EnumerateArray());
        Assert.StartsWith("<style>", grounding.GetProperty("searchEntryPoint").GetProperty("renderedContent").GetString());
        Assert.Contains(grounding.GetProperty("groundingChunks").EnumerateArray(), c => c.TryGetProperty("image", out _));
        Assert.Contains(candidate.GetProperty("content").GetProperty("parts").EnumerateArray(), p => p.TryGetProperty("thought", out _) && p.TryGetProperty("inlineData", out _));
        Assert.True(json.GetProperty("usageMetadata").GetProperty("toolUsePromptTokenCount").GetInt32() > 0);
    }

    [Theory]
    [InlineData("gemini-3.1-flash-lite-image", "", ",\"tools\":[{\"googleSearch\":{}}]")]
    [InlineData("gemini-3-pro-image", "", ",\"tools\":[{\"googleSearch\":{\"searchTypes\":{\"imageSearch\":{}}}}]")]
    [InlineData("gemini-3.1-flash-image", ",\"thinkingConfig\":{\"thinkingLevel\":\"MEDIUM\"}", "")]
    [InlineData("gemini-3.1-flash-image", "", ",\"store\":\"no\"")]
    public async Task WhatTheModelCannotDoIsA400(string model, string config, string extra)
    {
        using var client = new EmulatorClient();
        var response = await client.GenerateAsync(OptionsBody(config, extra), model);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }
}
