namespace GeminiImage.Engine.Configuration;

/// <summary>The layer a setting's value came from, most specific first.</summary>
public enum SettingOrigin
{
    /// <summary>A parameter of the call.</summary>
    Parameter,
    /// <summary>This session: Set-GeminiConfig, Use-GeminiProfile, a profile defined without -Save.</summary>
    Session,
    /// <summary>The data folder: a saved profile (profiles.json) or the saved ledger choice (ledger.json).</summary>
    Saved,
    /// <summary>An environment variable.</summary>
    Environment,
    /// <summary>The Vertex AI credentials (a key file's project).</summary>
    Credentials,
    /// <summary>Nothing set it.</summary>
    Default,
}
