using System.Reflection;
using GeminiImage.Engine.Cache;
using GeminiImage.Engine.Catalog;
using GeminiImage.Engine.Configuration;
using GeminiImage.Engine.Errors;
using GeminiImage.Engine.Resilience;
using Xunit;

namespace GeminiImage.Tests.Configuration;

/// <summary>
/// The one settings resolver, over layers of the test's own: a session object, profiles, a saved ledger choice and
/// an environment that is a dictionary (no real environment variable is read or set).
/// </summary>
public sealed class SettingsResolverTests
{
    private const string Key = "AIzaSECRET-key-value-0042";
    private readonly SessionConfig _session = new();
    private readonly Dictionary<string, string> _env = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (ConnectionProfile, bool)> _profiles = new(StringComparer.OrdinalIgnoreCase);
    private string? _savedLedger;

    private SettingsLayers Layers => new(_session,
        name => _profiles.TryGetValue(name, out var p) ? p : throw new GeminiNotFoundException("GeminiImage.ProfileNotFound", $"There is no connection profile '{name}'."),
        () => _savedLedger,
        name => _env.TryGetValue(name, out var v) ? v : null);

    private EffectiveSettings Resolve(SettingsParameters? parameters = null) => SettingsResolver.Resolve(parameters, Layers);

    [Fact]
    public void With_nothing_set_every_value_is_the_default_and_says_so()
    {
        var s = Resolve();
        Assert.Equal(ModelCatalog.DefaultModelId, s.Model.Value);
        Assert.Equal(300, s.TimeoutSec.Value);
        Assert.Equal(4, s.MaxRetries.Value);
        Assert.Equal(300, s.MaxRetryWaitSec.Value);
        Assert.Equal(0, s.RequestsPerMinute.Value);
        Assert.Equal(8, s.MaxConcurrency.Value);
        Assert.Equal(CacheMode.Off, s.Cache.Value);
        Assert.Equal(1024, s.CacheMaxMB.Value);
        Assert.Null(s.Ledger.Value);
        Assert.Null(s.Connection.ApiKey);
        foreach (var row in s.Rows().Where(r => r.Name != "Proxy" && r.Name != "ApiKey"))
            Assert.True(row.Source.Origin == SettingOrigin.Default, $"{row.Name}: {row.Source}");
        Assert.Equal("Default (none)", s.Connection.Sources["ApiKey"].ToString());
        Assert.Equal("Default (system proxy settings)", s.Connection.Sources["Proxy"].ToString());
    }

    [Fact]
    public void A_parameter_beats_the_session_which_beats_the_environment_which_beats_the_default()
    {
        _env["GEMINI_IMAGE_MODEL"] = "gemini-2.5-flash-image";
        Assert.Equal(("gemini-2.5-flash-image", "Environment (GEMINI_IMAGE_MODEL)"), (Resolve().Model.Value, Resolve().Model.Source.ToString()));
        _session.Model = "gemini-3-pro-image";
        Assert.Equal(("gemini-3-pro-image", "Session"), (Resolve().Model.Value, Resolve().Model.Source.ToString()));
        var given = Resolve(new SettingsParameters { Model = "my-tuned-model" });
        Assert.Equal(("my-tuned-model", "Parameter"), (given.Model.Value, given.Model.Source.ToString()));
    }

    [Fact]
    public void Numbers_not_given_are_null_not_sentinels_so_zero_retries_is_a_real_value()
    {
        _session.MaxRetries = 3;
        _session.TimeoutSec = 42;
        var none = Resolve(new SettingsParameters());
        Assert.Equal((3, SettingOrigin.Session), (none.MaxRetries.Value, none.MaxRetries.Source.Origin));
        Assert.Equal((42, SettingOrigin.Session), (none.TimeoutSec.Value, none.TimeoutSec.Source.Origin));
        var zero = Resolve(new SettingsParameters { MaxRetries = 0, TimeoutSec = 5 });
        Assert.Equal((0, SettingOrigin.Parameter), (zero.MaxRetries.Value, zero.MaxRetries.Source.Origin));
        Assert.Equal((5, SettingOrigin.Parameter), (zero.TimeoutSec.Value, zero.TimeoutSec.Source.Origin));
    }

