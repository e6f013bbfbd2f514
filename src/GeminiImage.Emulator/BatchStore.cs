using System.Collections.Concurrent;
using System.Globalization;
using GeminiImage.Engine.Catalog;

namespace GeminiImage.Emulator;

/// <summary>One request of a batch and, once processed, its response or error.</summary>
internal sealed class BatchRow
{
    public string? Key { get; set; }
    public string RequestJson { get; set; } = "{}";
    public string? MetadataJson { get; set; }
    public byte[]? Response { get; set; }
    public GoogleError? Error { get; set; }
}

/// <summary>A batch job (reference §9.3); state changes happen under <see cref="Gate"/>.</summary>
internal sealed class BatchJob
{
    public object Gate { get; } = new();
    public string Id { get; set; } = "";
    public ModelInfo Model { get; set; } = null!;
    public string? DisplayName { get; set; }
    public string State { get; set; } = BatchStore.Pending;
    public DateTimeOffset CreateTime { get; set; }
    public DateTimeOffset UpdateTime { get; set; }
    public DateTimeOffset? EndTime { get; set; }
    public List<BatchRow> Rows { get; } = new();
    public bool FileInput { get; set; }
    public string? ResponsesFile { get; set; }
    public bool Processing { get; set; }
    /// <summary>The operation error of a failed job.</summary>
    public GoogleError? Error { get; set; }

    public bool Done => State == BatchStore.Succeeded || State == BatchStore.Failed || State == BatchStore.Cancelled || State == BatchStore.Expired;
}

/// <summary>In-memory Batch API: jobs move PENDING → RUNNING → SUCCEEDED, automatically or one step per <see cref="Advance"/>.</summary>
internal sealed class BatchStore
{
    public const string Pending = "BATCH_STATE_PENDING";
    public const string Running = "BATCH_STATE_RUNNING";
    public const string Succeeded = "BATCH_STATE_SUCCEEDED";
    public const string Failed = "BATCH_STATE_FAILED";
    public const string Cancelled = "BATCH_STATE_CANCELLED";
    public const string Expired = "BATCH_STATE_EXPIRED";
    private const int InlineLimitBytes = 20 * 1024 * 1024;

    private readonly ConcurrentDictionary<string, BatchJob> _jobs = new();
    private readonly FileStore _files;
    private readonly Func<string> _newSignature;
    private readonly Func<string, bool>? _isKnownSignature;

    public BatchStore(FileStore files, Func<string> newSignature, Func<string, bool>? isKnownSignature)
    {
        _files = files;
        _newSignature = newSignature;
        _isKnownSignature = isKnownSignature;
    }

    public void Clear() => _jobs.Clear();

    public bool TryGet(string id, out BatchJob job) => _jobs.TryGetValue(id, out job!);

    public bool Remove(string id) => _jobs.TryRemove(id, out _);

    public IReadOnlyList<BatchJob> List() => _jobs.Values.OrderByDescending(j => j.CreateTime).ThenBy(j => j.Id, StringComparer.Ordinal).ToList();

    /// <summary>Creates a job from a batchGenerateContent body (reference §9.2).</summary>
    public BatchJob Create(ModelInfo model, JsonElement root, int bodyLength)
    {
        if (!root.TryProp("batch", out var batch) || batch.ValueKind != JsonValueKind.Object)
            throw GoogleError.InvalidArgument("* BatchGenerateContentRequest.batch: batch is required\n");
        Wire.CheckFields(batch, "batch", "displayName", "inputConfig", "model", "priority", "webhookConfig", "name");
        if (!batch.TryProp("inputConfig", out var input))
            throw GoogleError.InvalidArgument("* BatchGenerateContentRequest.batch.input_config: input_config is required\n");
        var job = new BatchJob { Id = Wire.NewId(40), Model = model, DisplayName = batch.Str("displayName"), CreateTime = DateTimeOffset.UtcNow };
        job.UpdateTime = job.CreateTime;
        if (input.TryProp("requests", out var requests))
        {
            if (bodyLength > InlineLimitBytes)
                throw GoogleError.InvalidArgument($"Request payload size exceeds the limit: {InlineLimitBytes} bytes.");
            if (!requests.TryProp("requests", out var list) || list.ValueKind != JsonValueKind.Array || list.GetArrayLength() == 0)
                throw GoogleError.InvalidArgument("* BatchGenerateContentRequest.batch.input_config.requests.requests: requests must not be empty\n");
            foreach (var item in list.EnumerateArray())
            {
                if (!item.TryProp("request", out var request))
                    throw GoogleError.InvalidArgument("* BatchGenerateContentRequest.batch.input_config.requests.requests.request: request is required\n");
                job.Rows.Add(new BatchRow
                {
                    RequestJson = request.GetRawText(),
                    MetadataJson = item.TryProp("metadata", out var meta) ? meta.GetRawText() : null,
                });
            }
        }
        else if (input.Str("fileName") is { } fileName)
        {
            job.FileInput = true;
            var file = _files.Resolve(fileName) ?? throw GoogleError.NotFound($"File {fileName} not found.");
            ReadJsonl(job, file.Data);
        }
        else
        {
            throw GoogleError.InvalidArgument("* BatchGenerateContentRequest.batch.input_config: one of requests or file_name is required\n");
        }
        _jobs[job.Id] = job;
        return job;
    }

