using System.Text.Json.Serialization;

namespace GeminiImage.Engine.Api;

// The generateContent wire format (reference §3, §4). Unknown members are kept in ExtensionData so that
// a model turn can be sent back exactly as received (reference §10).

public sealed class GenerateContentRequest
{
    public List<Content> Contents { get; set; } = new();
    /// <summary>e.g. <c>[{"googleSearch":{}}]</c> for Search grounding.</summary>
    public List<Tool>? Tools { get; set; }
    public Content? SystemInstruction { get; set; }
    public GenerationConfig? GenerationConfig { get; set; }
    /// <summary>Request-level storage setting ("Logs and datasets"); false asks Google not to store the request. Omitted: the project default.</summary>
    public bool? Store { get; set; }
}

public sealed class Tool
{
    public GoogleSearch? GoogleSearch { get; set; }
}

/// <summary>The googleSearch tool; no searchTypes means web search only.</summary>
public sealed class GoogleSearch
{
    public SearchTypes? SearchTypes { get; set; }
}

public sealed class SearchTypes
{
    public EmptyObject? WebSearch { get; set; }
    public EmptyObject? ImageSearch { get; set; }
}

/// <summary>Serializes as <c>{}</c> (a proto message with no fields set).</summary>
public sealed class EmptyObject
{
}

public sealed class Content
{
    public string? Role { get; set; }
    public List<Part>? Parts { get; set; }
    [JsonExtensionData] public Dictionary<string, JsonElement>? Extra { get; set; }

    /// <summary>"model: text, image/png": what a chat's History shows in Format-List, not the type name.</summary>
    public override string ToString() => $"{Role}: {string.Join(", ", Parts ?? new List<Part>())}";
}

public sealed class Part
{
    public string? Text { get; set; }
    public Blob? InlineData { get; set; }
    public FileData? FileData { get; set; }
    public bool? Thought { get; set; }
    /// <summary>Opaque; never decoded or re-encoded.</summary>
    public string? ThoughtSignature { get; set; }
    [JsonExtensionData] public Dictionary<string, JsonElement>? Extra { get; set; }

    public override string ToString() =>
        InlineData != null ? InlineData.MimeType
        : FileData != null ? FileData.FileUri
        : Text == null ? "(empty)"
        : (Thought == true ? "thought: " : "") + (Text.Length > 40 ? Text.Substring(0, 39) + "…" : Text);

    public static Part FromText(string text) => new() { Text = text };
    public static Part FromImage(byte[] data, string mimeType) => new() { InlineData = new Blob { MimeType = mimeType, Data = data } };
}

public sealed class Blob
{
    private byte[]? _data;
    private ImageBytes? _decoded;

    public string MimeType { get; set; } = "";

    /// <summary>
    /// Raw bytes; the serializer converts them to and from standard base64 without an intermediate string. An answer's
    /// image is made one array only when this is read (a chat's history): saving it reads <see cref="Decoded"/>.
    /// </summary>
    public byte[] Data
    {
        get => _data ??= _decoded?.ToArray() ?? System.Array.Empty<byte>();
        set { _data = value; _decoded = null; }
    }

    /// <summary>An answer's image as it was decoded from the wire, in pooled blocks (<see cref="InlineDataReader"/>).</summary>
    [JsonIgnore]
    internal ImageBytes? Decoded
    {
        get => _decoded;
        set { _decoded = value; _data = null; }
    }

    /// <summary>The size of <see cref="Data"/>, without making it an array.</summary>
    internal long Length => _data?.LongLength ?? _decoded?.Length ?? 0;
}

public sealed class FileData
{
    public string MimeType { get; set; } = "";
    public string FileUri { get; set; } = "";
}

public sealed class GenerationConfig
{
    public List<string>? ResponseModalities { get; set; }
    public ImageConfig? ImageConfig { get; set; }
    public double? Temperature { get; set; }
    public int? Seed { get; set; }
    public ThinkingConfig? ThinkingConfig { get; set; }
}

public sealed class ImageConfig
{
    public string? AspectRatio { get; set; }
    public string? ImageSize { get; set; }
}

public sealed class ThinkingConfig
{
    public bool? IncludeThoughts { get; set; }
    public string? ThinkingLevel { get; set; }
}

// The answers below are immutable values that only the serializer creates: positional records.

/// <param name="Error">A streamed chunk can carry an error instead of a response.</param>
public sealed record GenerateContentResponse(
    List<Candidate>? Candidates, PromptFeedback? PromptFeedback, UsageMetadata? UsageMetadata, string? ModelVersion,
    string? ResponseId, JsonElement? Error);

/// <param name="FinishReason">Kept as a string: the API adds values over time (reference §4.1).</param>
public sealed record Candidate(
    Content? Content, string? FinishReason, string? FinishMessage, int? Index, GroundingMetadata? GroundingMetadata);

/// <summary>candidates[].groundingMetadata with Google Search (and image search) grounding.</summary>
public sealed record GroundingMetadata(
    List<string>? WebSearchQueries, List<string>? ImageSearchQueries, SearchEntryPoint? SearchEntryPoint,
    List<GroundingChunk>? GroundingChunks);

/// <param name="RenderedContent">HTML and CSS that Google requires apps to show with grounded results ("Search Suggestions").</param>
public sealed record SearchEntryPoint(string? RenderedContent);

public sealed record GroundingChunk(GroundingChunkWeb? Web, GroundingChunkImage? Image);

public sealed record GroundingChunkWeb(string? Uri, string? Title, string? Domain);

public sealed record GroundingChunkImage(string? SourceUri, string? ImageUri, string? Title, string? Domain);

public sealed record PromptFeedback(string? BlockReason);

public sealed record UsageMetadata(
    int PromptTokenCount, int CachedContentTokenCount, int CandidatesTokenCount, int ToolUsePromptTokenCount,
    int ThoughtsTokenCount, int TotalTokenCount, List<ModalityTokenCount>? PromptTokensDetails,
    List<ModalityTokenCount>? CandidatesTokensDetails);

public sealed record ModalityTokenCount(string? Modality, int TokenCount);

/// <summary>Shared serializer settings: camelCase, nulls omitted, tolerant of unknown members.</summary>
public static class GeminiJson
{
    public static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        PropertyNameCaseInsensitive = true,
        NumberHandling = JsonNumberHandling.AllowReadingFromString,
    };
}
