namespace GeminiImage.Cmdlets.Infrastructure;

/// <summary>One row of Get-GeminiConfig's Settings: a setting, its value as text (never the key) and where it came from.</summary>
public sealed class GeminiConfigSetting
{
    public string Name { get; internal set; } = "";
    public string Value { get; internal set; } = "";
    /// <summary>Parameter, Session, Saved (profile 'x'), Environment (VARIABLE), Credentials or Default.</summary>
    public string Source { get; internal set; } = "";

    public override string ToString() => $"{Name} = {Value} ({Source})";
}
