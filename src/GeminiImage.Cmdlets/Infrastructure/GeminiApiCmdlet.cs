using System.Net;
using GeminiImage.Engine.Api;

namespace GeminiImage.Cmdlets.Infrastructure;

/// <summary>Base of the cmdlets that call the API: the connection parameters (<see cref="GeminiConnectionCmdlet"/>, and
/// -ProxyCredential) and the client they configure.</summary>
public abstract class GeminiApiCmdlet : GeminiConnectionCmdlet
{
    [Parameter]
    [Credential]
    public virtual PSCredential? ProxyCredential { get; set; }

    private EffectiveSettings? _settings;

    /// <summary>The settings in effect (parameters, session, saved, environment, defaults); resolved once, on the pipeline thread.</summary>
    protected EffectiveSettings Settings => _settings ??= SettingsResolver.Resolve(BoundSettings());

    /// <summary>The connection in effect (parameters, profile, session, environment).</summary>
    protected ConnectionSettings Connection => Settings.Connection;

    /// <summary>The key in effect, for redaction checks; never written anywhere.</summary>
    protected string? EffectiveApiKey => Connection.ApiKey;

    /// <summary>The settings this call's parameters give (null: not given); a cmdlet with more settings adds its own.</summary>
    protected virtual SettingsParameters BoundSettings() => new()
    {
        Connection = new ConnectionProfile
        {
            BaseUri = BaseUri,
            Proxy = Proxy,
            AuthStyle = AuthStyle == null ? null : EnumParameter.Parse<Engine.Api.AuthStyle>(AuthStyle),
            ApiVersion = ApiVersion,
            Headers = HeaderMap(Header),
        },
        ApiKey = ApiKey == null ? null : Plain(ApiKey),
        Profile = Profile,
        TimeoutSec = TimeoutSec,
        MaxRetries = MaxRetries,
        NoPromptLogging = MyInvocation.BoundParameters.ContainsKey(nameof(NoPromptLogging)) ? NoPromptLogging.IsPresent : null,
        ReadSecret = SecretReader.For(this),
    };

    /// <summary>A -Header hashtable as a header dictionary (null when not given).</summary>
    internal static Dictionary<string, string>? HeaderMap(Hashtable? header)
    {
        if (header == null) return null;
        var map = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (DictionaryEntry entry in header) map[entry.Key?.ToString() ?? ""] = entry.Value?.ToString() ?? "";
        return map;
    }

    /// <param name="limiter">The limiter its requests go through; default the one for the session's rate and concurrency.</param>
    protected GeminiClient CreateClient(Engine.Resilience.RequestLimiter? limiter = null)
    {
        var timeout = Settings.TimeoutSec.Value;
        var retries = Settings.MaxRetries.Value;
        var retryWait = Settings.MaxRetryWaitSec.Value;
        limiter ??= Settings.Limiter;
        ConnectionSettings connection;
        GeminiClient client;
        // A connection that cannot be set up (unknown profile, missing key file or secret) fails the whole call, before sending.
        try
        {
            connection = Connection;
            var options = ClientOptions(connection, timeout, retries, retryWait);
            options.Fallback = FallbackChain(connection, timeout, retries, retryWait, limiter);
            client = new GeminiClient(options, limiter);
        }
        catch (Engine.Errors.GeminiImageException ex)
        {
            ThrowTerminatingError(ErrorRecords.From(ex, (object?)Profile ?? BaseUri));
            throw;
        }
        WriteVerbose($"Using {client.Describe()}{(connection.ProfileName == null ? "" : $" (profile '{connection.ProfileName}')")} through {connection.ProxyChoice}.");
        for (var next = client.Options.Fallback; next != null; next = next.Options.Fallback)
            WriteVerbose($"Fallback '{next.Options.Name}': {next.Describe()}.");
        return client;
    }

    /// <summary>The Batch API client, with this machine's job manifests in the data folder in effect.</summary>
    protected Engine.Batch.ServerBatchClient CreateBatchClient() => new(CreateClient(), Settings.DataHome.Value);

