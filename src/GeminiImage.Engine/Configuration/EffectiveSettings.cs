using GeminiImage.Engine.Api;
using GeminiImage.Engine.Cache;
using GeminiImage.Engine.Resilience;

namespace GeminiImage.Engine.Configuration;

/// <summary>
/// Every setting in effect for one call, each with where it came from (<see cref="SettingsResolver.Resolve"/>).
/// Nothing here changes after it is made; the connection is resolved on first use, since reading a key can fail.
/// </summary>
public sealed class EffectiveSettings
{
    private readonly Lazy<ConnectionSettings> _connection;
    private readonly Lazy<Setting<string?>> _ledger;

    internal EffectiveSettings(Func<ConnectionSettings> connection, Func<Setting<string?>> ledger)
    {
        _connection = new Lazy<ConnectionSettings>(connection);
        _ledger = new Lazy<Setting<string?>>(ledger);
    }

    /// <summary>Address, credentials, proxy, profile and fallbacks; throws a <see cref="Errors.GeminiImageException"/> when they cannot be set up.</summary>
    public ConnectionSettings Connection => _connection.Value;
    /// <summary>The team ledger's connection string; null: the per-user SQLite ledger.</summary>
    public Setting<string?> Ledger => _ledger.Value;

    public Setting<string> Model { get; internal set; } = null!;
    /// <summary>Per-attempt timeout, in seconds.</summary>
    public Setting<int> TimeoutSec { get; internal set; } = null!;
    public Setting<int> MaxRetries { get; internal set; } = null!;
    /// <summary>The longest total wait between retries of one call, in seconds.</summary>
    public Setting<int> MaxRetryWaitSec { get; internal set; } = null!;
    /// <summary>Client-side pacing of request starts; 0: none.</summary>
    public Setting<int> RequestsPerMinute { get; internal set; } = null!;
    /// <summary>Requests in flight at once.</summary>
    public Setting<int> MaxConcurrency { get; internal set; } = null!;
    public Setting<bool> NoPromptLogging { get; internal set; } = null!;
    public Setting<bool> NoStore { get; internal set; } = null!;
    public Setting<CacheMode> Cache { get; internal set; } = null!;
    public Setting<int> CacheMaxMB { get; internal set; } = null!;
    /// <summary>Ledger, journals, fallback images.</summary>
    public Setting<string> DataHome { get; internal set; } = null!;

    /// <summary>
    /// The limiter for these settings' rate and concurrency. Calls with the same settings share one; every limiter
    /// shares the process's pacing clock, so a 429's delay holds back all of them.
    /// </summary>
    public RequestLimiter Limiter => RequestLimiter.For(RequestsPerMinute.Value, MaxConcurrency.Value);

    /// <summary>Every setting's name, value as text and source; the key shows only as set or not set.</summary>
    public IReadOnlyList<(string Name, string Value, SettingSource Source)> Rows()
    {
        var c = Connection;
        var rows = new List<(string Name, string Value, SettingSource Source)>();
        void Add<T>(string name, T value, SettingSource source) => rows.Add((name, Text(value), source));
        void Connected<T>(string name, T value) => Add(name, value, c.Sources[name]);
        Add(nameof(ConnectionSettings.ApiKey), string.IsNullOrEmpty(c.ApiKey) ? "(not set)" : "(set)", c.Sources[nameof(ConnectionSettings.ApiKey)]);
        Add("Profile", c.ProfileName, c.ProfileName == null ? SettingSource.Default : c.ProfileSource);
        Connected(nameof(c.Backend), c.Backend);
        Connected(nameof(c.BaseUri), c.BaseUri);
        Connected(nameof(c.AuthStyle), c.AuthStyle);
        Connected(nameof(c.ApiVersion), c.ApiVersion);
        Connected(nameof(c.Headers), string.Join(", ", c.Headers.Keys));
        Connected(nameof(c.KeepUploadsOnHost), c.KeepUploadsOnHost);
        Connected(nameof(c.Project), c.Project);
        Connected(nameof(c.Location), c.Location);
        Connected(nameof(c.UsageProject), c.UsageProject);
        Connected(nameof(c.CredentialFile), c.CredentialFile);
        Connected(nameof(c.Proxy), c.Proxy == null ? null : ProxyChoice.Redact(c.Proxy.ToString()));
        Connected(nameof(c.Fallback), string.Join(", ", c.Fallback));
        foreach (var (name, setting) in Plain()) Add(name, setting.Value, setting.Source);
        Add(nameof(Ledger), Engine.Ledger.LedgerSettings.Display(Ledger.Value), Ledger.Source);
        return rows;
    }

    private IEnumerable<(string Name, Setting<object?> Setting)> Plain()
    {
        (string, Setting<object?>) Row<T>(string name, Setting<T> s) => (name, new Setting<object?>(s.Value, s.Source));
        yield return Row(nameof(Model), Model);
        yield return Row(nameof(TimeoutSec), TimeoutSec);
        yield return Row(nameof(MaxRetries), MaxRetries);
        yield return Row(nameof(MaxRetryWaitSec), MaxRetryWaitSec);
        yield return Row(nameof(RequestsPerMinute), RequestsPerMinute);
        yield return Row(nameof(MaxConcurrency), MaxConcurrency);
        yield return Row(nameof(NoPromptLogging), NoPromptLogging);
        yield return Row(nameof(NoStore), NoStore);
        yield return Row(nameof(Cache), Cache);
        yield return Row(nameof(CacheMaxMB), CacheMaxMB);
        yield return Row(nameof(DataHome), DataHome);
    }

    private static string Text(object? value) => value switch
    {
        null => "",
        bool b => b ? "True" : "False",
        IFormattable f => f.ToString(null, System.Globalization.CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };
}
