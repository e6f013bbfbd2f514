namespace GeminiImage.Cmdlets.Infrastructure;

internal static class Text
{
    /// <summary>Blank parameter values (an empty CSV cell, '') count as not given.</summary>
    public static string? NullIfBlank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
}