    /// <summary>The fallback profiles, in order, each failing over to the next; their own fallback lists are not followed.</summary>
    private GeminiClient? FallbackChain(ConnectionSettings primary, int timeout, int retries, int retryWait, Engine.Resilience.RequestLimiter? limiter)
    {
        GeminiClient? next = null;
        foreach (var name in primary.Fallback.Reverse())
        {
            var settings = ConnectionSettings.Resolve(null, null, name, SecretReader.For(this), asFallback: true);
            var options = ClientOptions(settings, timeout, retries, retryWait);
            options.Fallback = next;
            next = new GeminiClient(options, limiter);
        }
        return next;
    }

    private GeminiClientOptions ClientOptions(ConnectionSettings connection, int timeout, int retries, int retryWait)
    {
        var options = new GeminiClientOptions
        {
            AttemptTimeout = TimeSpan.FromSeconds(timeout),
            OverallTimeout = TimeSpan.FromSeconds(timeout * (retries + 1) + retryWait),
            MaxRetries = retries,
            MaxTotalRetryWait = TimeSpan.FromSeconds(retryWait),
            Proxy = connection.ProxyChoice.ToWebProxy(ProxyCredential?.GetNetworkCredential()),
            Verbose = QueueVerbose,
            Debug = QueueDebug,
        };
        connection.ApplyTo(options);
        return options;
    }

    /// <summary>The project this cmdlet's spend is charged to (-Project on the prompt cmdlets, else the profile's or session's UsageProject); null for none.</summary>
    protected virtual string? UsageProject => Connection.UsageProject;

    /// <summary>The paid-call pipeline (budget, request, save, ledger) for this cmdlet.</summary>
    /// <remarks>
    /// No response cache, but for batch rows and queue jobs the team's when Set-GeminiConfig -Cache Shared is in
    /// effect: nobody in the team pays twice for one request. (Chat turns need the model's own turn for their history.)
    /// </remarks>
    /// <param name="warning">Where warnings go (default: the console).</param>
    /// <param name="limiter">The limiter of its client; default the one for the session's rate and concurrency.</param>
    protected GenerationService CreateGenerationService(UsageOperation operation, string? batchId = null, Action<string>? warning = null, Engine.Resilience.RequestLimiter? limiter = null)
    {
        var service = new GenerationService(CreateClient(limiter), new UsageContext
        {
            Cmdlet = MyInvocation.MyCommand.Name,
            Operation = operation,
            BatchId = batchId,
            Project = UsageProject,
            // Server-side batches cost half (reference §9.1).
            BatchPricing = operation == UsageOperation.BatchServer,
            ApiKey = EffectiveApiKey,
            NoPromptLogging = Settings.NoPromptLogging.Value,
            Warning = warning ?? QueueWarning,
        });
        if (operation == UsageOperation.Batch && Settings.Cache.Value == CacheMode.Shared) UseCache(service, CacheMode.Shared);
        return service;
    }

    /// <summary>Sets <paramref name="service"/>'s response cache for <paramref name="mode"/>; a cache that cannot be used (Shared without a team ledger) stops the cmdlet.</summary>
    protected void UseCache(GenerationService service, CacheMode mode)
    {
        service.CacheMode = mode;
        if (mode == CacheMode.Off) return;
        var maxMB = Settings.CacheMaxMB.Value;
        try { service.Cache = ResponseCaches.Open(mode, maxMB * 1048576L); }
        catch (Engine.Errors.GeminiImageException ex) { ThrowTerminatingError(ErrorRecords.From(ex, mode.ToString())); }
        WriteVerbose($"Response cache {mode}: {service.Cache!.Location} (max {maxMB} MB).");
    }

    internal static string Plain(SecureString secure)
    {
        var pointer = IntPtr.Zero;
        try
        {
            pointer = Marshal.SecureStringToGlobalAllocUnicode(secure);
            return Marshal.PtrToStringUni(pointer) ?? "";
        }
        finally
        {
            if (pointer != IntPtr.Zero) Marshal.ZeroFreeGlobalAllocUnicode(pointer);
        }
    }
}
