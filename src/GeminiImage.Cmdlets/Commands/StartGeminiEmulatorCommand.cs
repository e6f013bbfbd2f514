using GeminiImage.Emulator;

namespace GeminiImage.Cmdlets.Commands;

/// <summary>Start-GeminiEmulator: a local Gemini API on 127.0.0.1 that this session then uses, for offline work and tests.</summary>
[Cmdlet(VerbsLifecycle.Start, "GeminiEmulator")]
[OutputType(typeof(GeminiEmulator))]
public sealed class StartGeminiEmulatorCommand : PSCmdlet
{
    /// <summary>Simulated latency per generate request, in milliseconds.</summary>
    [Parameter]
    [ValidateRange(0, 600000)]
    public int LatencyMs { get; set; }

    /// <summary>0 picks a free port.</summary>
    [Parameter]
    [ValidateRange(0, 65535)]
    public int Port { get; set; }

    /// <summary>Answer 429 above this many requests per minute, as Google does (0: no limit).</summary>
    [Parameter]
    [ValidateRange(0, 100000)]
    public int RequestsPerMinuteLimit { get; set; }

    /// <summary>Accept any API key (keep your real key configured and still run offline); by default only the emulator's own key.</summary>
    [Parameter]
    public SwitchParameter AcceptAnyKey { get; set; }

    /// <summary>Accept the key only as a gateway does: Bearer (Authorization header) or Query (?key=); default: Google's header or query.</summary>
    // A string, not the emulator enum: an enum-typed property would load the emulator at import.
    [Parameter]
    [ValidateSet("Google", "Bearer", "Query")]
    public string? AuthMode { get; set; }

    /// <summary>Serve the API under this path prefix (e.g. /gemini), as a gateway re-exposes it; the session's base URL includes it.</summary>
    [Parameter]
    public string? PathPrefix { get; set; }

    /// <summary>Hand out resumable upload URLs on this address, as a pass-through gateway hands back Google's own.</summary>
    [Parameter]
    public Uri? UploadBaseUri { get; set; }

    /// <summary>Answer every image with this file (PNG, JPEG or WebP, e.g. an image Google really sent) instead of drawn ones.</summary>
    [Parameter]
    [Alias("ImagePath")]
    public string? ImageFile { get; set; }

    /// <summary>Start it without pointing the session at it.</summary>
    [Parameter]
    public SwitchParameter NoSessionConfig { get; set; }

    private const string PortInUseId = "GeminiImage.EmulatorPortInUse";

    protected override void EndProcessing()
    {
        var imageFile = ImageFile == null ? null : GetUnresolvedProviderPathFromPSPath(ImageFile);
        if (imageFile != null)
        {
            // Checked before the running emulator is stopped: a wrong file changes nothing.
            try { GivenImage.Load(imageFile); }
            catch (ArgumentException e)
            {
                ThrowTerminatingError(ErrorRecords.From(new GeminiArgumentException("GeminiImage.InvalidImageFile", e.Message), ImageFile));
            }
        }
        // The running emulator is stopped only once the new one listens, so a port that cannot be used leaves it
        // running; only when the new one asks for the running one's own port must that one go first.
        if (Port != 0 && EmulatorHost.Current?.BaseUri.Port == Port) EmulatorHost.Stop();
        var options = new EmulatorOptions
        {
            ImageFile = imageFile,
            Port = Port,
            Latency = TimeSpan.FromMilliseconds(LatencyMs),
            AcceptAnyKey = AcceptAnyKey,
            AuthMode = AuthMode == null ? EmulatorAuthMode.Google : EnumParameter.Parse<EmulatorAuthMode>(AuthMode),
            PathPrefix = PathPrefix,
            UploadBaseUri = UploadBaseUri,
        };
        GeminiEmulator emulator = null!;
        try { emulator = GeminiEmulator.Start(options); }
        catch (System.Net.HttpListenerException e) when (Port != 0)
        {
            // Another program (or another session's emulator) listens there; without -Port a free one is always found.
            ThrowTerminatingError(ErrorRecords.From(new GeminiOperationException(PortInUseId, ErrorKind.ResourceUnavailable,
                $"Port {Port} on 127.0.0.1 cannot be used for the emulator: {e.Message}", e,
                EmulatorHost.Current == null ? "Give another -Port, or leave -Port out to take a free one."
                    : $"Give another -Port, or leave -Port out to take a free one; the emulator at {EmulatorHost.Current.BaseUri} still runs."), Port));
        }
        EmulatorHost.Stop();
        emulator.RequestsPerMinuteLimit = RequestsPerMinuteLimit;
        EmulatorHost.Current = emulator;
        if (!NoSessionConfig)
        {
            EmulatorHost.Remember();
            SessionConfig.Current.BaseUri = emulator.BaseUri;
            SessionConfig.Current.ApiKey = emulator.ApiKey;
            WriteVerbose($"This session now uses the emulator at {emulator.BaseUri}; Stop-GeminiEmulator switches back.");
        }
        WriteObject(emulator);
    }
}
