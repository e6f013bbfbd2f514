using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Net.Http;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using GeminiImage.Engine.Api;
using GeminiImage.Engine.Catalog;
using GeminiImage.Engine.Errors;
using GeminiImage.Engine.Generation;
using GeminiImage.Engine.Imaging;
using GeminiImage.Engine.IO;
using GeminiImage.Engine.Ledger;

namespace GeminiImage.Engine.Batch;

/// <summary>A server-side batch job (reference §9.3), as the job cmdlets emit it.</summary>
public sealed class GeminiBatchJob
{
    /// <summary>"batches/…", the id the API uses.</summary>
    public string Name { get; set; } = "";
    public string Id => Name.StartsWith("batches/", StringComparison.Ordinal) ? Name.Substring(8) : Name;
    /// <summary>Pending, Running, Succeeded, Failed, Cancelled, Expired (the wire's BATCH_STATE_ without the prefix).</summary>
    public string State { get; set; } = "Unspecified";
    public bool Done { get; set; }
    public string? Model { get; set; }
    public string? DisplayName { get; set; }
    public DateTime? CreateTime { get; set; }
    public DateTime? UpdateTime { get; set; }
    public DateTime? EndTime { get; set; }
    public long RequestCount { get; set; }
    public long SucceededCount { get; set; }
    public long FailedCount { get; set; }
    public long PendingCount { get; set; }
    /// <summary>Inline or File: how the requests were sent (known for jobs submitted from this machine).</summary>
    public string? InputMode { get; set; }
    /// <summary>Where Receive-GeminiBatchJob saves the images (known for jobs submitted from this machine).</summary>
    public string? OutputDirectory { get; set; }
    public string? ResponsesFile { get; set; }
    /// <summary>The operation's error (google.rpc.Status) of a failed job: "code 13: message"; null otherwise.</summary>
    public string? Error { get; set; }

    public override string ToString() => Name;

    public static GeminiBatchJob From(BatchOperation op)
    {
        var m = op.Metadata ?? new BatchMetadata();
        var state = m.State ?? "BATCH_STATE_UNSPECIFIED";
        var job = new GeminiBatchJob
        {
            Name = op.Name,
            State = Pascal(state.StartsWith("BATCH_STATE_", StringComparison.Ordinal) ? state.Substring(12) : state),
            Done = op.Done,
            Model = m.Model == null ? null : ModelCatalog.StripPrefix(m.Model),
            DisplayName = m.DisplayName,
            CreateTime = Time(m.CreateTime),
            UpdateTime = Time(m.UpdateTime),
            EndTime = Time(m.EndTime),
            RequestCount = m.BatchStats?.RequestCount ?? 0,
            SucceededCount = m.BatchStats?.SuccessfulRequestCount ?? 0,
            FailedCount = m.BatchStats?.FailedRequestCount ?? 0,
            PendingCount = m.BatchStats?.PendingRequestCount ?? 0,
            ResponsesFile = m.Output?.ResponsesFile,
            Error = OperationError(op.Error),
        };
        if (BatchJobManifest.TryLoad(job.Id) is { } manifest)
        {
            job.InputMode = manifest.InputMode;
            job.OutputDirectory = manifest.OutputDirectory;
        }
        return job;
    }

    /// <summary>Operation.error is a google.rpc.Status: a canonical code, a message, maybe details.</summary>
    private static string? OperationError(System.Text.Json.JsonElement? error)
    {
        if (error is not { ValueKind: System.Text.Json.JsonValueKind.Object } e) return null;
        var code = e.TryGetProperty("code", out var c) && c.ValueKind == System.Text.Json.JsonValueKind.Number ? c.GetInt32() : (int?)null;
        var message = e.TryGetProperty("message", out var m) && m.ValueKind == System.Text.Json.JsonValueKind.String ? m.GetString() : null;
        if (code == null && string.IsNullOrEmpty(message)) return e.GetRawText();
        return code == null ? message : $"code {code}: {message}";
    }

