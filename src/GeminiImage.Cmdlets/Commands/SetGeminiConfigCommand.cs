namespace GeminiImage.Cmdlets.Commands;

/// <summary>
/// Set-GeminiConfig: session settings, more specific than environment variables, less than parameters; the connection
/// parameters (declared on <see cref="GeminiConnectionCmdlet"/>) are the ones every API cmdlet takes for one call.
/// </summary>
[Cmdlet(VerbsCommon.Set, "GeminiConfig")]
[OutputType(typeof(GeminiConfigView))]
public sealed class SetGeminiConfigCommand : GeminiConnectionCmdlet
{
    /// <summary>Write the profile to profiles.json in the data folder (never a key, only where it is).</summary>
    [Parameter]
    public SwitchParameter Save { get; set; }

    /// <summary>Keep resumable uploads on the configured host when a gateway hands back Google's upload URL.</summary>
    [Parameter]
    public SwitchParameter KeepUploadsOnHost { get; set; }

    [Parameter]
    [ValidateSet("Developer", "Vertex")]
    public string? Backend { get; set; }

    [Parameter]
    public string? Project { get; set; }

    [Parameter]
    public string? Location { get; set; }

    /// <summary>The project usage is charged to in the ledger when a call gives no -Project (-Project here is the Google Cloud project).</summary>
    [Parameter]
    public string? UsageProject { get; set; }

    /// <summary>A Vertex AI service-account JSON key file.</summary>
    [Parameter]
    public string? CredentialFile { get; set; }

    /// <summary>The environment variable that holds the key.</summary>
    [Parameter]
    public string? ApiKeyVariable { get; set; }

    /// <summary>A file that holds the key.</summary>
    [Parameter]
    public string? ApiKeyFile { get; set; }

    /// <summary>A SecretManagement secret that holds the key (read with Get-Secret).</summary>
    [Parameter]
    public string? ApiKeySecret { get; set; }

    /// <summary>Profiles to try, in order, when this connection fails (connection error, 5xx after retries, open circuit).</summary>
    [Parameter]
    [ArgumentCompleter(typeof(ProfileCompleter))]
    public string[]? Fallback { get; set; }

    [Parameter]
    [ArgumentCompleter(typeof(ModelCompleter))]
    public string? Model { get; set; }

    /// <summary>The longest total wait between retries of one call, in seconds.</summary>
    [Parameter]
    [ValidateRange(0, 86400)]
    public int? MaxRetryWaitSec { get; set; }

    /// <summary>Client-side pacing of the session's calls (one pacing clock for the process); 0 turns it off.</summary>
    [Parameter]
    [ValidateRange(0, 100000)]
    public int? RequestsPerMinute { get; set; }

    /// <summary>Requests in flight at once across the session's calls.</summary>
    [Parameter]
    [ValidateRange(1, 256)]
    public int? MaxConcurrency { get; set; }

    /// <summary>Send store: false on every generate request of the session (-NoStore:$false turns it off).</summary>
    [Parameter]
    public SwitchParameter NoStore { get; set; }

    /// <summary>
    /// Response cache for New-GeminiImage and Edit-GeminiImage: ReadWrite, ReadOnly or Off (default); or Shared: the
    /// team's cache in the team ledger's database, for batches and queue jobs too.
    /// </summary>
    // A string, not the engine enum: an enum-typed property would load the engine at import, before the module's load context is set up.
    [Parameter]
    [ValidateSet("ReadWrite", "ReadOnly", "Off", "Shared")]
    public string? Cache { get; set; }

    /// <summary>Size bound of the response cache; the least recently used entries are evicted beyond it.</summary>
    [Parameter]
    [ValidateRange(1, 1048576)]
    public int? CacheMaxMB { get; set; }

    /// <summary>
    /// The usage ledger: a PostgreSQL connection string for a team ledger (no password: PGPASSWORD or a .pgpass-style
    /// file gives it), or "SQLite" for the per-user file. With -Save it is kept in ledger.json for every session.
    /// </summary>
    [Parameter]
    [AllowEmptyString]
    public string? Ledger { get; set; }

