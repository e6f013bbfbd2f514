namespace GeminiImage.Engine.Watch;

/// <summary>
/// Which PowerShell a scheduled watch runs: the installed PowerShell of the registering edition, never the process
/// that registered it (the ISE, a custom host, <c>dotnet</c> running a pwsh.dll from a package cache).
/// </summary>
public static class ScheduleHost
{
    public const string UnavailableId = "GeminiImage.TaskHostUnavailable";

    // Folders whose contents a restore, a tool update or a clean replaces: a task pointing there breaks later.
    private static readonly string[] s_unstableSegments = { ".nuget", ".store", "obj" };

    /// <summary>
    /// Desktop edition: <c>$PSHOME\powershell.exe</c>. Core: the first <c>pwsh</c> on <paramref name="path"/>, else the one
    /// in <paramref name="psHome"/>, unless it sits in a package cache or build folder. Anything else is refused.
    /// </summary>
    /// <param name="edition">$PSEdition of the registering session.</param>
    /// <param name="psHome">$PSHOME of the registering session.</param>
    /// <param name="windows">True when the task runs on Windows (pwsh.exe rather than pwsh).</param>
    /// <param name="path">The PATH to search.</param>
    public static string Select(string? edition, string psHome, bool windows, string? path)
    {
        if (string.Equals(edition, "Desktop", StringComparison.OrdinalIgnoreCase))
        {
            var powershell = Path.Combine(psHome, "powershell.exe");
            if (File.Exists(powershell)) return powershell;
            throw Unavailable($"This host's $PSHOME ('{psHome}') has no powershell.exe, so a scheduled task could not run Windows PowerShell. Register the task from powershell.exe or pwsh.");
        }
        if (!string.Equals(edition, "Core", StringComparison.OrdinalIgnoreCase))
            throw Unavailable($"A scheduled task cannot run this PowerShell host (edition '{edition}'). Register the task from powershell.exe (Windows PowerShell 5.1) or pwsh (PowerShell 7.4 or later).");
        var name = windows ? "pwsh.exe" : "pwsh";
        var candidates = (path ?? "").Split(new[] { Path.PathSeparator }, StringSplitOptions.RemoveEmptyEntries)
            .Where(Path.IsPathRooted)
            .Select(folder => Path.Combine(folder, name))
            .Concat(new[] { Path.Combine(psHome, name) });
        foreach (var candidate in candidates)
            if (File.Exists(candidate) && IsStable(candidate)) return candidate;
        throw Unavailable($"No installed pwsh was found on PATH, and this session's PowerShell ('{psHome}') is in a package cache or build folder that a restore or update replaces. Install PowerShell 7 so that '{name}' is on PATH, then register again.");
    }

    /// <summary>False for a path inside a NuGet cache, a dotnet tool store or a build output folder.</summary>
    public static bool IsStable(string path)
    {
        var segments = path.Split(new[] { '/', '\\' }, StringSplitOptions.RemoveEmptyEntries);
        if (segments.Any(s => s_unstableSegments.Contains(s, StringComparer.OrdinalIgnoreCase))) return false;
        var packages = Environment.GetEnvironmentVariable("NUGET_PACKAGES");
        return string.IsNullOrEmpty(packages) || !Path.GetFullPath(path).StartsWith(Path.GetFullPath(packages!), StringComparison.OrdinalIgnoreCase);
    }

    private static GeminiArgumentException Unavailable(string message) => new(UnavailableId, message);
}
