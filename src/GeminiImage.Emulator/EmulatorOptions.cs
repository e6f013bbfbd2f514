using System;

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

    /// <summary>Simulated latency added to every generate request.</summary>
    public TimeSpan Latency { get; set; } = TimeSpan.Zero;

    /// <summary>TCP port on 127.0.0.1; 0 picks a free one.</summary>
    public int Port { get; set; }

    /// <summary>
    /// Reject Gemini 3 history whose model turns lack a thought signature, or carry one the emulator never
    /// issued (Google rejects both with 400). Default true.
    /// </summary>
    public bool ValidateThoughtSignatures { get; set; } = true;
}
