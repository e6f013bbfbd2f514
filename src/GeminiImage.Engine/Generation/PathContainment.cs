using System.Reflection;
using System.Text.RegularExpressions;
using GeminiImage.Engine.Watch;

namespace GeminiImage.Engine.Generation;

/// <summary>
/// Keeps paths that come from files someone else may have written (batch rows, saved chats, watch settings) inside the
/// folder they belong to: relative paths resolve inside it; absolute paths, '..' that climbs out and symbolic links
/// that lead out are refused. The same rules hold on every system, so a file written on Windows means the same on Linux.
/// </summary>
public static class PathContainment
{
    public const string AbsoluteRule = "it is an absolute path";
    public const string ParentRule = "its '..' segments lead out of the folder";

    // .NET 6+ resolves links; on .NET Framework (Windows PowerShell) a link below the folder cannot be followed, so it is refused.
    private static readonly MethodInfo? s_resolveLink = typeof(FileSystemInfo).GetMethod("ResolveLinkTarget", new[] { typeof(bool) });
    private static readonly Regex s_windowsRooted = new(@"^([A-Za-z]:|[\\/])", RegexOptions.CultureInvariant);

    /// <summary>The full path of <paramref name="path"/> inside <paramref name="root"/>, or <see cref="PathOutsideRootException"/>.</summary>
    /// <param name="where">Names the source in the error ("Row 3 (fox), OutFile").</param>
    /// <param name="output">The path is written to: its folder and file names must also be valid on every system.</param>
    /// <param name="acceptAbsoluteInside">An absolute path is fine when it lies inside the folder (a saved chat's own images).</param>
    public static string Resolve(string root, string path, string? where = null, bool output = false, bool acceptAbsoluteInside = false)
    {
        var full = Check(root, path, out var rule, output, acceptAbsoluteInside);
        if (rule != null) throw new PathOutsideRootException(path, root, rule, where);
        return full;
    }

    /// <summary>The full path of <paramref name="path"/> under <paramref name="root"/>, and the rule it breaks (null when it is contained).</summary>
    public static string Check(string root, string path, out string? rule, bool output = false, bool acceptAbsoluteInside = false)
    {
        root = PathUtil.Normalize(root);
        // A batch file may come from another system: '\' separates folders everywhere, and "C:\x" or "\x" is absolute everywhere.
        var written = Path.DirectorySeparatorChar == '/' ? path.Replace('\\', '/') : path;
        var absolute = Path.IsPathRooted(written) || s_windowsRooted.IsMatch(path);
        var full = Path.GetFullPath(absolute && Path.IsPathRooted(written) ? written : Path.Combine(root, written));
        rule = null;
        if (absolute && !(acceptAbsoluteInside && Path.IsPathRooted(written) && PathUtil.IsWithin(full, root))) rule = AbsoluteRule;
        else if (!PathUtil.IsWithin(full, root) || PathUtil.SameFolder(full, root)) rule = ParentRule;
        else if (output && NameProblem(root, full) is { } problem) rule = problem;
        else if (LinkLeadingOut(root, full) is { } link) rule = $"it passes through the symbolic link '{link}', which leads out of the folder";
        return full;
    }

    /// <summary>Whether <paramref name="path"/> (full) lies inside <paramref name="root"/>.</summary>
    public static bool IsInside(string root, string path) => PathUtil.IsWithin(path, root) && !PathUtil.SameFolder(path, root);

    private static string? NameProblem(string root, string full)
    {
        foreach (var part in full.Substring(root.Length).Split(new[] { Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar }, StringSplitOptions.RemoveEmptyEntries))
            if (FileNames.Problem(part) is { } problem) return problem;
        return null;
    }

    /// <summary>The first symbolic link between <paramref name="root"/> and <paramref name="full"/> whose target is outside the root, or null.</summary>
    private static string? LinkLeadingOut(string root, string full)
    {
        var current = root;
        foreach (var part in full.Substring(root.Length).Split(new[] { Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar }, StringSplitOptions.RemoveEmptyEntries))
        {
            current = Path.Combine(current, part);
            FileSystemInfo info = Directory.Exists(current) ? new DirectoryInfo(current) : new FileInfo(current);
            if (!info.Exists) return null;
            if ((info.Attributes & FileAttributes.ReparsePoint) == 0) continue;
            var target = FinalTarget(info);
            if (target == null || !PathUtil.IsWithin(target, root)) return current;
            current = target;
        }
        return null;
    }

    private static string? FinalTarget(FileSystemInfo link)
    {
        try
        {
            return (s_resolveLink?.Invoke(link, new object[] { true }) as FileSystemInfo)?.FullName;
        }
        catch (TargetInvocationException)
        {
            return null;
        }
    }
}