    /// <summary>Forget every session setting (environment variables and defaults apply again).</summary>
    [Parameter]
    public SwitchParameter Reset { get; set; }

    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void EndProcessing()
    {
        var config = SessionConfig.Current;
        if (Reset)
        {
            config.Reset();
            ProfileStore.ResetSession();
        }
        try
        {
            if (Ledger != null) SetLedger(Ledger);
            // The team cache lives in the team database: refused now, not on every later call.
            if (string.Equals(Cache, "Shared", StringComparison.OrdinalIgnoreCase))
                _ = GeminiImage.Engine.Cache.ResponseCaches.Open(GeminiImage.Engine.Cache.CacheMode.Shared, 1);
            if (Profile != null) SetProfile(Profile);
            else if (Save && Ledger == null) throw new GeminiImage.Engine.Errors.GeminiArgumentException("GeminiImage.ProfileRequired", "-Save writes a connection profile; name it with -Profile NAME.");
            else SetConnection(config.Connection);
        }
        catch (GeminiImage.Engine.Ledger.LedgerException ex)
        {
            ThrowTerminatingError(ErrorRecords.From(ex, ex.ErrorId == GeminiImage.Engine.Ledger.LedgerException.TeamLedgerRequiredId ? Cache : nameof(Ledger)));
        }
        catch (GeminiImage.Engine.Errors.GeminiImageException ex)
        {
            ThrowTerminatingError(ErrorRecords.From(ex, ex.ErrorId == "GeminiImage.InvalidBaseUri" ? BaseUri : Profile));
        }
        if (ApiKey != null && Profile == null) config.ApiKey = GeminiApiCmdlet.Plain(ApiKey);
        if (!string.IsNullOrWhiteSpace(Model))
        {
            config.Model = Model;
            foreach (var warning in GeminiImage.Engine.Catalog.ModelCatalog.Default.SettingWarnings(Model)) WriteWarning(warning);
        }
        config.TimeoutSec = TimeoutSec ?? config.TimeoutSec;
        config.MaxRetries = MaxRetries ?? config.MaxRetries;
        config.MaxRetryWaitSec = MaxRetryWaitSec ?? config.MaxRetryWaitSec;
        config.RequestsPerMinute = RequestsPerMinute ?? config.RequestsPerMinute;
        config.MaxConcurrency = MaxConcurrency ?? config.MaxConcurrency;
        if (MyInvocation.BoundParameters.ContainsKey(nameof(NoPromptLogging))) config.NoPromptLogging = NoPromptLogging;
        if (MyInvocation.BoundParameters.ContainsKey(nameof(NoStore))) config.NoStore = NoStore;
        if (MyInvocation.BoundParameters.ContainsKey(nameof(Cache))) config.Cache = EnumParameter.Parse<GeminiImage.Engine.Cache.CacheMode>(Cache);
        config.CacheMaxMB = CacheMaxMB ?? config.CacheMaxMB;
        if (PassThru) WriteObject(GeminiConfigView.Current(this, Profile));
    }

    /// <summary>Checks the ledger choice (a password in it is refused) and sets it for the session, and with -Save in ledger.json.</summary>
    private void SetLedger(string value)
    {
        var choice = GeminiImage.Engine.Ledger.LedgerSettings.IsSqlite(value) ? GeminiImage.Engine.Ledger.LedgerSettings.Sqlite : value.Trim();
        if (choice != GeminiImage.Engine.Ledger.LedgerSettings.Sqlite) GeminiImage.Engine.Ledger.LedgerSettings.Check(choice);
        SessionConfig.Current.Ledger = choice;
        if (!Save) return;
        GeminiImage.Engine.Ledger.LedgerConfigFile.Save(choice == GeminiImage.Engine.Ledger.LedgerSettings.Sqlite ? null : choice);
        WriteVerbose($"Saved the ledger choice to {GeminiImage.Engine.Ledger.LedgerConfigFile.FilePath}.");
    }

    private void SetProfile(string name)
    {
        // A profile never holds a key in clear: only where it is.
        if (ApiKey != null)
            throw new GeminiImage.Engine.Errors.GeminiArgumentException("GeminiImage.KeyNotSaved",
                $"A profile does not keep a key. Name where it is: -ApiKeyVariable NAME, -ApiKeyFile PATH or -ApiKeySecret NAME.");
        var profile = ProfileStore.TryGet(name) ?? new ConnectionProfile();
        SetConnection(profile);
        ProfileStore.Put(name, profile, Save);
        if (Save) WriteVerbose($"Saved profile '{name}' to {ProfileStore.FilePath}.");
    }

    /// <summary>Copies the connection parameters given onto <paramref name="layer"/> (the session's or a profile's).</summary>
    private void SetConnection(ConnectionProfile layer)
    {
        var bound = MyInvocation.BoundParameters;
        if (BaseUri != null) layer.BaseUri = GeminiImage.Engine.Api.ApiEndpoint.CheckBaseUri(BaseUri);
        if (Proxy != null) layer.Proxy = Proxy;
        if (AuthStyle != null) layer.AuthStyle = EnumParameter.Parse<GeminiImage.Engine.Api.AuthStyle>(AuthStyle);
        if (ApiVersion != null) layer.ApiVersion = Text.NullIfBlank(ApiVersion);
        if (Header != null) layer.Headers = GeminiApiCmdlet.HeaderMap(Header);
        if (bound.ContainsKey(nameof(KeepUploadsOnHost))) layer.KeepUploadsOnHost = KeepUploadsOnHost.IsPresent;
        if (Backend != null) layer.Backend = EnumParameter.Parse<GeminiImage.Engine.Api.GeminiBackend>(Backend);
        if (Project != null) layer.Project = Text.NullIfBlank(Project);
        if (Location != null) layer.Location = Text.NullIfBlank(Location);
        if (UsageProject != null) layer.UsageProject = Text.NullIfBlank(UsageProject)?.Trim();
        if (CredentialFile != null) layer.CredentialFile = Text.NullIfBlank(CredentialFile) is { } file ? GetUnresolvedProviderPathFromPSPath(file) : null;
        if (ApiKeyVariable != null || ApiKeyFile != null || ApiKeySecret != null)
        {
            // One place for the key: naming a new one replaces the old reference.
            layer.ApiKeyVariable = Text.NullIfBlank(ApiKeyVariable);
            layer.ApiKeyFile = Text.NullIfBlank(ApiKeyFile) is { } keyFile ? GetUnresolvedProviderPathFromPSPath(keyFile) : null;
            layer.ApiKeySecret = Text.NullIfBlank(ApiKeySecret);
        }
        if (Fallback != null) layer.Fallback = Fallback.Where(f => !string.IsNullOrWhiteSpace(f)).Select(f => f.Trim()).ToList();
    }
}
