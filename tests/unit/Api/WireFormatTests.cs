using System.Text;
using System.Text.Json;
using GeminiImage.Engine.Api;
using GeminiImage.Engine.Catalog;
using GeminiImage.Engine.Generation;
using Xunit;

namespace GeminiImage.Tests.Api;

/// <summary>The wire types against fixed bytes: what we send, and what Google sent.</summary>
public class WireFormatTests
{
    [Fact]
    public void A_request_with_every_member_serializes_to_these_bytes()
    {
        var request = new ImageRequest
        {
            Prompt = "a fox",
            Model = ModelCatalog.Embedded.Get("gemini-3.1-flash-image"),
            AspectRatio = "16:9",
            ImageSize = "2K",
            Temperature = 0.5,
            Seed = 7,
            SystemInstruction = "be brief",
            InputImages = new[] { new InputImage(new byte[] { 1, 2, 3 }, "image/png") },
            Options = new PromptOptions { ThinkingLevel = "high", IncludeThoughts = true, GoogleSearch = true, SearchTypes = new[] { "web", "image" }, NoStore = true },
        };
        request.Validate();
        Assert.Equal(
            "{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"a fox\"},{\"inlineData\":{\"mimeType\":\"image/png\",\"data\":\"AQID\"}}]}],"
            + "\"tools\":[{\"googleSearch\":{\"searchTypes\":{\"webSearch\":{},\"imageSearch\":{}}}}],"
            + "\"systemInstruction\":{\"parts\":[{\"text\":\"be brief\"}]},"
            + "\"generationConfig\":{\"responseModalities\":[\"TEXT\",\"IMAGE\"],\"imageConfig\":{\"aspectRatio\":\"16:9\",\"imageSize\":\"2K\"},"
            + "\"temperature\":0.5,\"seed\":7,\"thinkingConfig\":{\"includeThoughts\":true,\"thinkingLevel\":\"HIGH\"}},"
            + "\"store\":false}",
            Encoding.UTF8.GetString(JsonSerializer.SerializeToUtf8Bytes(request.ToWireRequest(), GeminiJson.Options)));
    }

    /// <summary>
    /// The five chunks of a real streamGenerateContent answer (googleapis/dotnet-genai's recording, see the README beside
    /// it), the image's base64 cut to its first 66 bytes.
    /// </summary>
    [Fact]
    public void Chunks_google_streamed_parse_into_the_response_records()
    {
        var chunks = File.ReadAllLines(Path.Combine(TestData.Dir, "google-recordings", "stream-image-chunks.jsonl"))
            .Select(line => JsonSerializer.Deserialize<GenerateContentResponse>(line, GeminiJson.Options)!).ToList();

        Assert.Equal(5, chunks.Count);
        Assert.All(chunks, c => Assert.Equal("TYOuaLLUDtzRz7IP8Znn-Ak", c.ResponseId));
        Assert.All(chunks, c => Assert.Equal("gemini-2.0-flash-preview-image-generation", c.ModelVersion));
        var text = string.Concat(chunks.SelectMany(c => c.Candidates![0].Content!.Parts ?? new List<Part>()).Select(p => p.Text));
        Assert.StartsWith("A fluffy ginger tabby cat", text);
        var image = chunks[3].Candidates![0].Content!.Parts![0].InlineData!;
        Assert.Equal("image/png", image.MimeType);
        Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, image.Data.Take(4));
        var last = chunks[4];
        Assert.Equal("STOP", last.Candidates![0].FinishReason);
        Assert.Equal(0, last.Candidates[0].Index);
        Assert.Equal(new UsageMetadata(10, 0, 1319, 0, 0, 1329,
            last.UsageMetadata!.PromptTokensDetails, last.UsageMetadata.CandidatesTokensDetails), last.UsageMetadata);
        Assert.Equal(new ModalityTokenCount("TEXT", 10), last.UsageMetadata.PromptTokensDetails!.Single());
        Assert.Equal(new ModalityTokenCount("IMAGE", 1290), last.UsageMetadata.CandidatesTokensDetails!.Single());
    }
}
