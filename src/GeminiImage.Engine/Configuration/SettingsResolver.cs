using GeminiImage.Engine.Cache;
using GeminiImage.Engine.Catalog;
using GeminiImage.Engine.Ledger;

namespace GeminiImage.Engine.Configuration;

/// <summary>
/// The one place settings are resolved: a call's parameters, then the session (Set-GeminiConfig), then saved
/// settings, then the environment, then the default. Connection settings put the profile in effect (-Profile, else
/// Use-GeminiProfile; saved or session-only) between the parameters and the session's own connection settings.
/// </summary>
public static class SettingsResolver
{
    /// <summary>Default per-attempt timeout: several minutes, since large images take long (reference §6.6).</summary>
    public const int DefaultTimeoutSec = 300;
    public const int DefaultMaxRetries = 4;
    public const int DefaultMaxRetryWaitSec = 300;
    public const int DefaultRequestsPerMinute = 0;
    public const int DefaultMaxConcurrency = 8;

    /// <summary>The settings in effect for a call with these <paramref name="parameters"/>.</summary>
    /// <param name="layers">Default: this process's session, profiles, data folder and environment.</param>
    public static EffectiveSettings Resolve(SettingsParameters? parameters = null, SettingsLayers? layers = null)
    {
        var p = parameters ?? new SettingsParameters();
        var l = layers ?? SettingsLayers.Process;
        var session = l.Session;
        var env = l.Environment;
        return new EffectiveSettings(
            () => ConnectionSettings.Resolve(p.Connection, p.ApiKey, p.Profile, p.ReadSecret, p.KeyErrorsAsSource, layers: l),
            () => ResolveLedger(l))
        {
            Model = FirstText(p.Model, session.Model, GeminiEnvironment.ModelVariable, env.Model, ModelCatalog.DefaultModelId),
            TimeoutSec = First(p.TimeoutSec, session.TimeoutSec, null, null, DefaultTimeoutSec),
            MaxRetries = First(p.MaxRetries, session.MaxRetries, null, null, DefaultMaxRetries),
            MaxRetryWaitSec = First(null, session.MaxRetryWaitSec, null, null, DefaultMaxRetryWaitSec),
            RequestsPerMinute = First(null, session.RequestsPerMinute, null, null, DefaultRequestsPerMinute),
            MaxConcurrency = First(null, session.MaxConcurrency, null, null, DefaultMaxConcurrency),
            // Privacy switches: whoever turns one on wins (a call cannot undo the session's choice not to log or store).
            NoPromptLogging = Strictest(p.NoPromptLogging, session.NoPromptLogging),
            NoStore = Strictest(p.NoStore, session.NoStore),
            // -Cache: ReadWrite, or the team's cache when Shared is set; -Cache:$false: Off.
            Cache = First(p.Cache is bool given ? given ? (session.Cache ?? env.Cache) == CacheMode.Shared ? CacheMode.Shared : CacheMode.ReadWrite : CacheMode.Off : (CacheMode?)null,
                session.Cache, GeminiEnvironment.CacheVariable, env.Cache, CacheMode.Off),
            CacheMaxMB = First<int>(null, session.CacheMaxMB, GeminiEnvironment.CacheMaxMBVariable, env.CacheMaxMB, (int)(ResponseCache.DefaultMaxBytes / 1048576)),
            DataHome = env.DataHome is { } home
                ? new Setting<string>(DataFolder.From(home), SettingSource.Environment(DataFolder.HomeVariable))
                : new Setting<string>(DataFolder.From(null), SettingSource.Default),
        };
    }

    /// <summary>Shows a key as its last four characters only.</summary>
    public static string Redact(string? key) =>
        string.IsNullOrEmpty(key) ? "(not set)" : key!.Length <= 8 ? "****" : "****" + key.Substring(key.Length - 4);

    private static Setting<string> FirstText(string? parameter, string? session, string variable, string? environment, string fallback) =>
        parameter != null ? new(parameter, SettingSource.Parameter)
        : session != null ? new(session, SettingSource.Session)
        : environment != null ? new(environment, SettingSource.Environment(variable))
        : new(fallback, SettingSource.Default);

    private static Setting<T> First<T>(T? parameter, T? session, string? variable, T? environment, T fallback) where T : struct =>
        parameter.HasValue ? new(parameter.Value, SettingSource.Parameter)
        : session.HasValue ? new(session.Value, SettingSource.Session)
        : environment.HasValue ? new(environment.Value, SettingSource.Environment(variable!))
        : new(fallback, SettingSource.Default);

    private static Setting<bool> Strictest(bool? parameter, bool session) =>
        parameter == true ? new(true, SettingSource.Parameter)
        : session ? new(true, SettingSource.Session)
        : parameter == false ? new(false, SettingSource.Parameter)
        : new(false, SettingSource.Default);

    private static Setting<string?> ResolveLedger(SettingsLayers layers)
    {
        var (connectionString, source) = LedgerSettings.Resolve(layers);
        return new Setting<string?>(connectionString, source);
    }
}