    private static string Pascal(string s) => s.Length == 0 ? s : s.Substring(0, 1) + s.Substring(1).ToLowerInvariant();

    private static DateTime? Time(string? text) =>
        DateTime.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var t) ? t : null;
}

/// <summary>
/// What this machine knows about a submitted job: its rows (prompts, names, settings) and the output folder.
/// Kept in the data folder (<c>batches/&lt;id&gt;.json</c>) and in the output folder, so Receive works from either.
/// </summary>
public sealed class BatchJobManifest
{
    public const string FilePrefix = "batch-job-";
    public string Name { get; set; } = "";
    public string Model { get; set; } = "";
    public string InputMode { get; set; } = "Inline";
    public string OutputDirectory { get; set; } = "";
    public DateTime CreatedUtc { get; set; } = DateTime.UtcNow;
    public List<ManifestRow> Rows { get; set; } = new();

    public sealed class ManifestRow
    {
        public string Id { get; set; } = "";
        public int RowNumber { get; set; }
        public string Prompt { get; set; } = "";
        public string? AspectRatio { get; set; }
        public string? ImageSize { get; set; }
        public string? OutFile { get; set; }
        public List<string> Tags { get; set; } = new();
        public List<string> ImagePaths { get; set; } = new();
        /// <summary>The row's Project column (the run's -Project applies when null).</summary>
        public string? Project { get; set; }
        /// <summary>The ledger reservation made for this row before the job was submitted; receiving settles it.</summary>
        public string? ReservationId { get; set; }
    }

    public static string StorePath(string id) => Path.Combine(DataFolder.Default, "batches", FileNames.FromId(id) + ".json");

    public void Save()
    {
        var id = Name.StartsWith("batches/", StringComparison.Ordinal) ? Name.Substring(8) : Name;
        var data = JsonSerializer.SerializeToUtf8Bytes(this, new JsonSerializerOptions(GeminiJson.Options) { WriteIndented = true });
        // Atomic and link-safe: a link planted at the output-folder copy is refused, never written through.
        foreach (var path in new[] { StorePath(id), SafePaths.Child(OutputDirectory, FilePrefix + FileNames.FromId(id) + ".json") })
            OutputWriter.WriteAtomic(data, path, force: true);
    }

    /// <summary>
    /// From the data folder (this machine's own record), else from <paramref name="outputDirectory"/>; null when neither has it.
    /// A copy found in the output folder is untrusted: its OutFile values must stay inside that folder.
    /// </summary>
    public static BatchJobManifest? TryLoad(string id, string? outputDirectory = null)
    {
        var own = Read(StorePath(id));
        if (own != null || outputDirectory == null) return own;
        var found = Read(SafePaths.Child(outputDirectory, FilePrefix + FileNames.FromId(id) + ".json"));
        if (found == null) return null;
        foreach (var row in found.Rows.Where(r => r.OutFile != null))
            row.OutFile = PathContainment.Resolve(outputDirectory, row.OutFile!, $"Row {row.RowNumber} ({row.Id}) of the manifest in the output folder, OutFile", output: true, acceptAbsoluteInside: true);
        found.OutputDirectory = outputDirectory;
        return found;
    }

    private static BatchJobManifest? Read(string path)
    {
        if (!File.Exists(path)) return null;
        try { return JsonSerializer.Deserialize<BatchJobManifest>(LimitedFile.ReadAllBytes(path, LimitedFile.MaxManifestBytes), GeminiJson.Options); }
        catch (JsonException) { return null; }
    }

    public static ManifestRow RowOf(BatchItem item) => new()
    {
        Id = item.Id,
        RowNumber = item.Row.RowNumber,
        Prompt = item.Prompt,
        AspectRatio = item.AspectRatio,
        ImageSize = item.ImageSize,
        OutFile = item.OutFile,
        Tags = item.Tags.ToList(),
        ImagePaths = item.ImagePaths.ToList(),
        Project = item.Row.Project,
    };

