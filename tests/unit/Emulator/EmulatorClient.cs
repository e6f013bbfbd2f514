using System.Net.Http;
using System.Text;
using System.Text.Json;
using GeminiImage.Emulator;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace GeminiImage.Tests.Emulator;

/// <summary>A plain HttpClient talking to a fresh emulator, as a real client would.</summary>
internal sealed class EmulatorClient : IDisposable
{
    public EmulatorClient(EmulatorOptions? options = null)
    {
        Emulator = GeminiEmulator.Start(options);
        Http = new HttpClient { BaseAddress = Emulator.BaseUri, Timeout = TimeSpan.FromSeconds(30) };
        // Control calls (/emulator/*) need the instance's token; API calls ignore it.
        Http.DefaultRequestHeaders.Add(GeminiEmulator.ControlTokenHeader, Emulator.ControlToken);
    }

    public GeminiEmulator Emulator { get; }
    public HttpClient Http { get; }

    public static string Body(string prompt, string? aspectRatio = null, string? imageSize = null, params byte[][] images)
    {
        var parts = new List<object> { new { text = prompt } };
        parts.AddRange(images.Select(i => (object)new { inlineData = new { mimeType = "image/png", data = Convert.ToBase64String(i) } }));
        var imageConfig = new Dictionary<string, string>();
        if (aspectRatio != null) imageConfig["aspectRatio"] = aspectRatio;
        if (imageSize != null) imageConfig["imageSize"] = imageSize;
        return JsonSerializer.Serialize(new
        {
            contents = new[] { new { role = "user", parts } },
            generationConfig = new { responseModalities = new[] { "TEXT", "IMAGE" }, imageConfig },
        });
    }

    public Task<HttpResponseMessage> PostAsync(string path, string json, string? key = "default")
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        if (key != null) request.Headers.Add("x-goog-api-key", key == "default" ? Emulator.ApiKey : key);
        return Http.SendAsync(request);
    }

    public Task<HttpResponseMessage> GenerateAsync(string json, string model = "gemini-2.5-flash-image", string? key = "default") =>
        PostAsync($"v1beta/models/{model}:generateContent", json, key);

    public async Task<HttpResponseMessage> GetAsync(string path)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Add("x-goog-api-key", Emulator.ApiKey);
        return await Http.SendAsync(request);
    }

    public static async Task<JsonElement> JsonAsync(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();

    /// <summary>The first non-thought inlineData image of a GenerateContentResponse.</summary>
    public static byte[] ImageOf(JsonElement response) =>
        response.GetProperty("candidates")[0].GetProperty("content").GetProperty("parts").EnumerateArray()
            .First(p => p.TryGetProperty("inlineData", out _) && !p.TryGetProperty("thought", out _)).GetProperty("inlineData").GetProperty("data").GetBytesFromBase64();

    public static byte[] SolidPng(int width, int height, Rgb24 colour)
    {
        using var image = new Image<Rgb24>(width, height, colour);
        using var stream = new MemoryStream();
        image.SaveAsPng(stream);
        return stream.ToArray();
    }

    public void Dispose()
    {
        Http.Dispose();
        Emulator.Dispose();
    }
}
