using GeminiImage.Engine.Api;

namespace GeminiImage.Engine.Batch;

/// <summary>One result line of a server batch job: its row key (when Google echoed it), its place, and the answer or the error.</summary>
public sealed class BatchResultLine(string? key, int index, GenerateContentResponse? response, JsonElement? error)
{
    public string? Key { get; } = key;
    public int Index { get; } = index;
    public GenerateContentResponse? Response { get; } = response;
    /// <summary>The line's google.rpc.Status when there is no response.</summary>
    public JsonElement? Error { get; } = error;
}
