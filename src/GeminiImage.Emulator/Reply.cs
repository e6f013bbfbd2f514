using System.Text.Encodings.Web;

namespace GeminiImage.Emulator;

/// <summary>A complete HTTP answer, built before anything is written so the status is known up front.</summary>
internal sealed class Reply(int statusCode, byte[] body, string contentType = Reply.JsonType)
{
    public const string JsonType = "application/json; charset=UTF-8";

    public int StatusCode { get; } = statusCode;
    public byte[] Body { get; } = body;
    public string ContentType { get; } = contentType;
    public List<KeyValuePair<string, string>> Headers { get; } = new();

    public Reply WithHeader(string name, string value)
    {
        Headers.Add(new KeyValuePair<string, string>(name, value));
        return this;
    }

    public static Reply Json(int statusCode, Action<Utf8JsonWriter> write) => new(statusCode, WriteJson(write));

    /// <summary>200 with <c>{}</c>: Google's answer to a delete or cancel, and the control API's to a change.</summary>
    public static Reply EmptyObject() => Json(200, w => { w.WriteStartObject(); w.WriteEndObject(); });

    public static Reply Text(int statusCode, string body, string contentType) => new(statusCode, Encoding.UTF8.GetBytes(body), contentType);

    // Google does not escape '+' or '<' in its JSON; relaxed escaping keeps base64 signatures byte-identical on the wire.
    private static readonly JsonWriterOptions s_writerOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static byte[] WriteJson(Action<Utf8JsonWriter> write)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, s_writerOptions))
            write(writer);
        return stream.ToArray();
    }
}
