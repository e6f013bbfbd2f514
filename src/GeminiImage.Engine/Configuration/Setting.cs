namespace GeminiImage.Engine.Configuration;

/// <summary>One resolved setting: its value and where the value came from.</summary>
public sealed class Setting<T>
{
    public Setting(T value, SettingSource source)
    {
        Value = value;
        Source = source;
    }

    public T Value { get; }
    public SettingSource Source { get; }

    public override string ToString() => $"{Value} ({Source})";
}
