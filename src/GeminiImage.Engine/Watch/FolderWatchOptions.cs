using GeminiImage.Engine.Generation;

namespace GeminiImage.Engine.Watch;

/// <summary>What a <see cref="FolderWatcher"/> watches, where results go, and how patient it is.</summary>
public sealed class FolderWatchOptions
{
    /// <summary>The image types the loader reads, when no filter is given.</summary>
    public static readonly IReadOnlyList<string> DefaultFilters = new[] { "*.png", "*.jpg", "*.jpeg", "*.webp", "*.gif", "*.bmp", "*.tif", "*.tiff", "*.heic", "*.heif" };

    /// <summary>Full path of the watched folder.</summary>
    public string Folder { get; set; } = "";
    /// <summary>Wildcards (<c>*</c>, <c>?</c>) matched against file names, case-insensitively.</summary>
    public IReadOnlyList<string> Filters { get; set; } = DefaultFilters;
    public bool Recurse { get; set; }
    /// <summary>Full path of the output folder (subfolders are mirrored with <see cref="Recurse"/>).</summary>
    public string OutputDirectory { get; set; } = "";
    /// <summary>Default: <c>&lt;Folder&gt;/processed</c>.</summary>
    public string? ProcessedDirectory { get; set; }
    /// <summary>Default: <c>&lt;Folder&gt;/failed</c>.</summary>
    public string? FailedDirectory { get; set; }
    /// <summary>Appended to the source name for the output name ("photo" becomes "photo-edited.png").</summary>
    public string Suffix { get; set; } = "-edited";
    /// <summary>Folder of the daily log files (<c>watch-yyyy-MM-dd.log</c>).</summary>
    public string LogDirectory { get; set; } = "";

    /// <summary>Process what is there now, then return.</summary>
    public bool Once { get; set; }
    /// <summary>Stop taking new files after this long (null: until cancelled).</summary>
    public TimeSpan? Timeout { get; set; }
    /// <summary>How often pending files are checked for stability.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);
    /// <summary>How long size and write time must stay unchanged before a file is taken.</summary>
    public TimeSpan StableFor { get; set; } = TimeSpan.FromSeconds(2);
    /// <summary>How often the whole folder is listed again, for events the watcher missed.</summary>
    public TimeSpan RescanInterval { get; set; } = TimeSpan.FromSeconds(30);
    /// <summary>With <see cref="Once"/>: how long to wait for files still being written before leaving them for the next run.</summary>
    public TimeSpan OnceSettleTime { get; set; } = TimeSpan.FromSeconds(30);
    /// <summary>A continuous watch stops (exit code 2) on an outage or the budget, instead of pausing and resuming.</summary>
    public bool StopOnError { get; set; }
    /// <summary>The longest pause of a continuous watch riding out an outage or a budget stop (pauses start at <see cref="RescanInterval"/> and double).</summary>
    public TimeSpan MaxPause { get; set; } = TimeSpan.FromMinutes(10);
    /// <summary>Runs interrupted while processing a file (crashes, kills) before the file is moved to the failed folder.</summary>
    public int MaxAttempts { get; set; } = 3;

    internal string Processed => ProcessedDirectory ?? Path.Combine(Folder, "processed");
    internal string Failed => FailedDirectory ?? Path.Combine(Folder, "failed");

    /// <summary>Checks the folders and the suffix; throws <see cref="GeminiNotFoundException"/> (GeminiImage.WatchFolderNotFound), <see cref="ArgumentException"/> or <see cref="PathOutsideRootException"/> with a message for the user.</summary>
    public void Validate()
    {
        if (!Directory.Exists(Folder)) throw new GeminiNotFoundException("GeminiImage.WatchFolderNotFound", $"The folder to watch, '{Folder}', does not exist.");
        if (string.IsNullOrEmpty(OutputDirectory)) throw new ArgumentException("An output folder is required.");
        if (PathUtil.SameFolder(OutputDirectory, Folder))
            throw new ArgumentException("The output folder must not be the watched folder itself: every result would be taken as a new input.");
        if (PathUtil.SameFolder(Processed, Folder) || PathUtil.SameFolder(Failed, Folder))
            throw new ArgumentException("The processed and failed folders must differ from the watched folder.");
        // The suffix goes into every output name: it must not make it a path (out of the output folder) or a name Windows drops.
        if (FileNames.Problem("photo" + Suffix + ".png") is { } rule)
            throw new PathOutsideRootException(Suffix, OutputDirectory, rule, "Suffix");
        if (PollInterval <= TimeSpan.Zero || StableFor < TimeSpan.Zero || RescanInterval <= TimeSpan.Zero)
            throw new ArgumentException("Poll, stability and rescan intervals must be positive.");
    }
}

internal static class PathUtil
{
    private static StringComparison Comparison => Path.DirectorySeparatorChar == '\\' ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;

    public static string Normalize(string path) => Path.GetFullPath(path).TrimEnd(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar);

    public static bool SameFolder(string a, string b) => string.Equals(Normalize(a), Normalize(b), Comparison);

    /// <summary>Whether <paramref name="path"/> is <paramref name="folder"/> or inside it.</summary>
    public static bool IsWithin(string path, string folder)
    {
        var p = Normalize(path);
        var f = Normalize(folder);
        return string.Equals(p, f, Comparison) || p.StartsWith(f + Path.DirectorySeparatorChar, Comparison);
    }

    /// <summary>The path relative to <paramref name="folder"/> (netstandard2.0 has no Path.GetRelativePath).</summary>
    public static string Relative(string folder, string path)
    {
        var f = Normalize(folder) + Path.DirectorySeparatorChar;
        var p = Path.GetFullPath(path);
        return p.StartsWith(f, Comparison) ? p.Substring(f.Length) : Path.GetFileName(p);
    }
}
