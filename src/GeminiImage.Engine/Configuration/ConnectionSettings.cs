using System.Collections.Concurrent;
using System.Net;
using GeminiImage.Engine.Api;

namespace GeminiImage.Engine.Configuration;

/// <summary>
/// The connection in effect for one call, with where each value came from: cmdlet parameters, then the profile
/// (-Profile, else Use-GeminiProfile), then Set-GeminiConfig, then the environment, then the default. Part of
/// <see cref="EffectiveSettings"/>; resolve it through <see cref="SettingsResolver"/>. Unchanged once resolved: a
/// project that only the Vertex AI credentials name is filled in on a copy (<see cref="WithCredentials"/>).
/// </summary>
public sealed class ConnectionSettings
{
    // One credential per key file (and its version) for the process, so that its token is fetched once and reused.
    private static readonly ConcurrentDictionary<string, GoogleTokenAuth> s_tokenAuth = new(StringComparer.Ordinal);
    private Dictionary<string, SettingSource> _sources = new(StringComparer.Ordinal);
    // Set on the copy WithCredentials makes: the Vertex AI credentials a call sends with.
    private GoogleTokenAuth? _credentials;

    public string? ProfileName { get; private set; }
    /// <summary>Who chose the profile in effect: -Profile (Parameter) or Use-GeminiProfile (Session).</summary>
    public SettingSource ProfileSource { get; private set; } = SettingSource.Default;
    public Uri BaseUri { get; private set; } = GeminiClientOptions.GoogleBaseUri;
    public AuthStyle AuthStyle { get; private set; }
    public string? ApiVersion { get; private set; }
    public IDictionary<string, string> Headers { get; private set; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
    public bool KeepUploadsOnHost { get; private set; }
    public GeminiBackend Backend { get; private set; }
    public string? Project { get; private set; }
    public string? Location { get; private set; }
    /// <summary>The project usage is charged to when a call gives no -Project (a profile or session setting).</summary>
    public string? UsageProject { get; private set; }
    public string? CredentialFile { get; private set; }
    /// <summary>The explicit proxy (parameter, profile, session), or the one from HTTPS_PROXY; null: direct or the system's.</summary>
    public Uri? Proxy => ProxyChoice.Address;
    /// <summary>Which proxy, and why (explicit, HTTPS_PROXY/HTTP_PROXY, NO_PROXY, system).</summary>
    public ProxyChoice ProxyChoice { get; private set; } = null!;
    public IReadOnlyList<string> Fallback { get; private set; } = Array.Empty<string>();
    /// <summary>The key; never shown, logged or saved.</summary>
    public string? ApiKey { get; private set; }

    /// <summary>Setting name → where its value came from.</summary>
    public IReadOnlyDictionary<string, SettingSource> Sources => _sources;

    /// <param name="parameters">The cmdlet's own connection parameters.</param>
    /// <param name="apiKeyParameter">-ApiKey, in plain text.</param>
    /// <param name="profileName">-Profile; null: the session's Use-GeminiProfile choice.</param>
    /// <param name="readSecret">Reads a SecretManagement secret by name (throws when that module is missing).</param>
    /// <param name="keyErrorsAsSource">For display: a key that cannot be read is reported in <see cref="Sources"/> instead of thrown.</param>
    /// <param name="asFallback">Resolving a fallback profile: its own fallback list is not followed.</param>
    /// <param name="layers">Default: this process's session, profiles and environment.</param>
    public static ConnectionSettings Resolve(ConnectionProfile? parameters, string? apiKeyParameter, string? profileName, Func<string, string?>? readSecret,
        bool keyErrorsAsSource = false, bool asFallback = false, SettingsLayers? layers = null)
    {
        var all = layers ?? SettingsLayers.Process;
        var session = all.Session;
        var name = profileName ?? session.Profile;
        var profile = name == null ? ((ConnectionProfile Profile, bool Saved)?)null : all.Profile(name);
        // "Saved (profile 'x')" or, for a profile not saved, "Session (profile 'x')".
        var profileSource = new SettingSource(profile?.Saved == true ? SettingOrigin.Saved : SettingOrigin.Session, $"profile '{name}'");
        var sessionLayer = (SettingSource.Session, session.Connection);
        var environmentLayer = (SettingSource.Environment(GeminiEnvironment.BaseUrlVariable), new ConnectionProfile { BaseUri = all.Environment.BaseUri });
        var layerList = new List<(SettingSource Source, ConnectionProfile Layer)>();
        if (parameters != null) layerList.Add((SettingSource.Parameter, parameters));
        if (profile is { } p) layerList.Add((profileSource, p.Profile));
        layerList.Add(sessionLayer);
        layerList.Add(environmentLayer);

        var s = new ConnectionSettings { ProfileName = name, _environment = all.Environment, _sessionKey = session.ApiKey };
        if (profile != null) s.ProfileSource = profileName != null ? SettingSource.Parameter : new SettingSource(SettingOrigin.Session, "Use-GeminiProfile");
        T? Pick<T>(string setting, Func<ConnectionProfile, T?> get) where T : class
        {
            foreach (var (source, layer) in layerList)
                if (get(layer) is { } value) { s._sources[setting] = source; return value; }
            s._sources[setting] = SettingSource.Default;
            return null;
        }
        T? PickValue<T>(string setting, Func<ConnectionProfile, T?> get) where T : struct
        {
            foreach (var (source, layer) in layerList)
                if (get(layer) is { } value) { s._sources[setting] = source; return value; }
            s._sources[setting] = SettingSource.Default;
            return null;
        }

        s.Backend = PickValue(nameof(Backend), l => l.Backend) ?? GeminiBackend.Developer;
        s.Location = Pick(nameof(Location), l => l.Location);
        s.BaseUri = ApiEndpoint.CheckBaseUri(Pick(nameof(BaseUri), l => l.BaseUri) ?? (s.Backend == GeminiBackend.Vertex ? ApiEndpoint.VertexHost(s.Location) : GeminiClientOptions.GoogleBaseUri));
        s.AuthStyle = PickValue(nameof(AuthStyle), l => l.AuthStyle) ?? AuthStyle.Header;
        s.ApiVersion = Pick(nameof(ApiVersion), l => l.ApiVersion);
        s.Headers = Pick(nameof(Headers), l => l.Headers) ?? new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        s.KeepUploadsOnHost = PickValue(nameof(KeepUploadsOnHost), l => l.KeepUploadsOnHost) ?? false;
        s.Project = Pick(nameof(Project), l => l.Project);
        s.UsageProject = Pick(nameof(UsageProject), l => l.UsageProject);
        s.CredentialFile = Pick(nameof(CredentialFile), l => l.CredentialFile);
        var proxy = Pick(nameof(Proxy), l => l.Proxy);
        var proxySource = s._sources[nameof(Proxy)];
        s.ProxyChoice = ProxyChoice.For(s.BaseUri, proxy, proxySource.ToString(), all.Environment.Lookup);
        // Without an explicit proxy, the choice comes from HTTPS_PROXY, HTTP_PROXY or NO_PROXY, else the system's settings.
        if (proxy == null)
            s._sources[nameof(Proxy)] = s.ProxyChoice.Source == "system" ? new SettingSource(SettingOrigin.Default, "system proxy settings") : SettingSource.Environment(s.ProxyChoice.Source);
        s.Fallback = asFallback ? new List<string>() : Pick(nameof(Fallback), l => l.Fallback) ?? new List<string>();
        if (name != null && s.Fallback.Contains(name, StringComparer.OrdinalIgnoreCase))
            throw new GeminiArgumentException("GeminiImage.InvalidFallback", $"The fallback list names '{name}', the profile in use; a fallback must be another profile.");
        try
        {
            s.ResolveKey(apiKeyParameter, profile is { } q ? new() { (profileSource, q.Profile), sessionLayer } : new() { sessionLayer }, readSecret);
        }
        catch (GeminiImageException ex) when (keyErrorsAsSource && ex is GeminiArgumentException or GeminiNotFoundException)
        {
            s._sources[nameof(ApiKey)] = s._keyTried.With("unavailable: " + ex.Message);
        }
        return s;
    }

    private GeminiEnvironment _environment = null!;
    private string? _sessionKey;
    // The layer whose key reference is being read, for a display that shows a key that cannot be read.
    private SettingSource _keyTried = SettingSource.Default;

    /// <summary>The key: -ApiKey, the profile's reference, the session's key (or reference), GEMINI_API_KEY / GOOGLE_API_KEY.</summary>
    private void ResolveKey(string? parameter, List<(SettingSource Source, ConnectionProfile Layer)> layers, Func<string, string?>? readSecret)
    {
        if (!string.IsNullOrEmpty(parameter)) { ApiKey = parameter; _sources[nameof(ApiKey)] = SettingSource.Parameter; return; }
        foreach (var (source, layer) in layers)
        {
            if (source.Equals(SettingSource.Session) && _sessionKey is { Length: > 0 } sessionKey)
            {
                ApiKey = sessionKey; _sources[nameof(ApiKey)] = source; return;
            }
            if (!layer.HasKeyReference) continue;
            _keyTried = source;
            var (key, from) = ReadReference(layer, readSecret);
            ApiKey = key; _sources[nameof(ApiKey)] = source.With(from); return;
        }
        // GEMINI_API_KEY / GOOGLE_API_KEY are Gemini Developer API keys; Vertex AI takes a key only when one is set for it.
        var variable = Backend == GeminiBackend.Vertex ? null : _environment.ApiKeyVariableSet;
        ApiKey = variable == null ? null : _environment.Get(variable);
        _sources[nameof(ApiKey)] = variable == null ? new SettingSource(SettingOrigin.Default, "none") : SettingSource.Environment(variable);
    }

    /// <summary>The key a layer points to; a reference that leads nowhere is a clear error (before anything is sent).</summary>
    private (string Key, string From) ReadReference(ConnectionProfile layer, Func<string, string?>? readSecret)
    {
        if (layer.ApiKeyVariable is { } variable)
        {
            var value = _environment.Lookup(variable);
            if (string.IsNullOrWhiteSpace(value))
                throw new GeminiNotFoundException("GeminiImage.ApiKeyNotFound", $"The environment variable '{variable}' named for the API key is not set.");
            return (value!.Trim(), "$env:" + variable);
        }
        if (layer.ApiKeyFile is { } file)
        {
            string text;
            try { text = IO.LimitedFile.ReadAllText(file, IO.LimitedFile.MaxSettingsBytes).Trim(); }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException || ex is ArgumentException || ex is NotSupportedException)
            {
                throw new GeminiNotFoundException("GeminiImage.ApiKeyNotFound", $"The API key file '{file}' cannot be read: {ex.Message}", ex);
            }
            if (text.Length == 0) throw new GeminiNotFoundException("GeminiImage.ApiKeyNotFound", $"The API key file '{file}' is empty.");
            return (text, "key file " + file);
        }
        var secret = layer.ApiKeySecret!;
        if (readSecret == null)
            throw new GeminiArgumentException("GeminiImage.SecretManagementMissing", $"The API key is the secret '{secret}', but no secret store is available here.");
        var key = readSecret(secret);
        if (string.IsNullOrEmpty(key)) throw new GeminiNotFoundException("GeminiImage.ApiKeyNotFound", $"The secret '{secret}' is empty or does not exist.");
        return (key!, "secret " + secret);
    }

