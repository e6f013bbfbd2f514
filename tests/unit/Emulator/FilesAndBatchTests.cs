using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using GeminiImage.Emulator;
using SixLabors.ImageSharp.PixelFormats;
using Xunit;

namespace GeminiImage.Tests.Emulator;

public class FilesAndBatchTests
{
    private static async Task<JsonElement> UploadAsync(EmulatorClient client, byte[] data, string mimeType, string displayName)
    {
        var start = new HttpRequestMessage(HttpMethod.Post, "upload/v1beta/files")
        {
            Content = new StringContent(JsonSerializer.Serialize(new { file = new { displayName } }), Encoding.UTF8, "application/json"),
        };
        start.Headers.Add("x-goog-api-key", client.Emulator.ApiKey);
        start.Headers.Add("X-Goog-Upload-Protocol", "resumable");
        start.Headers.Add("X-Goog-Upload-Command", "start");
        start.Headers.Add("X-Goog-Upload-Header-Content-Length", data.Length.ToString());
        start.Headers.Add("X-Goog-Upload-Header-Content-Type", mimeType);
        var started = await client.Http.SendAsync(start);
        Assert.Equal(HttpStatusCode.OK, started.StatusCode);
        var uploadUrl = started.Headers.GetValues("x-goog-upload-url").Single();
        Assert.StartsWith(client.Emulator.BaseUri.ToString(), uploadUrl);

        var upload = new HttpRequestMessage(HttpMethod.Post, uploadUrl) { Content = new ByteArrayContent(data) };
        upload.Headers.Add("X-Goog-Upload-Offset", "0");
        upload.Headers.Add("X-Goog-Upload-Command", "upload, finalize");
        var finished = await client.Http.SendAsync(upload);
        Assert.Equal(HttpStatusCode.OK, finished.StatusCode);
        Assert.Equal("final", finished.Headers.GetValues("x-goog-upload-status").Single());
        return (await EmulatorClient.JsonAsync(finished)).GetProperty("file");
    }

    [Fact]
    public async Task UploadedImageCanBeListedUsedInAnEditAndDeleted()
    {
        using var client = new EmulatorClient();
        var png = EmulatorClient.SolidPng(64, 64, new Rgb24(0, 200, 0));
        var file = await UploadAsync(client, png, "image/png", "green square");
        var name = file.GetProperty("name").GetString()!;
        Assert.StartsWith("files/", name);
        Assert.Equal(png.Length.ToString(), file.GetProperty("sizeBytes").GetString());
        Assert.Equal("ACTIVE", file.GetProperty("state").GetString());
        Assert.Equal("green square", file.GetProperty("displayName").GetString());

        var fetched = await EmulatorClient.JsonAsync(await client.GetAsync("v1beta/" + name));
        Assert.Equal(file.GetProperty("uri").GetString(), fetched.GetProperty("uri").GetString());
        var list = await EmulatorClient.JsonAsync(await client.GetAsync("v1beta/files"));
        Assert.Equal(name, list.GetProperty("files")[0].GetProperty("name").GetString());

        var body = JsonSerializer.Serialize(new
        {
            contents = new[] { new { role = "user", parts = new object[] { new { text = "edit" }, new { fileData = new { mimeType = "image/png", fileUri = file.GetProperty("uri").GetString() } } } } },
        });
        Assert.Equal(HttpStatusCode.OK, (await client.GenerateAsync(body)).StatusCode);
        Assert.Equal(1, client.Emulator.Requests.Last().InputImageCount);

        var delete = new HttpRequestMessage(HttpMethod.Delete, "v1beta/" + name);
        delete.Headers.Add("x-goog-api-key", client.Emulator.ApiKey);
        Assert.Equal(HttpStatusCode.OK, (await client.Http.SendAsync(delete)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync("v1beta/" + name)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await client.GenerateAsync(body)).StatusCode);
    }

    private static string InlineBatch(params string[] prompts) => JsonSerializer.Serialize(new
    {
        batch = new
        {
            displayName = "test batch",
            inputConfig = new
            {
                requests = new
                {
                    requests = prompts.Select((p, i) => new
                    {
                        request = new { contents = new[] { new { parts = new[] { new { text = p } } } }, generationConfig = new { responseModalities = new[] { "IMAGE" } } },
                        metadata = new { key = "job-" + i },
                    }),
                },
            },
        },
    });

