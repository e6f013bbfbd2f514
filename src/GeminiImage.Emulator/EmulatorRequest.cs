namespace GeminiImage.Emulator;

/// <summary>One API request the emulator received. The API key itself is never stored.</summary>
public sealed class EmulatorRequest
{
    internal EmulatorRequest() { }

    /// <summary>When the request arrived.</summary>
    public DateTimeOffset Time { get; internal set; }

    /// <summary>HTTP method.</summary>
    public string Method { get; internal set; } = "";

    /// <summary>URL path without the query string (which may carry a key), e.g. <c>/v1beta/models/gemini-2.5-flash-image:generateContent</c>.</summary>
    public string Path { get; internal set; } = "";

    /// <summary>Model id from the path, without the <c>models/</c> prefix; null for non-model endpoints.</summary>
    public string? Model { get; internal set; }

    /// <summary>Joined text parts of the last user turn (generate requests).</summary>
    public string? Prompt { get; internal set; }

    /// <summary>Number of input images across all turns.</summary>
    public int InputImageCount => InputImageHashes.Count;

    /// <summary>Lower-case hex SHA-256 of each input image across all turns, in request order.</summary>
    public IReadOnlyList<string> InputImageHashes { get; internal set; } = Array.Empty<string>();

    /// <summary>Number of entries in <c>contents</c>.</summary>
    public int ContentsCount { get; internal set; }

    /// <summary>Every <c>thoughtSignature</c> found in the request, in order.</summary>
    public IReadOnlyList<string> ThoughtSignatures { get; internal set; } = Array.Empty<string>();

    /// <summary>The request body when it was JSON (null for uploads and bodiless requests).</summary>
    /// <remarks>Kept as the bytes received and made text when asked: an edit's body is megabytes of base64, rarely read.</remarks>
    public string? RawJson
    {
        get => _rawJson ??= _body == null ? null : Encoding.UTF8.GetString(_body);
        internal set { _rawJson = value; _body = null; }
    }

    private string? _rawJson;
    private byte[]? _body;

    /// <summary>Sets <see cref="RawJson"/> from the body's UTF-8 bytes, decoded only if it is read.</summary>
    internal void SetRawJson(byte[] body) { _body = body; _rawJson = null; }

    /// <summary>generationConfig.imageConfig.aspectRatio, if sent.</summary>
    public string? AspectRatio { get; internal set; }

    /// <summary>generationConfig.imageConfig.imageSize, if sent.</summary>
    public string? ImageSize { get; internal set; }

    /// <summary>Whether the request carried an API key at all.</summary>
    public bool ApiKeyPresent { get; internal set; }

    /// <summary>Where the credentials came: "Header" (x-goog-api-key), "Bearer" (Authorization) or "Query" (?key=); null without any.</summary>
    public string? AuthStyle { get; internal set; }

    /// <summary>Names (never values) of the request headers, e.g. to see a gateway's extra headers arrive.</summary>
    public IReadOnlyList<string> HeaderNames { get; internal set; } = Array.Empty<string>();

    /// <summary>Whether the key was accepted.</summary>
    public bool ApiKeyValid { get; internal set; }

    /// <summary>The fault or prompt directive applied to this request, if any (e.g. "RateLimited429").</summary>
    public string? Fault { get; internal set; }

    /// <summary>HTTP status of the answer; 0 while the request is still in flight (or hung).</summary>
    public int StatusCode { get; internal set; }

    /// <summary>Images in the answer as sent: 0 for errors, blocks, text-only answers and bodies that were cut or broken.</summary>
    public int ImagesReturned { get; internal set; }

    /// <summary>The usageMetadata of a whole generateContent answer (null for errors and broken bodies): what Google bills.</summary>
    public EmulatorUsage? Usage { get; internal set; }

    /// <inheritdoc />
    public override string ToString() => $"{Method} {Path} -> {StatusCode}";
}
