namespace GeminiImage.Cmdlets.Infrastructure;

/// <summary>
/// Choice parameters are declared as ValidateSet strings and parsed here: a property typed as an engine enum
/// would make PowerShell load the engine while it scans the cmdlet types, before the private load context exists.
/// </summary>
internal static class EnumParameter
{
    public static T Parse<T>(string? value) where T : struct => (T)Enum.Parse(typeof(T), value ?? "", ignoreCase: true);
}
