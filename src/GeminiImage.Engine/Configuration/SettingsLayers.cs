using GeminiImage.Engine.Ledger;

namespace GeminiImage.Engine.Configuration;

/// <summary>
/// The layers under a call's parameters: the session's settings, the profiles, the saved ledger choice and the
/// environment. <see cref="Process"/> reads this process's; tests build their own (no real environment variables).
/// </summary>
public sealed class SettingsLayers
{
    /// <param name="session">Set-GeminiConfig's and Use-GeminiProfile's settings.</param>
    /// <param name="profile">The profile by name, and whether it is saved (else defined for this session only); throws <see cref="Errors.GeminiNotFoundException"/> for an unknown one.</param>
    /// <param name="savedLedger">The saved ledger choice (ledger.json), or null.</param>
    /// <param name="environment">Reads an environment variable (null when it is not set).</param>
    public SettingsLayers(SessionConfig session, Func<string, (ConnectionProfile Profile, bool Saved)> profile, Func<string?> savedLedger, Func<string, string?> environment)
    {
        Session = session;
        Profile = profile;
        SavedLedger = savedLedger;
        Environment = new GeminiEnvironment(environment);
    }

    /// <summary>This process's session, profile store, data folder and environment variables.</summary>
    public static SettingsLayers Process { get; } = new(SessionConfig.Current, ProfileStore.Find, LedgerConfigFile.Read, System.Environment.GetEnvironmentVariable);

    public SessionConfig Session { get; }
    public Func<string, (ConnectionProfile Profile, bool Saved)> Profile { get; }
    public Func<string?> SavedLedger { get; }
    public GeminiEnvironment Environment { get; }
}
