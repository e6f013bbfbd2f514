namespace GeminiImage.Cmdlets.Infrastructure;

/// <summary>
/// The PowerShell convention for -Name style filters (Get-ChildItem, Get-Process): wildcards match without regard to
/// case, a pattern that matches nothing is no error, a plain name that matches nothing is one (the caller's).
/// </summary>
internal static class NameFilter
{
    /// <summary>The items whose name matches <paramref name="pattern"/>; null when it is a plain name that matches none.</summary>
    public static List<T>? Match<T>(IEnumerable<T> items, Func<T, string> name, string pattern)
    {
        var wildcard = new WildcardPattern(pattern, WildcardOptions.IgnoreCase);
        var matches = items.Where(item => wildcard.IsMatch(name(item))).ToList();
        return matches.Count == 0 && !WildcardPattern.ContainsWildcardCharacters(pattern) ? null : matches;
    }
}