    /// <summary>
    /// The connection a call sends with: for Vertex AI, a copy that carries its credentials (the service-account key
    /// file, else application default credentials; none with an express-mode API key) and, when no setting names the
    /// project, the credentials' project (source <see cref="SettingOrigin.Credentials"/>). This object stays as resolved.
    /// </summary>
    public ConnectionSettings WithCredentials()
    {
        if (Backend != GeminiBackend.Vertex || (CredentialFile == null && ApiKey != null)) return this;
        GoogleTokenAuth auth;
        if (CredentialFile != null)
        {
            var full = Path.GetFullPath(CredentialFile);
            var version = File.Exists(full) ? File.GetLastWriteTimeUtc(full).Ticks : 0;
            auth = s_tokenAuth.GetOrAdd($"{full}|{version}", _ => GoogleTokenAuth.FromServiceAccountFile(full));
        }
        else auth = s_tokenAuth.GetOrAdd("(adc)|" + Environment.GetEnvironmentVariable("GOOGLE_APPLICATION_CREDENTIALS"), _ => GoogleTokenAuth.ApplicationDefault());
        var copy = (ConnectionSettings)MemberwiseClone();
        copy._credentials = auth;
        if (Project == null && auth.ProjectId != null)
        {
            copy.Project = auth.ProjectId;
            copy._sources = new Dictionary<string, SettingSource>(_sources, StringComparer.Ordinal) { [nameof(Project)] = new SettingSource(SettingOrigin.Credentials) };
        }
        return copy;
    }

