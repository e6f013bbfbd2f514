using GeminiImage.Engine.Cache;

namespace GeminiImage.Engine.Configuration;

/// <summary>Settings a user sets for the session with Set-GeminiConfig; null means "not set here".</summary>
public sealed class SessionConfig
{
    public static SessionConfig Current { get; } = new();

    public string? ApiKey { get; set; }
    /// <summary>The session's connection settings (Set-GeminiConfig without -Profile).</summary>
    public ConnectionProfile Connection { get; private set; } = new();
    /// <summary>The profile Use-GeminiProfile chose for the session.</summary>
    public string? Profile { get; set; }
    public Uri? BaseUri { get => Connection.BaseUri; set => Connection.BaseUri = value; }
    public string? Model { get; set; }
    public int? TimeoutSec { get; set; }
    public int? MaxRetries { get; set; }
    public int? MaxRetryWaitSec { get; set; }
    /// <summary>Client-side pacing of request starts (0: none); the limiter of every call resolves it.</summary>
    public int? RequestsPerMinute { get; set; }
    /// <summary>Requests in flight at once across the session's calls.</summary>
    public int? MaxConcurrency { get; set; }
    public Uri? Proxy { get => Connection.Proxy; set => Connection.Proxy = value; }
    public bool NoPromptLogging { get; set; }
    /// <summary>Send <c>store: false</c> on every generate request of the session (Set-GeminiConfig -NoStore).</summary>
    public bool NoStore { get; set; }
    /// <summary>Response cache mode for the generating cmdlets (null: GEMINI_IMAGE_CACHE, else Off).</summary>
    public CacheMode? Cache { get; set; }
    /// <summary>Size bound of the response cache in MB (null: GEMINI_IMAGE_CACHE_MAX_MB, else 1024).</summary>
    public int? CacheMaxMB { get; set; }
    /// <summary>The session's ledger: a PostgreSQL connection string or "SQLite" (null: saved choice, GEMINI_IMAGE_LEDGER, else SQLite).</summary>
    public string? Ledger { get; set; }

    public void Reset()
    {
        ApiKey = null; Connection = new ConnectionProfile(); Profile = null; Model = null; TimeoutSec = null; MaxRetries = null; MaxRetryWaitSec = null; RequestsPerMinute = null; MaxConcurrency = null; NoPromptLogging = false; NoStore = false;
        Cache = null; CacheMaxMB = null; Ledger = null;
    }
}
