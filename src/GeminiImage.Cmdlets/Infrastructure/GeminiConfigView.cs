using System.Collections.Specialized;

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
    /// <summary>Setting name → where its value came from: Parameter, Session, Saved (profile 'x'), Environment (VARIABLE), Credentials, Default.</summary>
    public OrderedDictionary Sources { get; private set; } = new();
    /// <summary>Every setting with its value and source, as a Name / Value / Source table (the key only as set or not set).</summary>
    public GeminiConfigSetting[] Settings { get; private set; } = Array.Empty<GeminiConfigSetting>();

    public static GeminiConfigView Current(PSCmdlet cmdlet, string? profile = null)
    {
        var settings = SettingsResolver.Resolve(new SettingsParameters { Profile = profile, ReadSecret = SecretReader.For(cmdlet), KeyErrorsAsSource = true });
        var connection = settings.Connection;
        var rows = settings.Rows().Select(r => new GeminiConfigSetting { Name = r.Name, Value = r.Value, Source = r.Source.ToString() }).ToArray();
        var sources = new OrderedDictionary();
        foreach (var row in rows) sources[row.Name] = row.Source;
        var ledger = Engine.Ledger.LedgerSettings.Open();
        var endpoint = new Engine.Api.ApiEndpoint(connection.BaseUri, connection.ApiVersion, connection.Backend, connection.Project, connection.Location);
        return new GeminiConfigView
        {
            ApiKey = SettingsResolver.Redact(connection.ApiKey),
            ApiKeySource = connection.Sources[nameof(ConnectionSettings.ApiKey)].ToString(),
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
            Model = settings.Model.Value,
            TimeoutSec = settings.TimeoutSec.Value,
            MaxRetries = settings.MaxRetries.Value,
            MaxRetryWaitSec = settings.MaxRetryWaitSec.Value,
            RequestsPerMinute = settings.RequestsPerMinute.Value,
            MaxConcurrency = settings.MaxConcurrency.Value,
            Proxy = connection.Proxy == null ? null : new Uri(Engine.Api.ProxyChoice.Redact(connection.Proxy.ToString())),
            NoPromptLogging = settings.NoPromptLogging.Value,
            NoStore = settings.NoStore.Value,
            DataHome = settings.DataHome.Value,
            Cache = settings.Cache.Value.ToString(),
            CacheMaxMB = settings.CacheMaxMB.Value,
            Ledger = ledger.Location,
            LedgerSource = settings.Ledger.Source.ToString(),
            Sources = sources,
            Settings = rows,
        };
    }
}
