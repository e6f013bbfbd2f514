namespace GeminiImage.Engine.Api;

/// <summary>A Files API file resource (reference §8.1); sizes are int64-as-string on the wire.</summary>
public sealed class GeminiFile
{
    public string Name { get; set; } = "";
    public string? DisplayName { get; set; }
    public string? MimeType { get; set; }
    public string? SizeBytes { get; set; }
    public string? Uri { get; set; }
    public string? State { get; set; }
}

/// <summary>The <c>{"file": {...}}</c> answer of a finished upload.</summary>
public sealed class GeminiFileEnvelope
{
    public GeminiFile? File { get; set; }
}

/// <summary>The Operation-shaped batch resource (reference §9.3).</summary>
public sealed class BatchOperation
{
    public string Name { get; set; } = "";
    public BatchMetadata? Metadata { get; set; }
    public bool Done { get; set; }
    public JsonElement? Error { get; set; }
}

public sealed class BatchMetadata
{
    public string? Model { get; set; }
    public string? DisplayName { get; set; }
    public string? State { get; set; }
    public string? CreateTime { get; set; }
    public string? UpdateTime { get; set; }
    public string? EndTime { get; set; }
    public BatchStats? BatchStats { get; set; }
    public BatchOutput? Output { get; set; }
}

/// <summary>Counts travel as int64 strings; AllowReadingFromString reads them into longs.</summary>
public sealed class BatchStats
{
    public long RequestCount { get; set; }
    public long SuccessfulRequestCount { get; set; }
    public long FailedRequestCount { get; set; }
    public long PendingRequestCount { get; set; }
}

public sealed class BatchOutput
{
    public string? ResponsesFile { get; set; }
    /// <summary>Note the doubled key on the wire: <c>output.inlinedResponses.inlinedResponses</c>.</summary>
    public InlinedResponses? InlinedResponses { get; set; }
}

public sealed class InlinedResponses
{
    [System.Text.Json.Serialization.JsonPropertyName("inlinedResponses")]
    public List<InlinedResponse>? Items { get; set; }
}

public sealed class InlinedResponse
{
    public GenerateContentResponse? Response { get; set; }
    public JsonElement? Error { get; set; }
    public JsonElement? Metadata { get; set; }
}

/// <summary>The answer of GET v1beta/batches.</summary>
public sealed class BatchOperationList
{
    public List<BatchOperation>? Operations { get; set; }
    public string? NextPageToken { get; set; }
}