    public BatchItem ToItem(ManifestRow row)
    {
        var model = ModelCatalog.Default.Get(Model);
        var source = new BatchRow { RowNumber = row.RowNumber, Id = row.Id, Prompt = row.Prompt, AspectRatio = row.AspectRatio, ImageSize = row.ImageSize, OutFile = row.OutFile, Tags = row.Tags, Images = row.ImagePaths, Model = Model, Project = row.Project };
        return new BatchItem(source, row.Id, model) { AspectRatio = row.AspectRatio, ImageSize = row.ImageSize, OutFile = row.OutFile, Tags = row.Tags, ImagePaths = row.ImagePaths };
    }
}

/// <summary>The Gemini Batch API client: submit (inline or through a Files API upload), get, list, cancel, and read the results.</summary>
public sealed class ServerBatchClient
{
    /// <summary>Inline requests are limited to 20 MB in total (reference §9.1).</summary>
    public const int InlineLimitBytes = 20 * 1024 * 1024;
    private readonly GeminiClient _client;

    public ServerBatchClient(GeminiClient client) => _client = client;

    /// <summary>Bodies at or above this size go through a JSONL file upload instead of inline.</summary>
    public int InlineLimit { get; set; } = InlineLimitBytes;

    /// <summary>Submits rows that share one model as one job and saves its manifest.</summary>
    /// <param name="reservationIds">The rows' ledger reservations (same order as <paramref name="items"/>), settled when the job is received.</param>
    public async Task<GeminiBatchJob> SubmitAsync(IReadOnlyList<BatchItem> items, string displayName, string outputDirectory, CancellationToken cancellationToken,
        IReadOnlyList<string?>? reservationIds = null)
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

        var manifest = new BatchJobManifest
        {
            Name = created.Name,
            Model = model.Id,
            InputMode = mode,
            OutputDirectory = outputDirectory,
            Rows = items.Select((item, i) =>
            {
                var row = BatchJobManifest.RowOf(item);
                row.ReservationId = reservationIds != null && i < reservationIds.Count ? reservationIds[i] : null;
                return row;
            }).ToList(),
        };
        manifest.Save();
        return GeminiBatchJob.From(created);
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
        GeminiBatchJob.From(await GetOperationAsync(name, cancellationToken).ConfigureAwait(false));

    private Task<BatchOperation> GetOperationAsync(string name, CancellationToken cancellationToken) =>
        _client.SendAsync<BatchOperation>(HttpMethod.Get, "v1beta/" + NameOf(name), null, cancellationToken);

    public async Task<IReadOnlyList<GeminiBatchJob>> ListAsync(CancellationToken cancellationToken)
    {
        var jobs = new List<GeminiBatchJob>();
        string? token = null;
        do
        {
            var page = await _client.SendAsync<BatchOperationList>(HttpMethod.Get,
                "v1beta/batches?pageSize=100" + (token == null ? "" : "&pageToken=" + Uri.EscapeDataString(token)), null, cancellationToken).ConfigureAwait(false);
            jobs.AddRange((page.Operations ?? new List<BatchOperation>()).Select(GeminiBatchJob.From));
            token = page.NextPageToken;
        } while (!string.IsNullOrEmpty(token));
        return jobs;
    }

