using System.Diagnostics;
using System.Net;
using System.Text.Json;
using GeminiImage.Emulator;
using GeminiImage.Engine.Catalog;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.PixelFormats;
using Xunit;

namespace GeminiImage.Tests.Emulator;

public class GenerateTests
{
    public static IEnumerable<object[]> FlashRatios =>
        ModelCatalog.Default.Models.First(m => m.Id == "gemini-2.5-flash-image").AspectRatios.Keys.Select(r => new object[] { r });

    [Theory]
    [MemberData(nameof(FlashRatios))]
    public async Task Each25AspectRatioGivesACatalogSizedPng(string ratio)
    {
        using var client = new EmulatorClient();
        var response = await client.GenerateAsync(EmulatorClient.Body("a lighthouse", ratio));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var json = await EmulatorClient.JsonAsync(response);
        var parts = json.GetProperty("candidates")[0].GetProperty("content").GetProperty("parts");
        Assert.StartsWith("Here is your image", parts[0].GetProperty("text").GetString());
        Assert.Equal("image/png", parts[1].GetProperty("inlineData").GetProperty("mimeType").GetString());
        using var image = Image.Load(EmulatorClient.ImageOf(json), out var format);
        Assert.IsType<PngFormat>(format);
        var expected = ModelCatalog.Default.Models.First(m => m.Id == "gemini-2.5-flash-image").GetPixelSize(ratio, null);
        Assert.Equal((expected.Width, expected.Height), (image.Width, image.Height));
    }

    [Fact]
    public async Task SixteenByNineIs1344x768WithRealisticUsage()
    {
        using var client = new EmulatorClient();
        var json = await EmulatorClient.JsonAsync(await client.GenerateAsync(EmulatorClient.Body("a wide beach", "16:9")));
        using var image = Image.Load(EmulatorClient.ImageOf(json));
        Assert.Equal((1344, 768), (image.Width, image.Height));
        var candidate = json.GetProperty("candidates")[0];
        Assert.Equal("STOP", candidate.GetProperty("finishReason").GetString());
        Assert.Equal(0, candidate.GetProperty("index").GetInt32());
        var usage = json.GetProperty("usageMetadata");
        var details = usage.GetProperty("candidatesTokensDetails");
        Assert.Equal(1, details.GetArrayLength());
        Assert.Equal("IMAGE", details[0].GetProperty("modality").GetString());
        Assert.Equal(1290, details[0].GetProperty("tokenCount").GetInt32());
        Assert.True(usage.GetProperty("candidatesTokenCount").GetInt32() > 1290);
        Assert.Equal(usage.GetProperty("promptTokenCount").GetInt32() + usage.GetProperty("candidatesTokenCount").GetInt32(), usage.GetProperty("totalTokenCount").GetInt32());
        Assert.False(usage.TryGetProperty("thoughtsTokenCount", out _));
        Assert.Equal("gemini-2.5-flash-image", json.GetProperty("modelVersion").GetString());
        Assert.False(string.IsNullOrEmpty(json.GetProperty("responseId").GetString()));
    }

    [Fact]
    public async Task DifferentPromptsGiveDifferentPixelsAndTheSamePromptTheSame()
    {
        using var client = new EmulatorClient();
        async Task<Rgb24> Pixel(string prompt)
        {
            var json = await EmulatorClient.JsonAsync(await client.GenerateAsync(EmulatorClient.Body(prompt)));
            using var image = Image.Load<Rgb24>(EmulatorClient.ImageOf(json));
            return image[500, 500];
        }
        var cat = await Pixel("a cat");
        Assert.NotEqual(cat, await Pixel("a dog"));
        Assert.Equal(cat, await Pixel("a cat"));
    }

