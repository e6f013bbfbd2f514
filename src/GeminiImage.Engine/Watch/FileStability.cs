using System.Runtime.InteropServices;
using System.Text.RegularExpressions;

namespace GeminiImage.Engine.Watch;

/// <summary>
/// Decides when a file is completely written: its size and write time have not changed for
/// <see cref="StableFor"/>, across at least two looks. (The watcher also requires an exclusive open.)
/// </summary>
public sealed class FileStabilityTracker
{
    private readonly Dictionary<string, (long Size, DateTime LastWriteUtc, DateTime UnchangedSinceUtc)> _seen = new(StringComparer.Ordinal);

    public FileStabilityTracker(TimeSpan stableFor) => StableFor = stableFor;

    public TimeSpan StableFor { get; }

    /// <summary>Records a look at the file; true when it has stayed the same for <see cref="StableFor"/>.</summary>
    public bool Observe(string path, long size, DateTime lastWriteUtc, DateTime nowUtc)
    {
        if (!_seen.TryGetValue(path, out var previous) || previous.Size != size || previous.LastWriteUtc != lastWriteUtc)
        {
            _seen[path] = (size, lastWriteUtc, nowUtc);
            return false;
        }
        // An empty file is usually one that is about to be written; a truly empty file fails later as invalid.
        return nowUtc - previous.UnchangedSinceUtc >= StableFor;
    }

    public void Forget(string path) => _seen.Remove(path);

    /// <summary>
    /// Whether some process holds the file open for writing, where that can be known: on Linux from /proc (the
    /// processes this user may inspect); elsewhere false (Windows refuses the exclusive open instead, see
    /// <see cref="CanOpenExclusively"/>). On Linux an exclusive open is only advisory and says nothing about writers
    /// that are not .NET programs.
    /// </summary>
    public static bool IsOpenForWriting(string path)
    {
        if (!Directory.Exists("/proc/self/fd")) return false;
        var full = Path.GetFullPath(path);
        string[] processes;
        try { processes = Directory.GetDirectories("/proc"); }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException) { return false; }
        var buffer = new byte[4096];
        foreach (var process in processes)
        {
            if (!int.TryParse(Path.GetFileName(process), out _)) continue;
            string[] fds;
            try { fds = Directory.GetFileSystemEntries(Path.Combine(process, "fd")); }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException) { continue; }
            foreach (var fd in fds)
            {
                var length = NativeMethods.readlink(fd, buffer, (IntPtr)buffer.Length).ToInt64();
                if (length <= 0 || !string.Equals(Encoding.UTF8.GetString(buffer, 0, (int)length), full, StringComparison.Ordinal)) continue;
                if (IsWriteMode(Path.Combine(process, "fdinfo", Path.GetFileName(fd)))) return true;
            }
        }
        return false;
    }

    // fdinfo's "flags:" is the open(2) flags in octal; O_WRONLY = 1, O_RDWR = 2.
    private static bool IsWriteMode(string fdinfo)
    {
        try
        {
            foreach (var line in File.ReadAllLines(fdinfo))
            {
                if (!line.StartsWith("flags:", StringComparison.Ordinal)) continue;
                var flags = Convert.ToInt64(line.Substring(6).Trim(), 8);
                return (flags & 3) != 0;
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException) { }
        return false;
    }

    private static class NativeMethods
    {
        [DllImport("libc", SetLastError = true)]
        internal static extern IntPtr readlink(string path, byte[] buffer, IntPtr size);
    }

    /// <summary>Whether the file can be opened with no sharing: no other program has it open for writing.</summary>
    public static bool CanOpenExclusively(string path)
    {
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.None);
            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }
}

/// <summary>File-name wildcards (<c>*</c> and <c>?</c>), case-insensitive on every platform (cameras write .JPG).</summary>
public sealed class FileNameFilter
{
    private readonly Regex[] _patterns;

    public FileNameFilter(IEnumerable<string> wildcards)
    {
        var list = new List<Regex>();
        foreach (var w in wildcards)
        {
            if (string.IsNullOrWhiteSpace(w)) continue;
            var pattern = "^" + Regex.Escape(w.Trim()).Replace(@"\*", ".*").Replace(@"\?", ".") + "$";
            list.Add(new Regex(pattern, RegexOptions.IgnoreCase | RegexOptions.CultureInvariant));
        }
        _patterns = list.ToArray();
    }

    public bool IsMatch(string fileName)
    {
        foreach (var p in _patterns)
            if (p.IsMatch(fileName)) return true;
        return false;
    }
}
