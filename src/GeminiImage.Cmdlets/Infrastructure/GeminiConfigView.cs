using System;
using GeminiImage.Engine.Configuration;
using GeminiImage.Engine.Resilience;

namespace GeminiImage.Cmdlets.Infrastructure;

/// <summary>What Get-GeminiConfig shows: every setting in effect and where the key came from, never the key itself.</summary>
public sealed class GeminiConfigView
{
    public string ApiKey { get; private set; } = "";
    public string ApiKeySource { get; private set; } = "";
    public Uri BaseUri { get; private set; } = null!;
    public string Model { get; private set; } = "";
    public int TimeoutSec { get; private set; }
    public int MaxRetries { get; private set; }
    public int MaxRetryWaitSec { get; private set; }
    public int RequestsPerMinute { get; private set; }
    public int MaxConcurrency { get; private set; }
    public Uri? Proxy { get; private set; }
    public bool NoPromptLogging { get; private set; }
    public string DataHome { get; private set; } = "";
    /// <summary>ReadWrite, ReadOnly or Off (text, so that this type does not load the engine at import).</summary>
    public string Cache { get; private set; } = "";
    public int CacheMaxMB { get; private set; }

    public static GeminiConfigView Current()
    {
        var session = SessionConfig.Current;
        var key = SettingsResolver.ResolveApiKey(null);
        return new GeminiConfigView
        {
            ApiKey = SettingsResolver.Redact(key),
            ApiKeySource = session.ApiKey != null ? "Set-GeminiConfig"
                : Environment.GetEnvironmentVariable("GEMINI_API_KEY") is { Length: > 0 } ? "GEMINI_API_KEY"
                : Environment.GetEnvironmentVariable("GOOGLE_API_KEY") is { Length: > 0 } ? "GOOGLE_API_KEY" : "(none)",
            BaseUri = SettingsResolver.ResolveBaseUri(null),
            Model = SettingsResolver.ResolveModel(null),
            TimeoutSec = SettingsResolver.ResolveTimeoutSec(),
            MaxRetries = SettingsResolver.ResolveMaxRetries(),
            MaxRetryWaitSec = SettingsResolver.ResolveMaxRetryWaitSec(),
            RequestsPerMinute = RequestLimiter.Shared.RequestsPerMinute,
            MaxConcurrency = RequestLimiter.Shared.MaxConcurrency,
            Proxy = session.Proxy,
            NoPromptLogging = session.NoPromptLogging,
            DataHome = GeminiEnvironment.DataHome,
            Cache = SettingsResolver.ResolveCacheMode(null).ToString(),
            CacheMaxMB = SettingsResolver.ResolveCacheMaxMB(),
        };
    }
}
