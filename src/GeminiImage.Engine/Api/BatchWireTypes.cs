using System.Text.Json.Serialization;

namespace GeminiImage.Engine.Api;

// Answers of the Files and Batch APIs: immutable values that only the serializer creates.

/// <summary>A Files API file resource (reference §8.1); sizes are int64-as-string on the wire.</summary>
public sealed record GeminiFile(string? Name, string? DisplayName, string? MimeType, string? SizeBytes, string? Uri, string? State);

/// <summary>The <c>{"file": {...}}</c> answer of a finished upload.</summary>
public sealed record GeminiFileEnvelope(GeminiFile? File);

/// <summary>The Operation-shaped batch resource (reference §9.3).</summary>
public sealed record BatchOperation(string? Name, BatchMetadata? Metadata, bool Done, JsonElement? Error);

public sealed record BatchMetadata(
    string? Model, string? DisplayName, string? State, string? CreateTime, string? UpdateTime, string? EndTime,
    BatchStats? BatchStats, BatchOutput? Output);

/// <summary>Counts travel as int64 strings; AllowReadingFromString reads them into longs.</summary>
public sealed record BatchStats(long RequestCount, long SuccessfulRequestCount, long FailedRequestCount, long PendingRequestCount);

/// <param name="InlinedResponses">Note the doubled key on the wire: <c>output.inlinedResponses.inlinedResponses</c>.</param>
public sealed record BatchOutput(string? ResponsesFile, InlinedResponses? InlinedResponses);

/// <param name="Items">The inner <c>inlinedResponses</c> array.</param>
public sealed record InlinedResponses([property: JsonPropertyName("inlinedResponses")] List<InlinedResponse>? Items);

public sealed record InlinedResponse(GenerateContentResponse? Response, JsonElement? Error, JsonElement? Metadata);

/// <summary>The answer of GET v1beta/batches.</summary>
public sealed record BatchOperationList(List<BatchOperation>? Operations, string? NextPageToken);
