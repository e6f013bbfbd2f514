namespace GeminiImage.Engine.Errors;

/// <summary>
/// Recognises a JSON parse error for the cmdlets. The cmdlet assembly loads in PowerShell's default context, where
/// PowerShell 7.4 provides System.Text.Json 8.0 and 7.5 provides 9.0: it must not reference the engine's newer
/// System.Text.Json itself, not even to catch its <see cref="JsonException"/> (tests/pester/Compatibility.Tests.ps1).
/// </summary>
public static class MalformedJson
{
    /// <summary>True when <paramref name="exception"/> is System.Text.Json's parse or mapping error.</summary>
    public static bool Is(Exception exception) => exception is JsonException;
}
