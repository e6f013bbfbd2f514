using System.IO.Compression;
using System.Net;
using System.Text;
using System.Text.Json;
using GeminiImage.Emulator;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using Xunit;

namespace GeminiImage.Tests.Emulator;

/// <summary>
/// The emulator's answers are as large as Google's (1K PNGs of about 1.0–1.1 MB, incompressible; JPEG for Gemini 3 Pro;
/// several MB at 4K), or exactly a given image file, so that benchmarks and memory tests see real payloads.
/// </summary>
public class ImageSizeTests
{
    private static async Task<(byte[] Data, string MimeType, JsonElement Json)> GenerateAsync(EmulatorClient client, string prompt, string model = "gemini-2.5-flash-image", string? imageSize = null)
    {
        var response = await client.GenerateAsync(EmulatorClient.Body(prompt, null, imageSize), model);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var json = await EmulatorClient.JsonAsync(response);
        var inline = json.GetProperty("candidates")[0].GetProperty("content").GetProperty("parts").EnumerateArray()
            .First(p => p.TryGetProperty("inlineData", out _) && !p.TryGetProperty("thought", out _)).GetProperty("inlineData");
        return (inline.GetProperty("data").GetBytesFromBase64(), inline.GetProperty("mimeType").GetString()!, json);
    }

    private static double CompressedShare(byte[] data)
    {
        using var output = new MemoryStream();
        using (var deflate = new DeflateStream(output, CompressionLevel.Optimal, leaveOpen: true)) deflate.Write(data, 0, data.Length);
        return output.Length / (double)data.Length;
    }

    [Theory]
    [InlineData("gemini-2.5-flash-image", null, "image/png", 1024, 1024, 900_000, 1_300_000)]
    [InlineData("gemini-3.1-flash-image", "2K", "image/png", 2048, 2048, 2_500_000, 4_500_000)]
    [InlineData("gemini-3.1-flash-image", "4K", "image/png", 4096, 4096, 5_000_000, 12_000_000)]
    [InlineData("gemini-3-pro-image", "1K", "image/jpeg", 1024, 1024, 450_000, 900_000)]
    [InlineData("gemini-3-pro-image", "4K", "image/jpeg", 4096, 4096, 4_000_000, 12_000_000)]
    public async Task Drawn_answers_have_real_sizes_and_do_not_compress(string model, string? size, string mimeType, int width, int height, int minBytes, int maxBytes)
    {
        using var client = new EmulatorClient();
        var (data, mime, _) = await GenerateAsync(client, "a harbour at dawn", model, size);
        Assert.Equal(mimeType, mime);
        Assert.InRange(data.Length, minBytes, maxBytes);
        // Incompressible as a real photo-like answer: deflate saves almost nothing.
        Assert.True(CompressedShare(data) > 0.95, $"compresses to {CompressedShare(data):P0}");
        var info = Image.Identify(data);
        Assert.Equal((width, height), (info.Width, info.Height));
        // Decodes completely (checksums and all) with a standard decoder.
        using var image = Image.Load<Rgb24>(data);
        Assert.Equal(width, image.Width);
    }

    [Fact]
    public async Task Drawn_answers_are_the_same_for_the_same_prompt_and_differ_between_prompts()
    {
        using var client = new EmulatorClient();
        var first = (await GenerateAsync(client, "a red kite")).Data;
        var again = (await GenerateAsync(client, "a red kite")).Data;
        var other = (await GenerateAsync(client, "a blue kite")).Data;
        Assert.Equal(first, again);
        Assert.NotEqual(first, other);
    }

    [Fact]
    public async Task An_image_file_is_answered_byte_for_byte_with_its_own_mime_type_in_Googles_shape()
    {
        var dir = Directory.CreateTempSubdirectory("emu-image-").FullName;
        try
        {
            // A JPEG for a model that draws PNGs: the file's own type is what goes on the wire.
            var file = Path.Combine(dir, "given.jpg");
            using (var image = new Image<Rgb24>(300, 200, new Rgb24(10, 20, 30))) image.SaveAsJpeg(file);
            var bytes = File.ReadAllBytes(file);
            using var client = new EmulatorClient(new EmulatorOptions { ImageFile = file });
            Assert.Equal(Path.GetFullPath(file), client.Emulator.ImageFile);
            var (data, mime, json) = await GenerateAsync(client, "anything at all", "gemini-2.5-flash-image", null);
            Assert.Equal(bytes, data);
            Assert.Equal("image/jpeg", mime);
            // Still Google's envelope: finishReason, usage with image tokens, model version, response id.
            var candidate = json.GetProperty("candidates")[0];
            Assert.Equal("STOP", candidate.GetProperty("finishReason").GetString());
            Assert.Equal("model", candidate.GetProperty("content").GetProperty("role").GetString());
            Assert.Equal(1290, json.GetProperty("usageMetadata").GetProperty("candidatesTokensDetails")[0].GetProperty("tokenCount").GetInt32());
            Assert.Equal("gemini-2.5-flash-image", json.GetProperty("modelVersion").GetString());

            // The control API switches it (for tests in other processes) and back to drawn images.
            var png = Path.Combine(dir, "given.png");
            File.WriteAllBytes(png, EmulatorClient.SolidPng(64, 48, new Rgb24(1, 2, 3)));
            var set = await client.Http.PostAsync("emulator/settings", new StringContent(JsonSerializer.Serialize(new { imageFile = png }), Encoding.UTF8, "application/json"));
            Assert.Equal(HttpStatusCode.OK, set.StatusCode);
            Assert.Equal(Path.GetFullPath(png), (await EmulatorClient.JsonAsync(set)).GetProperty("imageFile").GetString());
            var second = await GenerateAsync(client, "anything at all");
            Assert.Equal(File.ReadAllBytes(png), second.Data);
            Assert.Equal("image/png", second.MimeType);
            await client.Http.PostAsync("emulator/settings", new StringContent("{\"imageFile\":null}", Encoding.UTF8, "application/json"));
            var drawn = await GenerateAsync(client, "anything at all");
            Assert.Equal((1024, 1024), (Image.Identify(drawn.Data).Width, Image.Identify(drawn.Data).Height));
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Fact]
    public void A_file_that_is_not_an_image_is_refused()
    {
        var file = Path.GetTempFileName();
        try
        {
            File.WriteAllText(file, "not an image");
            var e = Assert.Throws<ArgumentException>(() => new EmulatorOptions { ImageFile = file }.ImageFile is { } f ? GivenImage.Load(f) : null);
            Assert.Contains("not a PNG, JPEG or WebP", e.Message);
            Assert.Throws<ArgumentException>(() => GivenImage.Load(file + ".missing"));
        }
        finally
        {
            File.Delete(file);
        }
    }
}
