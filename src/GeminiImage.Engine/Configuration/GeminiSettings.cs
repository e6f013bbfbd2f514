using System;
using GeminiImage.Engine.Cache;
using GeminiImage.Engine.Catalog;

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
        ApiKey = null; Connection = new ConnectionProfile(); Profile = null; Model = null; TimeoutSec = null; MaxRetries = null; MaxRetryWaitSec = null; NoPromptLogging = false; NoStore = false;
        Cache = null; CacheMaxMB = null; Ledger = null;
    }
}

/// <summary>Environment variables the module reads (the least specific layer).</summary>
public static class GeminiEnvironment
{
    public static string? ApiKey => Get("GEMINI_API_KEY") ?? Get("GOOGLE_API_KEY");
    public static string? BaseUrl => Get("GEMINI_BASE_URL");
    public static string? Model => Get("GEMINI_IMAGE_MODEL");
    /// <summary>GEMINI_IMAGE_CACHE: Off, ReadOnly or ReadWrite (anything else is ignored).</summary>
    public static CacheMode? Cache => Enum.TryParse<CacheMode>(Get("GEMINI_IMAGE_CACHE") ?? "", true, out var mode) && Enum.IsDefined(typeof(CacheMode), mode) ? mode : null;
    /// <summary>GEMINI_IMAGE_CACHE_MAX_MB: a positive whole number.</summary>
    public static int? CacheMaxMB => int.TryParse(Get("GEMINI_IMAGE_CACHE_MAX_MB"), out var mb) && mb > 0 ? mb : null;

    /// <summary>Ledger, journals, fallback images: GEMINI_IMAGE_HOME, else the per-user application data folder.</summary>
    public static string DataHome => Ledger.DataFolder.Default;

    private static string? Get(string name)
    {
        var value = Environment.GetEnvironmentVariable(name);
        return string.IsNullOrWhiteSpace(value) ? null : value;
    }
}

/// <summary>Where each setting came from, most specific first: parameter, session, environment, default.</summary>
public static class SettingsResolver
{
    public static string ResolveModel(string? parameter) =>
        parameter ?? SessionConfig.Current.Model ?? GeminiEnvironment.Model ?? ModelCatalog.DefaultModelId;

    public static string? ResolveApiKey(string? parameter) =>
        parameter ?? SessionConfig.Current.ApiKey ?? GeminiEnvironment.ApiKey;

    public static Uri ResolveBaseUri(Uri? parameter)
    {
        if (parameter != null) return parameter;
        if (SessionConfig.Current.BaseUri != null) return SessionConfig.Current.BaseUri;
        var env = GeminiEnvironment.BaseUrl;
        if (env != null && Uri.TryCreate(env, UriKind.Absolute, out var uri)) return uri;
        return Api.GeminiClientOptions.GoogleBaseUri;
    }

    /// <summary>-Cache (when given) wins: present = ReadWrite, -Cache:$false = Off; then the session, the environment, Off.</summary>
    public static CacheMode ResolveCacheMode(bool? parameter) =>
        parameter.HasValue ? (parameter.Value ? CacheMode.ReadWrite : CacheMode.Off) : SessionConfig.Current.Cache ?? GeminiEnvironment.Cache ?? CacheMode.Off;

    /// <summary>Per-attempt timeout in seconds: parameter (positive), session, then several minutes (reference §6.6).</summary>
    public static int ResolveTimeoutSec(int parameter = 0) => parameter > 0 ? parameter : SessionConfig.Current.TimeoutSec ?? 300;

    public static int ResolveMaxRetries(int parameter = -1) => parameter >= 0 ? parameter : SessionConfig.Current.MaxRetries ?? 4;

    public static int ResolveMaxRetryWaitSec() => SessionConfig.Current.MaxRetryWaitSec ?? 300;

    public static int ResolveCacheMaxMB() => SessionConfig.Current.CacheMaxMB ?? GeminiEnvironment.CacheMaxMB ?? (int)(ResponseCache.DefaultMaxBytes / 1048576);

    /// <summary>Shows a key as its last four characters only.</summary>
    public static string Redact(string? key) =>
        string.IsNullOrEmpty(key) ? "(not set)" : key!.Length <= 8 ? "****" : "****" + key.Substring(key.Length - 4);
}
