namespace GeminiImage.Engine.Configuration;

/// <summary>One resolved setting: its value and where the value came from.</summary>
public sealed class Setting<T>(T value, SettingSource source)
{
    public T Value { get; } = value;
    public SettingSource Source { get; } = source;

    public override string ToString() => $"{Value} ({Source})";
}
