using System;
using System.Globalization;
using System.IO;
using System.Text;

namespace GeminiImage.Engine.Watch;

/// <summary>
/// The daily log a person reads: <c>watch-yyyy-MM-dd.log</c>, one plain line per event, local time.
/// Each line is appended and the file closed again, so it can be read, copied or deleted while the watch runs.
/// </summary>
public sealed class WatchLog
{
    private readonly object _gate = new();
    private readonly Action<string>? _warning;
    private bool _warned;

    public WatchLog(string directory, Action<string>? warning = null)
    {
        Directory = directory;
        _warning = warning;
    }

    public string Directory { get; }

    public static string FileNameFor(DateTime localDate) => $"watch-{localDate:yyyy-MM-dd}.log";

    /// <summary>Today's log file.</summary>
    public string CurrentPath => Path.Combine(Directory, FileNameFor(DateTime.Now));

    public void Info(string message) => Write("INFO ", message);
    public void Ok(string message) => Write("OK   ", message);
    public void Skip(string message) => Write("SKIP ", message);
    public void Fail(string message) => Write("FAIL ", message);
    public void Warn(string message) => Write("WARN ", message);

    private void Write(string level, string message)
    {
        var now = DateTime.Now;
        var line = now.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) + "  " + level + " " + message.Replace("\r", " ").Replace("\n", " ") + Environment.NewLine;
        lock (_gate)
        {
            try
            {
                System.IO.Directory.CreateDirectory(Directory);
                File.AppendAllText(Path.Combine(Directory, FileNameFor(now)), line, new UTF8Encoding(false));
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // The watch goes on without its log; say so once.
                if (!_warned) _warning?.Invoke($"The watch log in '{Directory}' cannot be written: {ex.Message}");
                _warned = true;
            }
        }
    }
}
