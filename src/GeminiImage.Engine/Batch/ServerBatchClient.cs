using System.Net.Http;
using GeminiImage.Engine.Api;
using GeminiImage.Engine.Imaging;

namespace GeminiImage.Engine.Batch;

/// <summary>
/// The Gemini Batch API over HTTP, nothing else: submit (inline or through a Files API upload), get, list, cancel, and
/// read a finished job's result lines. What is saved, recorded and journaled from them is <see cref="ServerBatchReceiver"/>'s.
/// </summary>
public sealed class ServerBatchClient
{
    /// <summary>Inline requests are limited to 20 MB in total (reference §9.1).</summary>
    public const int InlineLimitBytes = 20 * 1024 * 1024;
    private readonly GeminiClient _client;

    /// <param name="dataFolder">The data folder with this machine's job manifests.</param>
    public ServerBatchClient(GeminiClient client, string dataFolder)
    {
        _client = client;
        DataFolder = dataFolder;
    }

    /// <summary>The data folder with this machine's job manifests (<c>batches/</c>).</summary>
    public string DataFolder { get; }

    /// <summary>Bodies at or above this size go through a JSONL file upload instead of inline.</summary>
    public int InlineLimit { get; set; } = InlineLimitBytes;

    /// <summary>Submits rows that share one model as one job; the job's <see cref="GeminiBatchJob.InputMode"/> says how.</summary>
    public async Task<GeminiBatchJob> SubmitAsync(IReadOnlyList<BatchItem> items, string displayName, CancellationToken cancellationToken)
    {
        if (items.Count == 0) throw new ArgumentException("A batch needs at least one row.", nameof(items));
        var model = items[0].Model;
        if (items.Any(i => i.Model.Id != model.Id)) throw new ArgumentException("All rows of one server batch must use the same model.", nameof(items));

        var loader = new InputImageLoader();
        using var jsonl = new MemoryStream();
        foreach (var item in items)
        {
            var line = JsonSerializer.SerializeToUtf8Bytes(new { key = item.Id, request = item.CreateRequest(loader).ToWireRequest() }, GeminiJson.Options);
            jsonl.Write(line, 0, line.Length);
            jsonl.WriteByte((byte)'\n');
        }

        var path = $"v1beta/models/{Uri.EscapeDataString(model.Id)}:batchGenerateContent";
        BatchOperation created;
        string mode;
        if (jsonl.Length + 4096 < InlineLimit)
        {
            mode = "Inline";
            created = await _client.SendJsonAsync<BatchOperation>(HttpMethod.Post, path, InlineBody(displayName, jsonl), cancellationToken).ConfigureAwait(false);
        }
        else
        {
            mode = "File";
            var file = await _client.UploadFileAsync(jsonl.ToArray(), "application/jsonl", displayName + ".jsonl", cancellationToken).ConfigureAwait(false);
            var body = new { batch = new { displayName, inputConfig = new { fileName = file.Name } } };
            created = await _client.SendAsync<BatchOperation>(HttpMethod.Post, path, body, cancellationToken).ConfigureAwait(false);
        }
        return GeminiBatchJob.From(created, DataFolder) with { InputMode = mode };
    }

