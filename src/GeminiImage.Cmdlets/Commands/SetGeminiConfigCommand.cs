using System;
using System.Management.Automation;
using System.Security;
using GeminiImage.Cmdlets.Infrastructure;
using GeminiImage.Engine.Configuration;
using GeminiImage.Engine.Resilience;

namespace GeminiImage.Cmdlets.Commands;

/// <summary>Set-GeminiConfig: session settings, more specific than environment variables, less than parameters.</summary>
[Cmdlet(VerbsCommon.Set, "GeminiConfig")]
[OutputType(typeof(GeminiConfigView))]
public sealed class SetGeminiConfigCommand : PSCmdlet
{
    [Parameter]
    public SecureString? ApiKey { get; set; }

    [Parameter]
    public Uri? BaseUri { get; set; }

    [Parameter]
    [ArgumentCompleter(typeof(ModelCompleter))]
    public string? Model { get; set; }

    [Parameter]
    [ValidateRange(1, 3600)]
    public int TimeoutSec { get; set; }

    [Parameter]
    [ValidateRange(0, 20)]
    public int MaxRetries { get; set; } = -1;

    /// <summary>The longest total wait between retries of one call, in seconds.</summary>
    [Parameter]
    [ValidateRange(0, 86400)]
    public int MaxRetryWaitSec { get; set; } = -1;

    /// <summary>Client-side pacing shared by every cmdlet and worker in this process; 0 turns it off.</summary>
    [Parameter]
    [ValidateRange(0, 100000)]
    public int RequestsPerMinute { get; set; } = -1;

    [Parameter]
    [ValidateRange(1, 256)]
    public int MaxConcurrency { get; set; }

    [Parameter]
    public Uri? Proxy { get; set; }

    [Parameter]
    public SwitchParameter NoPromptLogging { get; set; }

    /// <summary>Response cache for New-GeminiImage and Edit-GeminiImage: ReadWrite, ReadOnly or Off (default).</summary>
    // A string, not the engine enum: an enum-typed property would load the engine at import, before the module's load context is set up.
    [Parameter]
    [ValidateSet("ReadWrite", "ReadOnly", "Off")]
    public string? Cache { get; set; }

    /// <summary>Size bound of the response cache; the least recently used entries are evicted beyond it.</summary>
    [Parameter]
    [ValidateRange(1, 1048576)]
    public int CacheMaxMB { get; set; }

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
            RequestLimiter.Shared.RequestsPerMinute = 0;
            RequestLimiter.Shared.MaxConcurrency = 8;
        }
        if (ApiKey != null) config.ApiKey = GeminiApiCmdlet.Plain(ApiKey);
        if (BaseUri != null) config.BaseUri = BaseUri;
        if (!string.IsNullOrWhiteSpace(Model)) config.Model = Model;
        if (TimeoutSec > 0) config.TimeoutSec = TimeoutSec;
        if (MaxRetries >= 0) config.MaxRetries = MaxRetries;
        if (MaxRetryWaitSec >= 0) config.MaxRetryWaitSec = MaxRetryWaitSec;
        if (RequestsPerMinute >= 0) RequestLimiter.Shared.RequestsPerMinute = RequestsPerMinute;
        if (MaxConcurrency > 0) RequestLimiter.Shared.MaxConcurrency = MaxConcurrency;
        if (Proxy != null) config.Proxy = Proxy;
        if (MyInvocation.BoundParameters.ContainsKey(nameof(NoPromptLogging))) config.NoPromptLogging = NoPromptLogging;
        if (MyInvocation.BoundParameters.ContainsKey(nameof(Cache))) config.Cache = EnumParameter.Parse<GeminiImage.Engine.Cache.CacheMode>(Cache);
        if (CacheMaxMB > 0) config.CacheMaxMB = CacheMaxMB;
        if (PassThru) WriteObject(GeminiConfigView.Current());
    }
}
