namespace GeminiImage.Engine.Configuration;

/// <summary>Where a setting's value came from: its layer and, where it helps, which one (a profile, a variable).</summary>
public sealed class SettingSource : IEquatable<SettingSource>
{
    public SettingSource(SettingOrigin origin, string? detail = null)
    {
        Origin = origin;
        Detail = string.IsNullOrEmpty(detail) ? null : detail;
    }

    public static SettingSource Parameter { get; } = new(SettingOrigin.Parameter);
    public static SettingSource Session { get; } = new(SettingOrigin.Session);
    public static SettingSource Default { get; } = new(SettingOrigin.Default);

    /// <summary>An environment variable, named.</summary>
    public static SettingSource Environment(string variable) => new(SettingOrigin.Environment, variable);

    public SettingOrigin Origin { get; }
    /// <summary>Which profile, variable or file; null when the layer says it all.</summary>
    public string? Detail { get; }

    /// <summary>This source with more said about it (e.g. where a profile's key is).</summary>
    public SettingSource With(string more) => new(Origin, Detail == null ? more : Detail + ": " + more);

    /// <summary>"Parameter", "Session", "Saved (profile 'team')", "Environment (GEMINI_BASE_URL)", "Default".</summary>
    public override string ToString() => Detail == null ? Origin.ToString() : $"{Origin} ({Detail})";

    public bool Equals(SettingSource? other) => other != null && other.Origin == Origin && other.Detail == Detail;
    public override bool Equals(object? obj) => Equals(obj as SettingSource);
    public override int GetHashCode() => ((int)Origin * 397) ^ (Detail?.GetHashCode() ?? 0);
}
