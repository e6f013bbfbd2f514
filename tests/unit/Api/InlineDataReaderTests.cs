using System.Text;
using GeminiImage.Engine.Api;
using GeminiImage.Engine.Errors;
using Xunit;

namespace GeminiImage.Tests.Api;

/// <summary>The streaming reader of generateContent answers: images decoded on the way in, whatever the read sizes.</summary>
public class InlineDataReaderTests
{
    // A stream that hands out at most a few bytes per read, so every token is split across reads.
    private sealed class TrickleStream(byte[] data, int step) : MemoryStream(data)
    {
        public override int Read(byte[] buffer, int offset, int count) => base.Read(buffer, offset, Math.Min(count, step));
        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            Task.FromResult(Read(buffer, offset, count));
    }

    private static Task<GenerateContentResponse> Read(string json, int step = 7, long max = 1 << 30) =>
        InlineDataReader.ReadAsync(new TrickleStream(Encoding.UTF8.GetBytes(json), step), max, CancellationToken.None);

    private static byte[] Bytes(int n, int seed) => Enumerable.Range(0, n).Select(i => (byte)(i * 31 + seed)).ToArray();

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(65536)]
    public async Task Decodes_every_image_and_keeps_the_rest_of_the_answer(int step)
    {
        var first = Bytes(200_000, 1);
        var second = Bytes(3, 2);
        // '/' escaped as JSON allows, a line break inside the base64, text parts and a "data" key outside inlineData.
        var b64 = Convert.ToBase64String(first);
        var escaped = b64.Replace("/", "\\/").Insert(76, "\\n");
        var json = $$"""
            { "candidates": [ { "content": { "role": "model", "parts": [
                { "text": "a \"data\": \"fox\" text" },
                { "inlineData": { "mimeType": "image/png", "data": "{{escaped}}" } },
                { "thought": true, "inlineData": { "data": "{{Convert.ToBase64String(second)}}", "mimeType": "image/jpeg" } }
              ] }, "finishReason": "STOP", "groundingMetadata": { "data": "not an image" } } ],
              "usageMetadata": { "promptTokenCount": 12 }, "responseId": "r1" }
            """;
        var response = await Read(json, step);
        var parts = response.Candidates![0].Content!.Parts!;
        Assert.Equal("a \"data\": \"fox\" text", parts[0].Text);
        Assert.Equal(first, parts[1].InlineData!.Data);
        Assert.Equal("image/png", parts[1].InlineData!.MimeType);
        Assert.Equal(second, parts[2].InlineData!.Data);
        Assert.Equal("STOP", response.Candidates[0].FinishReason);
        Assert.Equal(12, response.UsageMetadata!.PromptTokenCount);
        Assert.Equal("r1", response.ResponseId);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(4093)]
    [InlineData(65536)]
    [InlineData(1 << 20)]
    public async Task Decodes_base64_runs_broken_by_escapes_and_white_space_anywhere(int step)
    {
        // Runs of plain base64 are decoded in bulk; every way a run can end must still decode to the same bytes.
        var image = Bytes(300_001, 5);
        var b64 = new StringBuilder(Convert.ToBase64String(image));
        var random = new Random(17);
        for (var i = 0; i < 400; i++)
        {
            var at = random.Next(b64.Length);
            b64.Insert(at, (i % 4) switch { 0 => " ", 1 => "\\r\\n", 2 => "\t", _ => "" });
        }
        var text = b64.ToString().Replace("/", (step % 2) == 0 ? "\\u002f" : "\\/");
        var json = "{\"candidates\":[{\"content\":{\"parts\":[{\"inlineData\":{\"mimeType\":\"image/png\",\"data\":\"" + text + "\"}}]}}]}";
        var response = await Read(json, step);
        Assert.Equal(image, response.Candidates![0].Content!.Parts![0].InlineData!.Data);
    }

    [Fact]
    public async Task An_answer_cut_off_inside_the_base64_says_so()
    {
        var json = "{\"candidates\":[{\"content\":{\"parts\":[{\"inlineData\":{\"mimeType\":\"image/png\",\"data\":\"" + Convert.ToBase64String(Bytes(90_000, 3)).Substring(0, 50_000);
        var ex = await Assert.ThrowsAsync<GeminiResponseFormatException>(() => Read(json));
        Assert.Contains("ended in the middle of an image", ex.Message);
    }

    [Fact]
    public async Task Damaged_base64_is_a_format_error()
    {
        var json = "{\"candidates\":[{\"content\":{\"parts\":[{\"inlineData\":{\"mimeType\":\"image/png\",\"data\":\"AAAA*AAA\"}}]}}]}";
        await Assert.ThrowsAsync<GeminiResponseFormatException>(() => Read(json));
    }

    [Fact]
    public async Task An_answer_past_the_limit_stops_while_it_streams()
    {
        var json = "{\"candidates\":[{\"content\":{\"parts\":[{\"inlineData\":{\"mimeType\":\"image/png\",\"data\":\"" + Convert.ToBase64String(Bytes(300_000, 4)) + "\"}}]}}]}";
        var ex = await Assert.ThrowsAsync<GeminiResponseTooLargeException>(() => Read(json, 65536, max: 100_000));
        Assert.Equal("GeminiImage.ResponseTooLarge", ex.ErrorId);
    }

    [Fact]
    public async Task An_image_stays_in_pooled_blocks_and_no_array_of_its_size_is_made_while_reading()
    {
        // Issue 17: each answer's image was copied into one exact-size array on the large object heap, which waited
        // for a full collection and raised a batch's peak memory. Now it stays in the blocks it was decoded into.
        var image = Bytes(1_100_000, 5);
        var json = Encoding.UTF8.GetBytes("{\"candidates\":[{\"content\":{\"parts\":[{\"inlineData\":{\"mimeType\":\"image/png\",\"data\":\"" + Convert.ToBase64String(image) + "\"}}]}}]}");
        async Task<(GenerateContentResponse Response, long Allocated)> ReadOnce()
        {
            var before = GC.GetAllocatedBytesForCurrentThread();
            var response = await InlineDataReader.ReadAsync(new MemoryStream(json), 1 << 30, CancellationToken.None);
            return (response, GC.GetAllocatedBytesForCurrentThread() - before);
        }
        // The first read fills the pool; the second takes its blocks from it again.
        var result = ResponseClassifier.Classify((await ReadOnce()).Response);
        Assert.Equal(image.Length, result.Images[0].Bytes.Length);
        result.ReleaseImages();
        var (response, allocated) = await ReadOnce();
        var second = response.Candidates![0].Content!.Parts![0].InlineData!;
        Assert.True(allocated < image.Length / 2, $"reading a {image.Length:N0}-byte image allocated {allocated:N0} bytes");
        Assert.Equal(image.Length, second.Decoded!.Length);
        Assert.Equal(image, second.Data);
    }

    [Fact]
    public async Task Released_blocks_cannot_be_read_but_an_array_made_before_stays()
    {
        var json = "{\"candidates\":[{\"content\":{\"parts\":[{\"inlineData\":{\"mimeType\":\"image/png\",\"data\":\"" + Convert.ToBase64String(Bytes(70_000, 6)) + "\"}}]}}]}";
        var released = ResponseClassifier.Classify(await Read(json, 65536));
        released.ReleaseImages();
        Assert.Throws<ObjectDisposedException>(() => released.Images[0].Data);
        var kept = ResponseClassifier.Classify(await Read(json, 65536));
        var data = kept.Images[0].Data;
        kept.ReleaseImages();
        Assert.Same(data, kept.Images[0].Data);
        Assert.Equal(Bytes(70_000, 6), kept.ModelContent!.Parts![0].InlineData!.Data);
    }
}