    private static void ReadJsonl(BatchJob job, byte[] data)
    {
        using var reader = new StringReader(Encoding.UTF8.GetString(data));
        foreach (var (number, line) in GeminiImage.Engine.IO.TextLines.NonBlank(reader))
        {
            try
            {
                using var doc = JsonDocument.Parse(line);
                if (!doc.RootElement.TryProp("request", out var request)) throw new FormatException();
                job.Rows.Add(new BatchRow { Key = doc.RootElement.Str("key"), RequestJson = request.GetRawText() });
            }
            catch (Exception e) when (e is JsonException || e is FormatException)
            {
                throw GoogleError.InvalidArgument($"Invalid input file: line {number} is not a JSON object with a \"request\".");
            }
        }
        if (job.Rows.Count == 0) throw GoogleError.InvalidArgument("Invalid input file: it contains no requests.");
    }

    /// <summary>Moves a job one step: PENDING → RUNNING, RUNNING → processed and SUCCEEDED. Returns the new state.</summary>
    public string Advance(BatchJob job)
    {
        lock (job.Gate)
        {
            if (job.State == Pending)
            {
                Touch(job, Running);
                return job.State;
            }
            if (job.State != Running || job.Processing) return job.State;
            job.Processing = true;
        }
        try
        {
            // "[emulator:batchfail]" in any prompt fails the whole job, as a job can fail at Google (Operation.error).
            if (job.Rows.Any(r => r.RequestJson.IndexOf("[emulator:batchfail]", StringComparison.Ordinal) >= 0))
            {
                lock (job.Gate)
                {
                    job.Error = new GoogleError(13, "INTERNAL", "Batch job failed: an internal error occurred while processing the input. Please retry the job.");
                    Touch(job, Failed);
                    return job.State;
                }
            }
            foreach (var row in job.Rows)
            {
                if (job.State != Running) break;
                Process(job.Model, row);
            }
            lock (job.Gate)
            {
                if (job.State == Running)
                {
                    if (job.FileInput) job.ResponsesFile = WriteResultsFile(job);
                    Touch(job, Succeeded);
                }
                return job.State;
            }
        }
        finally
        {
            lock (job.Gate) job.Processing = false;
        }
    }

    public void Cancel(BatchJob job)
    {
        lock (job.Gate)
            if (!job.Done) Touch(job, Cancelled);
    }

    private static void Touch(BatchJob job, string state)
    {
        job.State = state;
        job.UpdateTime = DateTimeOffset.UtcNow;
        if (job.Done) job.EndTime = job.UpdateTime;
    }

    private void Process(ModelInfo model, BatchRow row)
    {
        try
        {
            using var doc = JsonDocument.Parse(row.RequestJson);
            var call = GenerateCall.Parse(model, doc.RootElement, _files, _isKnownSignature);
            var outcome = Outcome.Image;
            // Batch rows honour the prompt directives only; queued faults are for online requests.
            switch (FaultQueue.FromDirective(call.Prompt)?.Kind)
            {
                case EmulatorFaultKind.PromptBlocked: outcome = Outcome.PromptBlocked; break;
                case EmulatorFaultKind.ImageSafety: outcome = Outcome.ImageSafety; break;
                case EmulatorFaultKind.TextOnly: outcome = Outcome.TextOnly; break;
                case EmulatorFaultKind.ServerError500: throw GoogleError.Internal();
                case EmulatorFaultKind.Unavailable503: throw GoogleError.Unavailable();
                case EmulatorFaultKind.BadRequest400: throw GoogleError.InvalidArgument("Request contains an invalid argument.");
            }
            row.Response = ResponseBuilder.Build(call, outcome, _newSignature);
        }
        catch (GoogleError e)
        {
            row.Error = e;
        }
    }

