using GeminiImage.Engine.Api;

namespace GeminiImage.Engine.Batch;

/// <summary>One result line of a server batch job: its row key (when Google echoed it), its place, and the answer or the error.</summary>
public sealed class BatchResultLine
{
    public BatchResultLine(string? key, int index, GenerateContentResponse? response, JsonElement? error)
    {
        Key = key;
        Index = index;
        Response = response;
        Error = error;
    }

    public string? Key { get; }
    public int Index { get; }
    public GenerateContentResponse? Response { get; }
    /// <summary>The line's google.rpc.Status when there is no response.</summary>
    public JsonElement? Error { get; }
}