    [Fact]
    public async Task InlineBatchWaitsForAdvanceThenReturnsInlinedResponses()
    {
        using var client = new EmulatorClient();
        client.Emulator.HoldBatches = true;
        var created = await client.PostAsync("v1beta/models/gemini-2.5-flash-image:batchGenerateContent", InlineBatch("a kite", "a bomb [emulator:block]", "a knife [emulator:safety]"));
        Assert.Equal(HttpStatusCode.OK, created.StatusCode);
        var operation = await EmulatorClient.JsonAsync(created);
        var name = operation.GetProperty("name").GetString()!;
        Assert.StartsWith("batches/", name);
        Assert.Equal("BATCH_STATE_PENDING", operation.GetProperty("metadata").GetProperty("state").GetString());
        Assert.Equal("models/gemini-2.5-flash-image", operation.GetProperty("metadata").GetProperty("model").GetString());
        Assert.False(operation.GetProperty("done").GetBoolean());

        await Task.Delay(100);
        Assert.Equal("BATCH_STATE_PENDING", (await EmulatorClient.JsonAsync(await client.GetAsync("v1beta/" + name))).GetProperty("metadata").GetProperty("state").GetString());
        Assert.Equal("BATCH_STATE_RUNNING", client.Emulator.AdvanceBatch(name));
        var advanced = await client.Http.PostAsync("emulator/" + name + ":advance", null);
        Assert.Equal("BATCH_STATE_SUCCEEDED", (await EmulatorClient.JsonAsync(advanced)).GetProperty("metadata").GetProperty("state").GetString());

        var done = await EmulatorClient.JsonAsync(await client.GetAsync("v1beta/" + name));
        Assert.True(done.GetProperty("done").GetBoolean());
        var metadata = done.GetProperty("metadata");
        Assert.Equal("3", metadata.GetProperty("batchStats").GetProperty("requestCount").GetString());
        var rows = metadata.GetProperty("output").GetProperty("inlinedResponses").GetProperty("inlinedResponses");
        Assert.Equal(3, rows.GetArrayLength());
        Assert.Equal("job-0", rows[0].GetProperty("metadata").GetProperty("key").GetString());
        Assert.NotEmpty(EmulatorClient.ImageOf(rows[0].GetProperty("response")));
        Assert.Equal("PROHIBITED_CONTENT", rows[1].GetProperty("response").GetProperty("promptFeedback").GetProperty("blockReason").GetString());
        Assert.Equal("IMAGE_SAFETY", rows[2].GetProperty("response").GetProperty("candidates")[0].GetProperty("finishReason").GetString());

        var list = await EmulatorClient.JsonAsync(await client.GetAsync("v1beta/batches"));
        Assert.Equal(name, list.GetProperty("operations")[0].GetProperty("name").GetString());
    }

    [Fact]
    public async Task FileBatchRunsByItselfAndWritesAJsonlResultsFile()
    {
        using var client = new EmulatorClient();
        var jsonl = string.Join("\n", new[] { "a", "b" }.Select(k =>
            JsonSerializer.Serialize(new { key = k, request = new { contents = new[] { new { parts = new[] { new { text = "prompt " + k } } } } } })));
        var input = await UploadAsync(client, Encoding.UTF8.GetBytes(jsonl), "application/jsonl", "input");
        var body = JsonSerializer.Serialize(new { batch = new { displayName = "file batch", inputConfig = new { fileName = input.GetProperty("name").GetString() } } });
        var name = (await EmulatorClient.JsonAsync(await client.PostAsync("v1beta/models/gemini-2.5-flash-image:batchGenerateContent", body))).GetProperty("name").GetString()!;

        JsonElement metadata = default;
        for (var i = 0; i < 100; i++)
        {
            metadata = (await EmulatorClient.JsonAsync(await client.GetAsync("v1beta/" + name))).GetProperty("metadata");
            if (metadata.GetProperty("state").GetString() == "BATCH_STATE_SUCCEEDED") break;
            await Task.Delay(50);
        }
        var responsesFile = metadata.GetProperty("output").GetProperty("responsesFile").GetString()!;
        var results = await (await client.GetAsync("v1beta/" + responsesFile + ":download?alt=media")).Content.ReadAsStringAsync();
        var lines = results.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(new[] { "a", "b" }, lines.Select(l => l.GetProperty("key").GetString()));
        Assert.All(lines, l => Assert.NotEmpty(EmulatorClient.ImageOf(l.GetProperty("response"))));
    }

    [Fact]
    public async Task CancelledBatchEndsCancelled()
    {
        using var client = new EmulatorClient();
        client.Emulator.HoldBatches = true;
        var name = (await EmulatorClient.JsonAsync(await client.PostAsync("v1beta/models/gemini-2.5-flash-image:batchGenerateContent", InlineBatch("x")))).GetProperty("name").GetString()!;
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsync("v1beta/" + name + ":cancel", "")).StatusCode);
        var state = await EmulatorClient.JsonAsync(await client.GetAsync("v1beta/" + name));
        Assert.Equal("BATCH_STATE_CANCELLED", state.GetProperty("metadata").GetProperty("state").GetString());
        Assert.True(state.GetProperty("done").GetBoolean());
    }
}