    [Fact]
    public void Rate_and_concurrency_are_session_settings_that_pick_the_limiter_without_changing_the_shared_one()
    {
        var shared = RequestLimiter.Shared;
        _session.RequestsPerMinute = 90;
        _session.MaxConcurrency = 3;
        var s = Resolve();
        Assert.Equal((90, SettingOrigin.Session), (s.RequestsPerMinute.Value, s.RequestsPerMinute.Source.Origin));
        Assert.Equal((3, SettingOrigin.Session), (s.MaxConcurrency.Value, s.MaxConcurrency.Source.Origin));
        Assert.Equal(90, s.Limiter.RequestsPerMinute);
        Assert.Equal(3, s.Limiter.MaxConcurrency);
        // Calls with the same settings share a limiter (their concurrency bound is one); the default one is untouched.
        Assert.Same(s.Limiter, Resolve().Limiter);
        Assert.Same(shared, RequestLimiter.Shared);
        Assert.Equal((0, 8), (RequestLimiter.Shared.RequestsPerMinute, RequestLimiter.Shared.MaxConcurrency));
        Assert.Same(RequestLimiter.Shared, SettingsResolver.Resolve(null, new SettingsLayers(new SessionConfig(), _ => default, () => null, _ => null)).Limiter);
    }

    [Fact]
    public async Task A_429_seen_through_one_session_limiter_holds_back_the_others()
    {
        // No pacing here: the process's clock is shared with every other test's default limiter.
        _session.MaxConcurrency = 3;
        var a = Resolve().Limiter;
        _session.MaxConcurrency = 5;
        var b = Resolve().Limiter;
        Assert.NotSame(a, b);
        a.Backoff(TimeSpan.FromMilliseconds(200));
        var watch = System.Diagnostics.Stopwatch.StartNew();
        (await b.AcquireAsync(default)).Dispose();
        Assert.True(watch.ElapsedMilliseconds >= 120, $"waited {watch.ElapsedMilliseconds} ms");
    }

