using System.Security.Cryptography;
using System.Text.RegularExpressions;

namespace GeminiImage.Engine.Watch;

/// <summary>
/// The daily log a person reads, one per watched folder: <c>watch-&lt;folder&gt;-&lt;id&gt;-yyyy-MM-dd.log</c>, one plain
/// line per event, local time with its UTC offset, each line naming the folder. Each line is appended and the file
/// closed again, so it can be read, copied or deleted while the watch runs. A one-line JSON summary per run goes to
/// <c>watch-&lt;folder&gt;-&lt;id&gt;.runs.jsonl</c> beside it, for monitoring.
/// </summary>
public sealed class WatchLog
{
    private readonly object _gate = new();
    private readonly Action<string>? _warning;
    private readonly string _tag;
    private bool _warned;

    /// <param name="directory">The log folder.</param>
    /// <param name="folder">The watched folder: it names the log file and every line.</param>
    /// <param name="warning">Told once when the log cannot be written.</param>
    public WatchLog(string directory, string folder, Action<string>? warning = null)
    {
        Directory = directory;
        _warning = warning;
        var leaf = Path.GetFileName(folder.TrimEnd(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar));
        _tag = "[" + (string.IsNullOrEmpty(leaf) ? folder : leaf) + "]";
        Stem = StemFor(folder);
    }

    public string Directory { get; }

    /// <summary>"watch-&lt;folder name&gt;-&lt;6 hex of the full path&gt;": two folders with the same name still get two logs.</summary>
    public string Stem { get; }

    /// <summary>The log name stem of a watched folder.</summary>
    public static string StemFor(string folder)
    {
        var full = Path.GetFullPath(folder).TrimEnd(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar);
        var leaf = Regex.Replace(Path.GetFileName(full), "[^A-Za-z0-9_.-]", "_");
        using var sha = SHA256.Create();
        var hash = sha.ComputeHash(Encoding.UTF8.GetBytes(full));
        var id = BitConverter.ToString(hash, 0, 3).Replace("-", "").ToLowerInvariant();
        return "watch-" + (leaf.Length == 0 ? "root" : leaf) + "-" + id;
    }

    /// <summary>The log file of <paramref name="localDate"/>.</summary>
    public string PathFor(DateTime localDate) => Path.Combine(Directory, $"{Stem}-{localDate:yyyy-MM-dd}.log");

    /// <summary>Today's log file.</summary>
    public string CurrentPath => PathFor(DateTime.Now);

    /// <summary>The JSON-lines file with one summary per run.</summary>
    public string RunsPath => Path.Combine(Directory, Stem + ".runs.jsonl");

    public void Info(string message) => Write("INFO ", message);
    public void Ok(string message) => Write("OK   ", message);
    public void Skip(string message) => Write("SKIP ", message);
    public void Fail(string message) => Write("FAIL ", message);
    public void Warn(string message) => Write("WARN ", message);

    /// <summary>Appends one JSON line (already serialized) to <see cref="RunsPath"/>.</summary>
    public void Summary(string json) => Append(RunsPath, json.Replace("\r", " ").Replace("\n", " ") + "\n");

    private void Write(string level, string message)
    {
        var now = DateTimeOffset.Now;
        var line = now.ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture) + "  " + level + " " + _tag + " " +
            message.Replace("\r", " ").Replace("\n", " ") + Environment.NewLine;
        Append(PathFor(now.DateTime), line);
    }

    private void Append(string path, string text)
    {
        lock (_gate)
        {
            try
            {
                System.IO.Directory.CreateDirectory(Directory);
                File.AppendAllText(IO.SafePaths.NotLink(path), text, new UTF8Encoding(false));
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or Errors.UnsafePathException)
            {
                // The watch goes on without its log; say so once.
                if (!_warned) _warning?.Invoke($"The watch log in '{Directory}' cannot be written: {ex.Message}");
                _warned = true;
            }
        }
    }
}
