using System;
using System.Collections.Specialized;
using System.Linq;
using System.Management.Automation;
using GeminiImage.Engine.Configuration;
using GeminiImage.Engine.Resilience;

namespace GeminiImage.Cmdlets.Infrastructure;

/// <summary>What Get-GeminiConfig shows: every setting in effect and where it came from, never the key itself.</summary>
public sealed class GeminiConfigView
{
    public string ApiKey { get; private set; } = "";
    public string ApiKeySource { get; private set; } = "";
    /// <summary>The connection profile in effect (-Profile or Use-GeminiProfile), if any.</summary>
    public string? Profile { get; private set; }
    public Uri BaseUri { get; private set; } = null!;
    /// <summary>Header, Bearer or Query (text, so that this type does not load the engine at import).</summary>
    public string AuthStyle { get; private set; } = "";
    public string ApiVersion { get; private set; } = "";
    /// <summary>Developer or Vertex.</summary>
    public string Backend { get; private set; } = "";
    public string? Project { get; private set; }
    public string? Location { get; private set; }
    /// <summary>The project usage is charged to when a call gives no -Project.</summary>
    public string? UsageProject { get; private set; }
    public string? CredentialFile { get; private set; }
    /// <summary>Names of the extra request headers (their values may be secrets).</summary>
    public string[] Headers { get; private set; } = Array.Empty<string>();
    public bool KeepUploadsOnHost { get; private set; }
    public string[] Fallback { get; private set; } = Array.Empty<string>();
    public string Model { get; private set; } = "";
    public int TimeoutSec { get; private set; }
    public int MaxRetries { get; private set; }
    public int MaxRetryWaitSec { get; private set; }
    public int RequestsPerMinute { get; private set; }
    public int MaxConcurrency { get; private set; }
    public Uri? Proxy { get; private set; }
    public bool NoPromptLogging { get; private set; }
    public bool NoStore { get; private set; }
    public string DataHome { get; private set; } = "";
    /// <summary>ReadWrite, ReadOnly or Off (text, so that this type does not load the engine at import).</summary>
    public string Cache { get; private set; } = "";
    public int CacheMaxMB { get; private set; }
    /// <summary>The usage ledger in effect: the SQLite file, or "PostgreSQL host:port/database as user" (never a password).</summary>
    public string Ledger { get; private set; } = "";
    /// <summary>Where the ledger choice came from: Session, Saved (ledger.json), Environment (GEMINI_IMAGE_LEDGER) or Default.</summary>
    public string LedgerSource { get; private set; } = "";
    /// <summary>Where each connection setting came from: parameter, profile 'x', Set-GeminiConfig, an environment variable, default.</summary>
    public OrderedDictionary Sources { get; private set; } = new();

    public static GeminiConfigView Current(PSCmdlet cmdlet, string? profile = null)
    {
        var session = SessionConfig.Current;
        var connection = ConnectionSettings.Resolve(null, null, profile, SecretReader.For(cmdlet), keyErrorsAsSource: true);
        var sources = new OrderedDictionary();
        foreach (var pair in connection.Sources) sources[pair.Key] = pair.Value;
        var ledger = Engine.Ledger.LedgerSettings.Open();
        var endpoint = new Engine.Api.ApiEndpoint(connection.BaseUri, connection.ApiVersion, connection.Backend, connection.Project, connection.Location);
        return new GeminiConfigView
        {
            ApiKey = SettingsResolver.Redact(connection.ApiKey),
            ApiKeySource = connection.Sources[nameof(ConnectionSettings.ApiKey)],
            Profile = connection.ProfileName,
            BaseUri = connection.BaseUri,
            AuthStyle = connection.AuthStyle.ToString(),
            ApiVersion = endpoint.Version,
            Backend = connection.Backend.ToString(),
            Project = connection.Project,
            Location = connection.Location,
            UsageProject = connection.UsageProject,
            CredentialFile = connection.CredentialFile,
            Headers = connection.Headers.Keys.ToArray(),
            KeepUploadsOnHost = connection.KeepUploadsOnHost,
            Fallback = connection.Fallback.ToArray(),
            Model = SettingsResolver.ResolveModel(null),
            TimeoutSec = SettingsResolver.ResolveTimeoutSec(),
            MaxRetries = SettingsResolver.ResolveMaxRetries(),
            MaxRetryWaitSec = SettingsResolver.ResolveMaxRetryWaitSec(),
            RequestsPerMinute = RequestLimiter.Shared.RequestsPerMinute,
            MaxConcurrency = RequestLimiter.Shared.MaxConcurrency,
            Proxy = connection.Proxy == null ? null : new Uri(Engine.Api.ProxyChoice.Redact(connection.Proxy.ToString())),
            NoPromptLogging = session.NoPromptLogging,
            NoStore = session.NoStore,
            DataHome = GeminiEnvironment.DataHome,
            Cache = SettingsResolver.ResolveCacheMode(null).ToString(),
            CacheMaxMB = SettingsResolver.ResolveCacheMaxMB(),
            Ledger = ledger.Location,
            LedgerSource = Engine.Ledger.LedgerSettings.Resolve().Source,
            Sources = sources,
        };
    }
}