    [Fact]
    public void The_resolved_object_does_not_change_when_the_session_does_and_has_no_public_setters()
    {
        _session.Model = "gemini-3-pro-image";
        var s = Resolve();
        _session.Model = "gemini-2.5-flash-image";
        Assert.Equal("gemini-3-pro-image", s.Model.Value);
        var setters = typeof(EffectiveSettings).GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.SetMethod?.IsPublic == true);
        Assert.Empty(setters);
    }

    [Fact]
    public void Connection_layers_parameter_then_profile_then_session_then_environment()
    {
        _env["GEMINI_BASE_URL"] = "http://127.0.0.1:9001/";
        Assert.Equal("Environment (GEMINI_BASE_URL)", Resolve().Connection.Sources["BaseUri"].ToString());
        Assert.Equal(new Uri("http://127.0.0.1:9001/"), Resolve().Connection.BaseUri);

        _session.BaseUri = new Uri("http://127.0.0.1:9002/");
        Assert.Equal("Session", Resolve().Connection.Sources["BaseUri"].ToString());

        _profiles["team"] = (new ConnectionProfile { BaseUri = new Uri("http://127.0.0.1:9003/"), ApiKeyVariable = "TEAM_KEY" }, true);
        _profiles["mine"] = (new ConnectionProfile { BaseUri = new Uri("http://127.0.0.1:9004/") }, false);
        _env["TEAM_KEY"] = Key;
        var team = Resolve(new SettingsParameters { Profile = "team" }).Connection;
        Assert.Equal(new Uri("http://127.0.0.1:9003/"), team.BaseUri);
        Assert.Equal("Saved (profile 'team')", team.Sources["BaseUri"].ToString());
        Assert.Equal("Saved (profile 'team': $env:TEAM_KEY)", team.Sources["ApiKey"].ToString());
        Assert.Equal(Key, team.ApiKey);
        Assert.Equal(SettingOrigin.Parameter, team.ProfileSource.Origin);

        _session.Profile = "mine";
        var mine = Resolve().Connection;
        Assert.Equal("Session (profile 'mine')", mine.Sources["BaseUri"].ToString());
        Assert.Equal("Session (Use-GeminiProfile)", mine.ProfileSource.ToString());

        var given = Resolve(new SettingsParameters { Connection = new ConnectionProfile { BaseUri = new Uri("http://127.0.0.1:9005/") } }).Connection;
        Assert.Equal(("http://127.0.0.1:9005/", "Parameter"), (given.BaseUri.ToString(), given.Sources["BaseUri"].ToString()));
    }

    [Fact]
    public void The_key_comes_from_the_fake_environment_and_no_row_shows_it()
    {
        _env["GEMINI_API_KEY"] = Key;
        var s = Resolve();
        Assert.Equal(Key, s.Connection.ApiKey);
        Assert.Equal("Environment (GEMINI_API_KEY)", s.Connection.Sources["ApiKey"].ToString());
        var apiKey = s.Rows().Single(r => r.Name == "ApiKey");
        Assert.Equal("(set)", apiKey.Value);
        Assert.DoesNotContain(s.Rows(), r => r.Value.Contains("0042") || r.Source.ToString().Contains("0042"));

        _session.ApiKey = "AIzaSESSION-key-value-7777";
        Assert.Equal("Session", Resolve().Connection.Sources["ApiKey"].ToString());
        var parameter = Resolve(new SettingsParameters { ApiKey = "AIzaPARAM-key-value-1111" });
        Assert.Equal(("AIzaPARAM-key-value-1111", "Parameter"), (parameter.Connection.ApiKey, parameter.Connection.Sources["ApiKey"].ToString()));
        Assert.DoesNotContain(parameter.Rows(), r => r.Value.Contains("1111"));
    }

    [Fact]
    public void A_key_reference_that_leads_nowhere_is_an_error_or_for_display_its_source()
    {
        _profiles["gateway"] = (new ConnectionProfile { ApiKeyVariable = "GI_GATEWAY_KEY" }, true);
        var ex = Assert.Throws<GeminiNotFoundException>(() => Resolve(new SettingsParameters { Profile = "gateway" }).Connection);
        Assert.Equal("GeminiImage.ApiKeyNotFound", ex.ErrorId);
        var shown = Resolve(new SettingsParameters { Profile = "gateway", KeyErrorsAsSource = true }).Connection.Sources["ApiKey"].ToString();
        Assert.StartsWith("Saved (profile 'gateway': unavailable:", shown);
        Assert.Contains("GI_GATEWAY_KEY", shown);
    }

    [Fact]
    public void The_proxy_goes_through_the_resolver_parameter_first_then_the_proxy_variables()
    {
        _env["HTTPS_PROXY"] = "http://proxy.corp:3128";
        var env = Resolve().Connection;
        Assert.Equal(new Uri("http://proxy.corp:3128"), env.Proxy);
        Assert.Equal("Environment (HTTPS_PROXY)", env.Sources["Proxy"].ToString());

        _session.Proxy = new Uri("http://session-proxy:8080");
        Assert.Equal("Session", Resolve().Connection.Sources["Proxy"].ToString());

        var given = Resolve(new SettingsParameters { Connection = new ConnectionProfile { Proxy = new Uri("http://param-proxy:8080") } }).Connection;
        Assert.Equal((new Uri("http://param-proxy:8080"), "Parameter"), (given.Proxy, given.Sources["Proxy"].ToString()));

        _session.Proxy = null;
        _env["NO_PROXY"] = "generativelanguage.googleapis.com";
        var bypassed = Resolve().Connection;
        Assert.Null(bypassed.Proxy);
        Assert.Equal("Environment (NO_PROXY)", bypassed.Sources["Proxy"].ToString());
    }

    [Fact]
    public void Cache_data_folder_and_ledger_each_record_their_layer()
    {
        _env["GEMINI_IMAGE_CACHE"] = "ReadOnly";
        _env["GEMINI_IMAGE_CACHE_MAX_MB"] = "64";
        _env["GEMINI_IMAGE_HOME"] = Path.Combine(Path.GetTempPath(), "gi-resolver-home");
        _env["GEMINI_IMAGE_LEDGER"] = "Host=db.example.com;Database=gemini;Username=alice";
        var s = Resolve();
        Assert.Equal((CacheMode.ReadOnly, "Environment (GEMINI_IMAGE_CACHE)"), (s.Cache.Value, s.Cache.Source.ToString()));
        Assert.Equal((64, "Environment (GEMINI_IMAGE_CACHE_MAX_MB)"), (s.CacheMaxMB.Value, s.CacheMaxMB.Source.ToString()));
        Assert.Equal((Path.Combine(Path.GetTempPath(), "gi-resolver-home"), "Environment (GEMINI_IMAGE_HOME)"), (s.DataHome.Value, s.DataHome.Source.ToString()));
        Assert.Equal("Environment (GEMINI_IMAGE_LEDGER)", s.Ledger.Source.ToString());

        _savedLedger = "Host=saved.example.com;Database=gemini;Username=bob";
        Assert.Equal(("Host=saved.example.com;Database=gemini;Username=bob", "Saved"), (Resolve().Ledger.Value, Resolve().Ledger.Source.ToString()));
        _session.Ledger = "SQLite";
        Assert.Equal((null, "Session"), (Resolve().Ledger.Value, Resolve().Ledger.Source.ToString()));

        _session.Cache = CacheMode.ReadWrite;
        Assert.Equal((CacheMode.ReadWrite, SettingOrigin.Session), (Resolve().Cache.Value, Resolve().Cache.Source.Origin));
        var off = Resolve(new SettingsParameters { Cache = false });
        Assert.Equal((CacheMode.Off, SettingOrigin.Parameter), (off.Cache.Value, off.Cache.Source.Origin));
    }

    [Fact]
    public void Cache_given_on_a_call_uses_the_teams_cache_when_Shared_is_set_and_the_own_folder_otherwise()
    {
        Assert.Equal(CacheMode.ReadWrite, Resolve(new SettingsParameters { Cache = true }).Cache.Value);
        _env["GEMINI_IMAGE_CACHE"] = "Shared";
        Assert.Equal((CacheMode.Shared, SettingOrigin.Environment), (Resolve().Cache.Value, Resolve().Cache.Source.Origin));
        Assert.Equal((CacheMode.Shared, SettingOrigin.Parameter), (Resolve(new SettingsParameters { Cache = true }).Cache.Value, Resolve(new SettingsParameters { Cache = true }).Cache.Source.Origin));
        Assert.Equal(CacheMode.Off, Resolve(new SettingsParameters { Cache = false }).Cache.Value);
        _session.Cache = CacheMode.ReadOnly;
        Assert.Equal(CacheMode.ReadWrite, Resolve(new SettingsParameters { Cache = true }).Cache.Value);
    }

    [Fact]
    public void A_privacy_switch_the_session_turned_on_stays_on_whatever_a_call_says()
    {
        _session.NoPromptLogging = true;
        var s = Resolve(new SettingsParameters { NoPromptLogging = false });
        Assert.Equal((true, SettingOrigin.Session), (s.NoPromptLogging.Value, s.NoPromptLogging.Source.Origin));
        _session.NoPromptLogging = false;
        Assert.Equal((true, SettingOrigin.Parameter), (Resolve(new SettingsParameters { NoPromptLogging = true }).NoPromptLogging.Value, SettingOrigin.Parameter));
        Assert.Equal(SettingOrigin.Default, Resolve().NoStore.Source.Origin);
    }
}
