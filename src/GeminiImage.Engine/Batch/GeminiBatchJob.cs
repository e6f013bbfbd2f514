using GeminiImage.Engine.Api;
using GeminiImage.Engine.Catalog;

namespace GeminiImage.Engine.Batch;

/// <summary>A server-side batch job (reference §9.3), as the job cmdlets emit it.</summary>
/// <param name="Name">"batches/…", the id the API uses.</param>
/// <param name="Id">The name without "batches/".</param>
/// <param name="State">Pending, Running, Succeeded, Failed, Cancelled, Expired (the wire's BATCH_STATE_ without the prefix).</param>
/// <param name="InputMode">Inline or File: how the requests were sent (known for jobs submitted from this machine).</param>
/// <param name="OutputDirectory">Where Receive-GeminiBatchJob saves the images (known for jobs submitted from this machine).</param>
/// <param name="Error">The operation's error (google.rpc.Status) of a failed job: "code 13: message"; null otherwise.</param>
public sealed record GeminiBatchJob(
    string Name, string Id, string State, bool Done, string? Model, string? DisplayName, DateTime? CreateTime,
    DateTime? UpdateTime, DateTime? EndTime, long RequestCount, long SucceededCount, long FailedCount, long PendingCount,
    string? InputMode, string? OutputDirectory, string? ResponsesFile, string? Error)
{
    public override string ToString() => Name;

    /// <param name="dataFolder">Where this machine's manifests are (for the job's input mode and output folder); null: not looked up.</param>
    public static GeminiBatchJob From(BatchOperation op, string? dataFolder)
    {
        var name = op.Name ?? "";
        var id = name.StartsWith("batches/", StringComparison.Ordinal) ? name.Substring(8) : name;
        var m = op.Metadata;
        var state = m?.State ?? "BATCH_STATE_UNSPECIFIED";
        var stats = m?.BatchStats;
        var manifest = dataFolder == null ? null : BatchJobManifest.TryLoad(dataFolder, id);
        return new GeminiBatchJob(
            name, id, Pascal(state.StartsWith("BATCH_STATE_", StringComparison.Ordinal) ? state.Substring(12) : state), op.Done,
            m?.Model == null ? null : ModelCatalog.StripPrefix(m.Model), m?.DisplayName, Time(m?.CreateTime), Time(m?.UpdateTime),
            Time(m?.EndTime), stats?.RequestCount ?? 0, stats?.SuccessfulRequestCount ?? 0, stats?.FailedRequestCount ?? 0,
            stats?.PendingRequestCount ?? 0, manifest?.InputMode, manifest?.OutputDirectory, m?.Output?.ResponsesFile,
            OperationError(op.Error));
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
