namespace GeminiImage.Emulator;

/// <summary>Settings for <see cref="GeminiEmulator.Start(EmulatorOptions?)"/>.</summary>
public sealed class EmulatorOptions
{
    /// <summary>
    /// The API key the emulator accepts in <c>x-goog-api-key</c> (or <c>?key=</c>); null (the default) makes a
    /// random key for each instance, so another local user cannot guess it.
    /// </summary>
    public string? ApiKey { get; set; }

    /// <summary>Accept any non-empty key, not only <see cref="ApiKey"/>.</summary>
    public bool AcceptAnyKey { get; set; }

    /// <summary>Where the key must be: Google's header or query (default), or only as a gateway takes it.</summary>
    public EmulatorAuthMode AuthMode { get; set; } = EmulatorAuthMode.Google;

    /// <summary>A path prefix the API lives under, as behind a gateway (e.g. <c>/gemini</c>); control endpoints stay at the root.</summary>
    public string? PathPrefix { get; set; }

    /// <summary>
    /// The address put into resumable upload URLs instead of the emulator's own, as when a pass-through gateway hands
    /// back Google's upload URL (e.g. <c>https://generativelanguage.googleapis.com/</c>).
    /// </summary>
    public Uri? UploadBaseUri { get; set; }

    /// <summary>Simulated latency added to every generate request.</summary>
    public TimeSpan Latency { get; set; } = TimeSpan.Zero;

    /// <summary>
    /// Answer every generated image with this file (PNG, JPEG or WebP, sent as is whatever size was asked), e.g. an
    /// image Google really sent; null (the default) draws incompressible images of the requested size.
    /// </summary>
    public string? ImageFile { get; set; }

    /// <summary>TCP port on 127.0.0.1; 0 picks a free one.</summary>
    public int Port { get; set; }

    /// <summary>
    /// Reject Gemini 3 history whose model turns lack a thought signature, or carry one the emulator never
    /// issued (Google rejects both with 400). Default true.
    /// </summary>
    public bool ValidateThoughtSignatures { get; set; } = true;
}

/// <summary>Which key placements the emulator accepts.</summary>
public enum EmulatorAuthMode
{
    /// <summary>As Google: <c>x-goog-api-key</c> or <c>?key=</c>.</summary>
    Google,
    /// <summary>A gateway that takes only <c>Authorization: Bearer KEY</c> and refuses the other styles.</summary>
    Bearer,
    /// <summary>A gateway that takes only <c>?key=KEY</c> and refuses the other styles.</summary>
    Query,
}
