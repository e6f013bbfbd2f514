using System.Net;
using System.Net.Http;

namespace GeminiImage.Engine.Api;

/// <summary>Everything that shapes how the client talks to the API. Built from parameters, session config and environment.</summary>
public sealed class GeminiClientOptions
{
    public static readonly Uri GoogleBaseUri = new("https://generativelanguage.googleapis.com/");

    /// <summary>Scheme, host, port and optional path prefix, with or without a version segment (<c>…/v1beta</c>).</summary>
    public Uri BaseUri { get; set; } = GoogleBaseUri;
    /// <summary>Sent only to <see cref="BaseUri"/>, in the way <see cref="AuthStyle"/> says; never logged.</summary>
    public string? ApiKey { get; set; }
    /// <summary>How the key travels (default: the x-goog-api-key header).</summary>
    public AuthStyle AuthStyle { get; set; } = AuthStyle.Header;
    /// <summary>Replaces the key-based credentials (Vertex AI OAuth tokens).</summary>
    public RequestAuth? Auth { get; set; }
    /// <summary>The API version; null: the base URL's version segment, else v1beta (v1 on Vertex AI).</summary>
    public string? ApiVersion { get; set; }
    public GeminiBackend Backend { get; set; } = GeminiBackend.Developer;
    /// <summary>Vertex AI project; none with an express-mode key.</summary>
    public string? Project { get; set; }
    /// <summary>Vertex AI location (default global).</summary>
    public string? Location { get; set; }
    /// <summary>The connection's name (its profile, else "default"); results and ledger records carry it as their Endpoint.</summary>
    public string? Name { get; set; }
    /// <summary>
    /// Where a generate call goes when this connection fails: a connection error, a 5xx after the retries, or this
    /// connection's circuit open after repeated failures. 4xx answers never fail over.
    /// </summary>
    public GeminiClient? Fallback { get; set; }
    /// <summary>Extra headers a gateway needs, sent only to <see cref="BaseUri"/>; never logged.</summary>
    public IDictionary<string, string> Headers { get; set; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
    /// <summary>Send resumable uploads to <see cref="BaseUri"/> even when the service hands back an upload URL on another host.</summary>
    public bool KeepUploadsOnHost { get; set; }
    /// <summary>One attempt; 2K/4K generations can take minutes (reference §6.6).</summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromMinutes(5);
    /// <summary>All attempts and waits together.</summary>
    public TimeSpan OverallTimeout { get; set; } = TimeSpan.FromMinutes(15);
    public int MaxRetries { get; set; } = 4;
    /// <summary>
    /// The largest generateContent answer read (bytes on the wire, after decompression): past it the call stops with
    /// GeminiImage.ResponseTooLarge instead of filling memory. Default 100 MB (a 4K answer is a few tens of MB), or
    /// GEMINI_IMAGE_MAX_RESPONSE_MB.
    /// </summary>
    public long MaxResponseBytes { get; set; } = DefaultMaxResponseBytes();

    private static long DefaultMaxResponseBytes() =>
        long.TryParse(Environment.GetEnvironmentVariable("GEMINI_IMAGE_MAX_RESPONSE_MB"), System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var mb) && mb > 0
            ? mb * 1048576L
            : 100L * 1048576L;
    /// <summary>The longest total time spent waiting between attempts of one call.</summary>
    public TimeSpan MaxTotalRetryWait { get; set; } = TimeSpan.FromMinutes(5);
    /// <summary>The longest single wait between attempts.</summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(60);
    public IWebProxy? Proxy { get; set; }
    /// <summary>No proxy at all, not even the system's (NO_PROXY names the host).</summary>
    public bool DirectConnection { get; set; }
    /// <summary>For tests: replaces the network stack.</summary>
    public HttpMessageHandler? Handler { get; set; }
    /// <summary>Receives verbose messages (retries, waits); called from any thread.</summary>
    public Action<string>? Verbose { get; set; }
    /// <summary>Receives debug messages (request sizes, timings); called from any thread.</summary>
    public Action<string>? Debug { get; set; }
}