    /// <summary>The inline body: each JSONL line {"key","request"} becomes {"request", "metadata": {"key"}}.</summary>
    private static byte[] InlineBody(string displayName, MemoryStream jsonl)
    {
        using var output = new MemoryStream();
        using (var w = new Utf8JsonWriter(output))
        {
            w.WriteStartObject();
            w.WriteStartObject("batch");
            w.WriteString("displayName", displayName);
            w.WriteStartObject("inputConfig");
            w.WriteStartObject("requests");
            w.WriteStartArray("requests");
            jsonl.Position = 0;
            using var reader = new StreamReader(jsonl, Encoding.UTF8, false, 81920, leaveOpen: true);
            string? line;
            while ((line = reader.ReadLine()) != null)
            {
                using var doc = JsonDocument.Parse(line);
                w.WriteStartObject();
                w.WritePropertyName("request");
                doc.RootElement.GetProperty("request").WriteTo(w);
                w.WriteStartObject("metadata");
                w.WriteString("key", doc.RootElement.GetProperty("key").GetString());
                w.WriteEndObject();
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
            w.WriteEndObject();
            w.WriteEndObject();
            w.WriteEndObject();
        }
        return output.ToArray();
    }

    public static string NameOf(string idOrName) => idOrName.StartsWith("batches/", StringComparison.Ordinal) ? idOrName : "batches/" + idOrName;

    public async Task<GeminiBatchJob> GetAsync(string name, CancellationToken cancellationToken) =>
        GeminiBatchJob.From(await GetOperationAsync(name, cancellationToken).ConfigureAwait(false), DataFolder);

    private async Task<BatchOperation> GetOperationAsync(string name, CancellationToken cancellationToken)
    {
        try { return await _client.SendAsync<BatchOperation>(HttpMethod.Get, "v1beta/" + NameOf(name), null, cancellationToken).ConfigureAwait(false); }
        catch (GeminiApiException ex) when (ex.HttpStatus == 404) { throw NotFound(name, ex); }
    }

    /// <summary>A 404 for a job: the job, not a model, is what the service does not know.</summary>
    private static GeminiNotFoundException NotFound(string name, GeminiApiException notFound) =>
        new("GeminiImage.BatchJobNotFound",
            $"The service has no batch job '{NameOf(name)}' (it answered 404): check the name with Get-GeminiBatchJob, which lists the jobs of this key. Google said: {notFound.Message}",
            notFound);

    public async Task<IReadOnlyList<GeminiBatchJob>> ListAsync(CancellationToken cancellationToken)
    {
        var jobs = new List<GeminiBatchJob>();
        string? token = null;
        do
        {
            var page = await _client.SendAsync<BatchOperationList>(HttpMethod.Get,
                "v1beta/batches?pageSize=100" + (token == null ? "" : "&pageToken=" + Uri.EscapeDataString(token)), null, cancellationToken).ConfigureAwait(false);
            jobs.AddRange((page.Operations ?? new List<BatchOperation>()).Select(op => GeminiBatchJob.From(op, DataFolder)));
            token = page.NextPageToken;
        } while (!string.IsNullOrEmpty(token));
        return jobs;
    }

    public async Task<GeminiBatchJob> CancelAsync(string name, CancellationToken cancellationToken)
    {
        try { await _client.SendAsync<JsonElement>(HttpMethod.Post, "v1beta/" + NameOf(name) + ":cancel", new { }, cancellationToken).ConfigureAwait(false); }
        catch (GeminiApiException ex) when (ex.HttpStatus == 404) { throw NotFound(name, ex); }
        return await GetAsync(name, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Reads a job's result lines, inline or from its responses file (streamed: one line, perhaps megabytes of base64,
    /// at a time), and hands each to <paramref name="onLine"/>. Returns the job as read.
    /// </summary>
    public async Task<GeminiBatchJob> ReadResultsAsync(string name, Action<BatchResultLine> onLine, CancellationToken cancellationToken)
    {
        var op = await GetOperationAsync(name, cancellationToken).ConfigureAwait(false);
        if (op.Metadata?.Output?.InlinedResponses?.Items is { } inline)
        {
            for (var i = 0; i < inline.Count; i++)
            {
                string? key = null;
                if (inline[i].Metadata is { ValueKind: JsonValueKind.Object } meta && meta.TryGetProperty("key", out var k) && k.ValueKind == JsonValueKind.String) key = k.GetString();
                onLine(new BatchResultLine(key, i, inline[i].Response, inline[i].Error));
            }
        }
        else if (op.Metadata?.Output?.ResponsesFile is { } file)
        {
            var id = file.StartsWith("files/", StringComparison.Ordinal) ? file.Substring(6) : file;
            await _client.DownloadAsync($"v1beta/files/{Uri.EscapeDataString(id)}:download?alt=media", (stream, token) =>
            {
                using var reader = new StreamReader(stream, Encoding.UTF8);
                string? line;
                var index = 0;
                while ((line = reader.ReadLine()) != null)
                {
                    token.ThrowIfCancellationRequested();
                    if (line.Trim().Length == 0) continue;
                    using var doc = JsonDocument.Parse(line);
                    var root = doc.RootElement;
                    var key = root.TryGetProperty("key", out var k) && k.ValueKind == JsonValueKind.String ? k.GetString() : null;
                    var response = root.TryGetProperty("response", out var r) && r.ValueKind == JsonValueKind.Object ? r.Deserialize<GenerateContentResponse>(GeminiJson.Options) : null;
                    JsonElement? error = root.TryGetProperty("error", out var e) ? e.Clone() : root.TryGetProperty("status", out var s) ? s.Clone() : null;
                    onLine(new BatchResultLine(key, index++, response, error));
                }
                return Task.FromResult(true);
            }, cancellationToken).ConfigureAwait(false);
        }
        return GeminiBatchJob.From(op, DataFolder);
    }
}
