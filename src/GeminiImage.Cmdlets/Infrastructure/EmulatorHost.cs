using GeminiImage.Emulator;

namespace GeminiImage.Cmdlets.Infrastructure;

/// <summary>The emulator this PowerShell process started, if any.</summary>
internal static class EmulatorHost
{
    public static GeminiEmulator? Current { get; set; }
    private static (Uri? BaseUri, string? ApiKey)? s_previous;

    /// <summary>Keeps the session's own address and key so that stopping the emulator gives them back.</summary>
    public static void Remember() => s_previous = (SessionConfig.Current.BaseUri, SessionConfig.Current.ApiKey);

    public static void Stop()
    {
        var emulator = Current;
        if (emulator == null) return;
        Current = null;
        if (SessionConfig.Current.BaseUri == emulator.BaseUri)
        {
            SessionConfig.Current.BaseUri = s_previous?.BaseUri;
            SessionConfig.Current.ApiKey = s_previous?.ApiKey;
        }
        s_previous = null;
        emulator.Stop();
    }
}