    public async Task<GeminiBatchJob> CancelAsync(string name, CancellationToken cancellationToken)
    {
        await _client.SendAsync<JsonElement>(HttpMethod.Post, "v1beta/" + NameOf(name) + ":cancel", new { }, cancellationToken).ConfigureAwait(false);
        return await GetAsync(name, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Saves the results of a finished job: one <see cref="BatchRowResult"/> per manifest row, journaled in the output
    /// folder (so receiving twice saves and records nothing twice) and priced at the batch rate in the ledger.
    /// Rows without a result (cancelled or expired jobs) come back as <see cref="BatchRowStatus.NotRun"/>.
    /// </summary>
    public async Task ReceiveAsync(string name, BatchJobManifest manifest, GenerationService service, BatchJournal journal,
        IReadOnlyDictionary<string, BatchRowResult> done, Action<BatchRowResult> onResult, CancellationToken cancellationToken)
    {
        var op = await GetOperationAsync(name, cancellationToken).ConfigureAwait(false);
        var job = GeminiBatchJob.From(op);
        var rows = manifest.Rows.ToDictionary(r => r.Id, StringComparer.Ordinal);
        var seen = new HashSet<string>(StringComparer.Ordinal);

        void Handle(string? key, int index, GenerateContentResponse? response, JsonElement? error)
        {
            key ??= index < manifest.Rows.Count ? manifest.Rows[index].Id : null;
            if (key == null || !rows.TryGetValue(key, out var row) || !seen.Add(key)) return;
            // A server job's results are final: a row already received from this job (even a failed one) is not saved
            // or recorded again.
            if (done.TryGetValue(key, out var previous) && (previous.IsComplete || previous.BatchId == job.Id))
            {
                previous.FromJournal = true;
                onResult(previous);
                return;
            }
            var item = manifest.ToItem(row);
            var result = BatchRowResult.For(item, BatchRowStatus.Succeeded);
            result.BatchId = job.Id;
            var request = item.CreateRequest(null);
            try
            {
                if (response == null)
                {
                    var failure = BatchLineError(error);
                    service.RecordFailure(request, failure, key, row.ReservationId);
                    throw failure;
                }
                var classified = ResponseClassifier.Classify(response);
                var outcome = service.Complete(request, classified, item.CreatePlan(manifest.OutputDirectory), item.ImagePaths.FirstOrDefault(), key, reservationId: row.ReservationId);
                result.SetImages(outcome.Images);
                if (result.Path != null) result.Thumbnail = BatchThumbnails.TryCreate(result.Path, manifest.OutputDirectory, key);
            }
            catch (Exception ex) when (ex is GeminiImageException || ex is IOException || ex is UnauthorizedAccessException)
            {
                result.Status = ex is GeminiNoImageException ? BatchRowStatus.Blocked : BatchRowStatus.Failed;
                result.Error = ex.Message;
                result.ErrorId = (ex as GeminiImageException)?.ErrorId ?? "GeminiImage.IOError";
                result.Exception = ex;
                result.Cost ??= 0m;
            }
            result.CompletedUtc = DateTime.UtcNow;
            journal.Append(result);
            onResult(result);
        }

        if (op.Metadata?.Output?.InlinedResponses?.Items is { } inline)
        {
            for (var i = 0; i < inline.Count; i++)
            {
                string? key = null;
                if (inline[i].Metadata is { ValueKind: JsonValueKind.Object } meta && meta.TryGetProperty("key", out var k) && k.ValueKind == JsonValueKind.String) key = k.GetString();
                Handle(key, i, inline[i].Response, inline[i].Error);
            }
        }
        else if (op.Metadata?.Output?.ResponsesFile is { } file)
        {
            var id = file.StartsWith("files/", StringComparison.Ordinal) ? file.Substring(6) : file;
            await _client.DownloadAsync($"v1beta/files/{Uri.EscapeDataString(id)}:download?alt=media", (stream, token) =>
            {
                // One line per row; lines can be megabytes (base64 images), but only one is held at a time.
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
                    Handle(key, index++, response, error);
                }
                return Task.FromResult(true);
            }, cancellationToken).ConfigureAwait(false);
        }

        // Rows the job produced nothing for (cancelled, expired or failed jobs): nothing was spent on them.
        var unrun = manifest.Rows.Where(r => !seen.Contains(r.Id)).ToList();
        if (job.Done) service.Release(unrun.Select(r => r.ReservationId));
        foreach (var row in unrun)
        {
            var result = done.TryGetValue(row.Id, out var previous) && previous.IsComplete ? previous : null;
            if (result != null) { result.FromJournal = true; onResult(result); continue; }
            result = BatchRowResult.For(manifest.ToItem(row), BatchRowStatus.NotRun);
            result.BatchId = job.Id;
            result.Cost = 0m;
            result.Error = $"The batch job ended as {job.State} without a result for this row" + (job.Error != null ? $" ({job.Error})." : ".");
            result.ErrorId = "GeminiImage.BatchRowNotRun";
            onResult(result);
        }
    }

    /// <summary>
    /// The rows an earlier run into <paramref name="outputDirectory"/> already covers, with why: received and complete
    /// (in the journal), or in a job that is still pending, running, or succeeded but not yet received. Rows of jobs
    /// that failed, were cancelled or expired are not covered and may be submitted again.
    /// </summary>
    public async Task<IReadOnlyList<CoveredRow>> FindCoveredAsync(IReadOnlyList<BatchItem> items, string outputDirectory, CancellationToken cancellationToken)
    {
        var covered = new List<CoveredRow>();
        if (!Directory.Exists(outputDirectory)) return covered;
        var done = BatchJournal.Load(outputDirectory);
        foreach (var item in items)
            if (done.TryGetValue(item.Id, out var previous) && previous.IsComplete)
                covered.Add(new CoveredRow(item, null, previous));
        var open = new HashSet<string>(items.Select(i => i.Id).Where(id => !covered.Any(c => c.Item.Id == id)), StringComparer.OrdinalIgnoreCase);
        foreach (var file in Directory.EnumerateFiles(outputDirectory, BatchJobManifest.FilePrefix + "*.json"))
        {
            BatchJobManifest? manifest;
            if (SafePaths.IsLink(file)) continue;
            try { manifest = JsonSerializer.Deserialize<BatchJobManifest>(LimitedFile.ReadAllBytes(file, LimitedFile.MaxManifestBytes), GeminiJson.Options); }
            catch (Exception ex) when (ex is JsonException or IOException or GeminiArgumentException) { continue; }
            if (manifest == null || !manifest.Rows.Any(r => open.Contains(r.Id))) continue;
            var id = manifest.Name.StartsWith("batches/", StringComparison.Ordinal) ? manifest.Name.Substring(8) : manifest.Name;
            // Rows already received from this job (even failed ones) are not held by it any more.
            var pending = manifest.Rows.Where(r => open.Contains(r.Id) && !(done.TryGetValue(r.Id, out var d) && d.BatchId == id)).ToList();
            if (pending.Count == 0) continue;
            GeminiBatchJob job;
            try { job = await GetAsync(manifest.Name, cancellationToken).ConfigureAwait(false); }
            catch (GeminiApiException ex) when (ex.HttpStatus == 404) { continue; }
            if (job.State is "Failed" or "Cancelled" or "Expired") continue;
            foreach (var row in pending)
            {
                open.Remove(row.Id);
                covered.Add(new CoveredRow(items.First(i => string.Equals(i.Id, row.Id, StringComparison.OrdinalIgnoreCase)), job, null));
            }
        }
        return covered;
    }

    /// <summary>A failed line's google.rpc.Status as an API exception (HTTP status from the gRPC code where known).</summary>
    private static GeminiApiException BatchLineError(JsonElement? error)
    {
        var message = "The batch returned neither a response nor an error for this row.";
        var code = 500;
        string? status = null;
        if (error is { ValueKind: JsonValueKind.Object } e)
        {
            if (e.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.String) message = m.GetString() ?? message;
            if (e.TryGetProperty("status", out var s) && s.ValueKind == JsonValueKind.String) status = s.GetString();
            if (e.TryGetProperty("code", out var c) && c.ValueKind == JsonValueKind.Number)
                code = c.GetInt32() switch { 3 => 400, 5 => 404, 7 => 403, 8 => 429, 13 => 500, 14 => 503, 4 => 504, var other when other >= 100 => other, _ => 500 };
        }
        return new GeminiApiException(code, status, message);
    }
}