    [Fact]
    public async Task EditOutputDependsOnTheInputImageAndFollowsItsShape()
    {
        using var client = new EmulatorClient();
        var red = EmulatorClient.SolidPng(300, 200, new Rgb24(255, 0, 0));
        var blue = EmulatorClient.SolidPng(300, 200, new Rgb24(0, 0, 255));
        async Task<(Rgb24 Pixel, int W, int H)> Edit(byte[] input)
        {
            var response = await client.GenerateAsync(EmulatorClient.Body("make it nicer", null, null, input));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            using var image = Image.Load<Rgb24>(EmulatorClient.ImageOf(await EmulatorClient.JsonAsync(response)));
            return (image[100, 100], image.Width, image.Height);
        }
        var fromRed = await Edit(red);
        var fromBlue = await Edit(blue);
        Assert.True(fromRed.Pixel.R > fromBlue.Pixel.R);
        Assert.True(fromBlue.Pixel.B > fromRed.Pixel.B);
        Assert.Equal((1248, 832), (fromRed.W, fromRed.H)); // 3:2 follows the 300x200 input
        var logged = client.Emulator.Requests.Last();
        Assert.Equal(1, logged.InputImageCount);
        Assert.Equal(Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(blue)).ToLowerInvariant(), logged.InputImageHashes[0]);
    }

    [Fact]
    public async Task Gemini3ProAnswersJpegWithSignaturesThoughtsAndChecksThemOnTheNextTurn()
    {
        using var client = new EmulatorClient();
        var body = JsonSerializer.Serialize(new
        {
            contents = new[] { new { role = "user", parts = new[] { new { text = "a fox" } } } },
            generationConfig = new { responseModalities = new[] { "TEXT", "IMAGE" }, imageConfig = new { aspectRatio = "16:9", imageSize = "2K" }, thinkingConfig = new { includeThoughts = true } },
        });
        var json = await EmulatorClient.JsonAsync(await client.GenerateAsync(body, "gemini-3-pro-image"));
        var content = json.GetProperty("candidates")[0].GetProperty("content");
        var parts = content.GetProperty("parts");
        Assert.True(parts[0].GetProperty("thought").GetBoolean());
        Assert.False(parts[0].TryGetProperty("thoughtSignature", out _));
        // With includeThoughts an interim draft image comes as a thought part too, before the answer.
        Assert.True(parts[1].GetProperty("thought").GetBoolean());
        Assert.Equal("image/jpeg", parts[1].GetProperty("inlineData").GetProperty("mimeType").GetString());
        var answer = parts.EnumerateArray().Where(p => !p.TryGetProperty("thought", out _)).ToList();
        var signatures = answer.Select(p => p.GetProperty("thoughtSignature").GetString()!).ToList();
        Assert.Equal(2, signatures.Distinct().Count());
        Assert.Equal("image/jpeg", answer[1].GetProperty("inlineData").GetProperty("mimeType").GetString());
        using (var image = Image.Load(EmulatorClient.ImageOf(json), out var format))
        {
            Assert.IsType<JpegFormat>(format);
            Assert.Equal((2752, 1536), (image.Width, image.Height));
        }
        var usage = json.GetProperty("usageMetadata");
        Assert.Equal(1120, usage.GetProperty("candidatesTokensDetails")[0].GetProperty("tokenCount").GetInt32());
        var thoughts = usage.GetProperty("thoughtsTokenCount").GetInt32();
        Assert.Equal(usage.GetProperty("promptTokenCount").GetInt32() + usage.GetProperty("candidatesTokenCount").GetInt32() + thoughts, usage.GetProperty("totalTokenCount").GetInt32());

        // Second turn: the model turn sent back verbatim is accepted and its signatures are logged.
        var history = $"{{\"contents\":[{{\"role\":\"user\",\"parts\":[{{\"text\":\"a fox\"}}]}},{content.GetRawText()},{{\"role\":\"user\",\"parts\":[{{\"text\":\"now at night\"}}]}}]}}";
        var second = await client.GenerateAsync(history, "gemini-3-pro-image");
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        var logged = client.Emulator.Requests.Last();
        Assert.Equal(signatures, logged.ThoughtSignatures);
        Assert.Equal(3, logged.ContentsCount);
        Assert.Equal("now at night", logged.Prompt);
        Assert.Equal(560 + GenerateTextTokens("a foxnow at nightHere is your image: a fox"), (await EmulatorClient.JsonAsync(second)).GetProperty("usageMetadata").GetProperty("promptTokenCount").GetInt32());

        // Stripping the signatures is rejected like Google does.
        var stripped = history.Replace(signatures[0], "").Replace($",\"thoughtSignature\":\"\"", "");
        var rejected = await client.GenerateAsync(stripped, "gemini-3-pro-image");
        Assert.Equal(HttpStatusCode.BadRequest, rejected.StatusCode);
        // Parts 1 and 2 are thoughts (text, draft image); the answer text is part 3.
        Assert.Contains("missing a thought_signature in content position 2, part position 3", await rejected.Content.ReadAsStringAsync());
    }

    private static int GenerateTextTokens(string allText) => allText.Length / 4 + 1;

    [Theory]
    [InlineData("gemini-2.5-flash-image", "{\"aspectRatio\":\"1:4\"}")]
    [InlineData("gemini-3.1-flash-image", "{\"imageSize\":\"1k\"}")]
    [InlineData("gemini-2.5-flash-image", "{\"imageSize\":\"1K\"}")]
    [InlineData("gemini-2.5-flash-image", "{\"size\":\"1K\"}")]
    public async Task InvalidImageConfigIs400(string model, string imageConfig)
    {
        using var client = new EmulatorClient();
        var response = await client.GenerateAsync($"{{\"contents\":[{{\"parts\":[{{\"text\":\"x\"}}]}}],\"generationConfig\":{{\"imageConfig\":{imageConfig}}}}}", model);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("INVALID_ARGUMENT", (await EmulatorClient.JsonAsync(response)).GetProperty("error").GetProperty("status").GetString());
    }

    [Fact]
    public async Task MoreInputImagesThanTheModelAllowsIs400()
    {
        using var client = new EmulatorClient();
        var png = EmulatorClient.SolidPng(8, 8, new Rgb24(1, 2, 3));
        var response = await client.GenerateAsync(EmulatorClient.Body("combine", null, null, png, png, png, png));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task WrongOrMissingKeyIs400ApiKeyInvalid()
    {
        using var client = new EmulatorClient();
        foreach (var key in new[] { "wrong", null })
        {
            var response = await client.GenerateAsync(EmulatorClient.Body("x"), key: key);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            var error = (await EmulatorClient.JsonAsync(response)).GetProperty("error");
            Assert.Equal(400, error.GetProperty("code").GetInt32());
            Assert.Equal("INVALID_ARGUMENT", error.GetProperty("status").GetString());
            Assert.Equal("API key not valid. Please pass a valid API key.", error.GetProperty("message").GetString());
            var info = error.GetProperty("details").EnumerateArray().First(d => d.GetProperty("@type").GetString() == "type.googleapis.com/google.rpc.ErrorInfo");
            Assert.Equal("API_KEY_INVALID", info.GetProperty("reason").GetString());
            Assert.Equal("googleapis.com", info.GetProperty("domain").GetString());
        }
    }

    [Fact]
    public async Task RequestLogNeverContainsTheKey()
    {
        using var client = new EmulatorClient(new EmulatorOptions { ApiKey = "super-secret-key-123" });
        await client.GenerateAsync(EmulatorClient.Body("hello"));
        await client.Http.PostAsync("v1beta/models/gemini-2.5-flash-image:generateContent?key=super-secret-key-123",
            new StringContent(EmulatorClient.Body("via query"), System.Text.Encoding.UTF8, "application/json"));
        await client.GenerateAsync(EmulatorClient.Body("wrong"), key: "another-secret-key");
        var log = await (await client.Http.GetAsync("emulator/requests")).Content.ReadAsStringAsync();
        Assert.DoesNotContain("super-secret-key-123", log);
        Assert.DoesNotContain("another-secret-key", log);
        var requests = client.Emulator.Requests;
        Assert.Equal(3, requests.Count);
        Assert.All(requests, r => Assert.True(r.ApiKeyPresent));
        Assert.Equal(new[] { true, true, false }, requests.Select(r => r.ApiKeyValid));
        Assert.Equal(new[] { 200, 200, 400 }, requests.Select(r => r.StatusCode));
        Assert.All(requests, r => Assert.DoesNotContain("secret", JsonSerializer.Serialize(r)));
    }

    [Fact]
    public async Task UnknownModelIs404()
    {
        using var client = new EmulatorClient();
        var response = await client.GenerateAsync(EmulatorClient.Body("x"), "gemini-9-ultra-image");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        var error = (await EmulatorClient.JsonAsync(response)).GetProperty("error");
        Assert.Equal("NOT_FOUND", error.GetProperty("status").GetString());
        Assert.StartsWith("models/gemini-9-ultra-image is not found for API version v1beta", error.GetProperty("message").GetString());
    }

    [Fact]
    public async Task ServesConcurrentRequestsWithAsynchronousLatency()
    {
        // A small answer image: this is about latency, and drawing 16 real-size images is seconds of CPU on a busy machine.
        using var client = new EmulatorClient(new EmulatorOptions
        {
            Latency = TimeSpan.FromSeconds(1), ImageFile = Path.Combine(TestData.Dir, "images", "good.png"),
        });
        await client.GenerateAsync(EmulatorClient.Body("warm-up"));
        var watch = Stopwatch.StartNew();
        var responses = await Task.WhenAll(Enumerable.Range(0, 16).Select(i => client.GenerateAsync(EmulatorClient.Body("same prompt"))));
        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        // One after another they would take 16 s; served concurrently they take about one latency.
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(8), $"16 concurrent requests took {watch.Elapsed}");
    }
}