    private string WriteResultsFile(BatchJob job)
    {
        using var stream = new MemoryStream();
        foreach (var row in job.Rows)
        {
            var line = Reply.WriteJson(w =>
            {
                w.WriteStartObject();
                if (row.Key != null) w.WriteString("key", row.Key);
                WriteResult(w, row);
                w.WriteEndObject();
            });
            stream.Write(line, 0, line.Length);
            stream.WriteByte((byte)'\n');
        }
        var file = _files.Add("batch-" + job.Id, null, "application/jsonl", stream.ToArray(), "GENERATED");
        return "files/" + file.Id;
    }

    private static void WriteResult(Utf8JsonWriter w, BatchRow row)
    {
        if (row.Response != null)
        {
            w.WritePropertyName("response");
            w.WriteRawValue(row.Response, skipInputValidation: true);
        }
        else if (row.Error != null)
        {
            w.WritePropertyName("error");
            row.Error.WriteStatus(w);
        }
    }

    /// <summary>The Operation-shaped batch resource (reference §9.3).</summary>
    public static void Write(Utf8JsonWriter w, BatchJob job)
    {
        lock (job.Gate)
        {
            w.WriteStartObject();
            w.WriteString("name", "batches/" + job.Id);
            w.WriteStartObject("metadata");
            w.WriteString("@type", "type.googleapis.com/google.ai.generativelanguage.v1main.GenerateContentBatch");
            w.WriteString("model", "models/" + job.Model.Id);
            w.WriteString("displayName", job.DisplayName ?? "");
            w.WriteString("state", job.State);
            w.WriteString("createTime", Wire.Timestamp(job.CreateTime));
            w.WriteString("updateTime", Wire.Timestamp(job.UpdateTime));
            if (job.EndTime is { } end) w.WriteString("endTime", Wire.Timestamp(end));
            WriteStats(w, job);
            if (job.State == Succeeded)
            {
                w.WriteStartObject("output");
                if (job.FileInput)
                {
                    w.WriteString("responsesFile", job.ResponsesFile);
                }
                else
                {
                    w.WriteStartObject("inlinedResponses");
                    w.WriteStartArray("inlinedResponses");
                    foreach (var row in job.Rows)
                    {
                        w.WriteStartObject();
                        WriteResult(w, row);
                        if (row.MetadataJson != null)
                        {
                            w.WritePropertyName("metadata");
                            w.WriteRawValue(row.MetadataJson, skipInputValidation: true);
                        }
                        w.WriteEndObject();
                    }
                    w.WriteEndArray();
                    w.WriteEndObject();
                }
                w.WriteEndObject();
            }
            w.WriteString("name", "batches/" + job.Id);
            w.WriteEndObject();
            w.WriteBoolean("done", job.Done);
            if (job.Error != null)
            {
                // Operation.error is a google.rpc.Status with the canonical (gRPC) code, not the HTTP one.
                w.WriteStartObject("error");
                w.WriteNumber("code", job.Error.Code);
                w.WriteString("message", job.Error.Message);
                w.WriteEndObject();
            }
            w.WriteEndObject();
        }
    }

    private static void WriteStats(Utf8JsonWriter w, BatchJob job)
    {
        var ok = job.Rows.Count(r => r.Response != null);
        var failed = job.Rows.Count(r => r.Error != null);
        // int64 fields travel as strings in proto JSON.
        w.WriteStartObject("batchStats");
        w.WriteString("requestCount", job.Rows.Count.ToString(CultureInfo.InvariantCulture));
        w.WriteString("successfulRequestCount", ok.ToString(CultureInfo.InvariantCulture));
        w.WriteString("failedRequestCount", failed.ToString(CultureInfo.InvariantCulture));
        w.WriteString("pendingRequestCount", (job.Rows.Count - ok - failed).ToString(CultureInfo.InvariantCulture));
        w.WriteEndObject();
    }
}
