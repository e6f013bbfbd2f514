using GeminiImage.Engine.Api;
using GeminiImage.Engine.Catalog;

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

    /// <param name="dataFolder">Where this machine's manifests are (for the job's input mode and output folder); null: not looked up.</param>
    public static GeminiBatchJob From(BatchOperation op, string? dataFolder)
    {
        var m = op.Metadata;
        var state = m?.State ?? "BATCH_STATE_UNSPECIFIED";
        var job = new GeminiBatchJob
        {
            Name = op.Name ?? "",
            State = Pascal(state.StartsWith("BATCH_STATE_", StringComparison.Ordinal) ? state.Substring(12) : state),
            Done = op.Done,
            Model = m?.Model == null ? null : ModelCatalog.StripPrefix(m.Model),
            DisplayName = m?.DisplayName,
            CreateTime = Time(m?.CreateTime),
            UpdateTime = Time(m?.UpdateTime),
            EndTime = Time(m?.EndTime),
            RequestCount = m?.BatchStats?.RequestCount ?? 0,
            SucceededCount = m?.BatchStats?.SuccessfulRequestCount ?? 0,
            FailedCount = m?.BatchStats?.FailedRequestCount ?? 0,
            PendingCount = m?.BatchStats?.PendingRequestCount ?? 0,
            ResponsesFile = m?.Output?.ResponsesFile,
            Error = OperationError(op.Error),
        };
        if (dataFolder != null && BatchJobManifest.TryLoad(dataFolder, job.Id) is { } manifest)
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
