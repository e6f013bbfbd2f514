namespace GeminiImage.Engine.Configuration;

/// <summary>The settings a call's parameters give; null means "not given" (no sentinel values).</summary>
public sealed class SettingsParameters
{
    /// <summary>-BaseUri, -Proxy, -AuthStyle, -ApiVersion, -Header.</summary>
    public ConnectionProfile? Connection { get; set; }
    /// <summary>-ApiKey, in plain text; never shown.</summary>
    public string? ApiKey { get; set; }
    /// <summary>-Profile: this profile instead of Use-GeminiProfile's.</summary>
    public string? Profile { get; set; }
    public string? Model { get; set; }
    public int? TimeoutSec { get; set; }
    public int? MaxRetries { get; set; }
    /// <summary>-Cache (true) or -Cache:$false (false).</summary>
    public bool? Cache { get; set; }
    public bool? NoPromptLogging { get; set; }
    public bool? NoStore { get; set; }
    /// <summary>Reads a SecretManagement secret by name (throws when that module is missing).</summary>
    public Func<string, string?>? ReadSecret { get; set; }
    /// <summary>For display: a key that cannot be read becomes its source's text instead of an error.</summary>
    public bool KeyErrorsAsSource { get; set; }
}
