using System.Reflection;

namespace GeminiImage.Engine.Configuration;

/// <summary>Whether a file holding the API key can be read by other users.</summary>
public static class KeyFilePermissions
{
    // File.GetUnixFileMode exists from .NET 7 (PowerShell 7.4+); this assembly targets netstandard2.0, so it is found by reflection.
    private static readonly MethodInfo? s_getUnixFileMode = typeof(File).GetMethod("GetUnixFileMode", new[] { typeof(string) });
    private const int GroupRead = 32, OtherRead = 4;

    /// <summary>
    /// The file's Unix mode when group or others may read it (e.g. "0644"), else null. Null on Windows (ACLs, not checked)
    /// and where the runtime cannot tell.
    /// </summary>
    public static string? ReadableByOthers(string path)
    {
        if (s_getUnixFileMode == null || Path.DirectorySeparatorChar == '\\') return null;
        int mode;
        try { mode = Convert.ToInt32(s_getUnixFileMode.Invoke(null, new object[] { path })); }
        catch (TargetInvocationException) { return null; }
        return (mode & (GroupRead | OtherRead)) != 0 ? "0" + Convert.ToString(mode & 0x1FF, 8) : null;
    }
}