    /// <summary>The Vertex AI credentials' request signer; null for key auth. Without a project (and an express key) nothing is sent.</summary>
    private RequestAuth? CreateAuth(IWebProxy? proxy)
    {
        if (_credentials == null) return null;
        if (Project == null)
            throw new GeminiArgumentException("GeminiImage.VertexProjectRequired",
                "A Vertex AI call needs a Google Cloud project: set -Project (or use a key file with a project_id), or an express-mode API key.");
        // Token requests take the API calls' route: a company proxy that is the only way out carries both.
        return _credentials.Through(proxy, ProxyChoice.Direct);
    }

    /// <summary>The name results and ledger records carry as their Endpoint.</summary>
    public string Name => ProfileName ?? "default";

    /// <summary>Copies the connection into client options (the credentials included, <see cref="WithCredentials"/>); set <c>options.Proxy</c> first.</summary>
    /// <exception cref="GeminiCredentialException"><c>GeminiImage.NoApiKey</c>: no key, no credentials and no gateway headers; nothing would be accepted.</exception>
    public void ApplyTo(GeminiClientOptions options)
    {
        var sending = WithCredentials();
        options.Auth = sending.CreateAuth(options.Proxy);
        // A gateway may authenticate by its own headers; otherwise a call without a key can only fail, so it is not sent.
        if (options.Auth == null && string.IsNullOrEmpty(ApiKey) && Headers.Count == 0)
            throw new GeminiCredentialException(GeminiCredentialException.NoApiKeyId,
                "No API key is set, so nothing was sent. Set $env:GEMINI_API_KEY, run Set-GeminiConfig -ApiKey <key>, or pass -ApiKey.");
        options.Name = Name;
        options.BaseUri = BaseUri;
        options.ApiKey = ApiKey;
        options.AuthStyle = AuthStyle;
        options.ApiVersion = ApiVersion;
        options.Headers = new Dictionary<string, string>(Headers, StringComparer.OrdinalIgnoreCase);
        options.KeepUploadsOnHost = KeepUploadsOnHost;
        options.Backend = Backend;
        options.Project = sending.Project;
        options.Location = Location;
        options.DirectConnection = ProxyChoice.Direct;
    }
}
