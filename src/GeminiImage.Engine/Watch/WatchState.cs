using System.Text.Json.Serialization;
using GeminiImage.Engine.Generation;

namespace GeminiImage.Engine.Watch;

/// <summary>Where a claimed file is in its processing.</summary>
public enum ClaimStatus
{
    /// <summary>Taken; a request may be in flight. Found at start-up, it means the last run stopped mid-item.</summary>
    InProgress,
    /// <summary>Output saved (or already there); the source still has to be moved to the processed folder.</summary>
    Done,
    /// <summary>Failed for good; the source still has to be moved to the failed folder.</summary>
    Failed,
}

/// <summary>One claimed file in the state file, keyed by its path relative to the watched folder.</summary>
/// <param name="Attempts">How many runs have taken this file (more than one: earlier runs were interrupted).</param>
/// <param name="Hash">SHA-256 of the source when it was taken: a later file with the same name but other content is new.</param>
public sealed record WatchClaim(
    ClaimStatus Status, int Attempts, DateTime StartedUtc, int? ProcessId = null, string? OutputPath = null, string? Hash = null,
    string? Error = null, string? ErrorId = null);

/// <summary>
/// The per-folder claim file (<c>.gemini-watch.json</c>) and lock (<c>.gemini-watch.lock</c>) in the watched folder.
/// A claim is written before any money is spent and removed once the source has left the folder, so a file is
/// processed once, and a run that died mid-item leaves an <see cref="ClaimStatus.InProgress"/> claim the next run resumes.
/// The lock (an exclusive handle the OS releases when the process dies) keeps two watchers off one folder.
/// </summary>
public sealed class WatchState : IDisposable
{
    public const string StateFileName = ".gemini-watch.json";
    public const string LockFileName = ".gemini-watch.lock";
    /// <summary>Who holds the lock ("process 1234 on HOST since ..."), for the error a second watcher gets.</summary>
    public const string OwnerFileName = ".gemini-watch.owner";

    private static readonly JsonSerializerOptions s_json = new()
    {
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter() },
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    private readonly object _gate = new();
    private readonly FileStream? _lock;
    private readonly string _statePath;
    private Dictionary<string, WatchClaim> _claims;
    private Dictionary<string, string> _processed;
    private const int MaxRemembered = 10000;

    private WatchState(string folder, FileStream? lockStream)
    {
        Folder = folder;
        _lock = lockStream;
        _statePath = Path.Combine(folder, StateFileName);
        (_claims, _processed) = LoadBoth(_statePath);
    }

    public string Folder { get; }

    /// <summary>Opens the folder's state, holding its lock; throws <see cref="WatchFolderBusyException"/> (naming the holder) when another watcher holds it.</summary>
    public static WatchState Open(string folder)
    {
        // These files live in the watched folder, where others may drop files: a planted link is refused, not truncated through.
        var lockPath = IO.SafePaths.Child(folder, LockFileName);
        var ownerPath = IO.SafePaths.Child(folder, OwnerFileName);
        IO.SafePaths.Child(folder, StateFileName);
        FileStream stream;
        try
        {
            stream = OpenLock(lockPath);
        }
        catch (Exception ex) when (ex is IOException || (ex is UnauthorizedAccessException && s_windows && File.Exists(lockPath)))
        {
            // The lock itself cannot be read while held (on Unix too), so the holder is named in a file beside it.
            var holder = "";
            try { holder = File.ReadAllText(ownerPath).Trim(); } catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
            throw new WatchFolderBusyException(folder, holder, ex);
        }
        var owner = $"process {System.Diagnostics.Process.GetCurrentProcess().Id} on {Environment.MachineName} since {DateTime.Now:yyyy-MM-dd HH:mm:ss}";
        try
        {
            OutputWriter.WriteAtomic(Encoding.UTF8.GetBytes(owner), ownerPath, force: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Naming the holder is a courtesy to a second watcher; the lock is what keeps it out.
        }
        return new WatchState(folder, stream);
    }

    private static readonly bool s_windows = System.Runtime.InteropServices.RuntimeInformation.IsOSPlatform(System.Runtime.InteropServices.OSPlatform.Windows);

    /// <summary>
    /// The lock file, held open. On Windows a lock its last holder just closed is "delete pending" for a moment, and
    /// opening it then is refused as access denied: a few short tries, then the caller reports the folder busy.
    /// </summary>
    private static FileStream OpenLock(string lockPath)
    {
        for (var attempt = 1; ; attempt++)
        {
            try { return new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 4096, FileOptions.DeleteOnClose); }
            catch (UnauthorizedAccessException) when (s_windows && attempt < 10 && File.Exists(lockPath))
            {
                System.Threading.Thread.Sleep(50);
            }
        }
    }

    /// <summary>The state without the lock, to read it (tests, diagnostics).</summary>
    public static IReadOnlyDictionary<string, WatchClaim> Read(string folder) => LoadBoth(Path.Combine(folder, StateFileName)).Claims;

    public IReadOnlyDictionary<string, WatchClaim> Claims
    {
        get { lock (_gate) return new Dictionary<string, WatchClaim>(_claims, StringComparer.Ordinal); }
    }

    public WatchClaim? Get(string relativePath)
    {
        lock (_gate) return _claims.TryGetValue(relativePath, out var claim) ? claim : null;
    }

    /// <summary>Records that a file is being taken (before spending); returns the claim with its attempt count.</summary>
    /// <param name="hash">The source's content hash, so a run that dies after saving knows the output belongs to this content.</param>
    /// <param name="plannedOutput">Where the output will be saved.</param>
    public WatchClaim Claim(string relativePath, string? hash = null, string? plannedOutput = null)
    {
        lock (_gate)
        {
            var attempts = _claims.TryGetValue(relativePath, out var old) && old.Status == ClaimStatus.InProgress ? old.Attempts : 0;
            var claim = new WatchClaim(ClaimStatus.InProgress, attempts + 1, DateTime.UtcNow,
                System.Diagnostics.Process.GetCurrentProcess().Id, plannedOutput, hash);
            _claims[relativePath] = claim;
            Save();
            return claim;
        }
    }

    public void Update(string relativePath, ClaimStatus status, string? outputPath = null, string? error = null, string? errorId = null)
    {
        lock (_gate)
        {
            // Claims are values: a change stores a changed copy.
            var claim = _claims.TryGetValue(relativePath, out var old) ? old : new WatchClaim(status, 0, DateTime.UtcNow);
            _claims[relativePath] = claim with { Status = status, OutputPath = outputPath ?? claim.OutputPath, Error = error, ErrorId = errorId };
            Save();
        }
    }

    /// <summary>Drops a claim: the source has left the folder, or the run was stopped before anything was spent.</summary>
    public void Release(string relativePath)
    {
        lock (_gate)
        {
            if (_claims.Remove(relativePath)) Save();
        }
    }

    /// <summary>The output made earlier from a file of this name and content, when it still exists.</summary>
    public string? ProcessedOutput(string relativePath, string hash)
    {
        lock (_gate) return _processed.TryGetValue(relativePath + "|" + hash, out var output) && File.Exists(output) ? output : null;
    }

    /// <summary>Remembers that this name and content were made into <paramref name="outputPath"/> (the most recent entries are kept).</summary>
    public void RememberProcessed(string relativePath, string hash, string outputPath)
    {
        lock (_gate)
        {
            var key = relativePath + "|" + hash;
            _processed.Remove(key);
            _processed[key] = outputPath;
            // Insertion order is kept by Dictionary when nothing is removed in between; drop the oldest first.
            while (_processed.Count > MaxRemembered) _processed.Remove(_processed.Keys.First());
            Save();
        }
    }

    /// <summary>Drops claims whose source is gone (moved by hand, deleted).</summary>
    public void Prune()
    {
        lock (_gate)
        {
            var gone = new List<string>();
            foreach (var key in _claims.Keys)
                if (!File.Exists(Path.Combine(Folder, key))) gone.Add(key);
            foreach (var key in gone) _claims.Remove(key);
            if (gone.Count > 0) Save();
        }
    }

    private void Save()
    {
        var json = JsonSerializer.Serialize(new StateFile { Claims = _claims, Processed = _processed }, s_json);
        OutputWriter.WriteAtomic(Encoding.UTF8.GetBytes(json), _statePath, force: true);
    }

    private static (Dictionary<string, WatchClaim> Claims, Dictionary<string, string> Processed) LoadBoth(string path)
    {
        var empty = (new Dictionary<string, WatchClaim>(StringComparer.Ordinal), new Dictionary<string, string>(StringComparer.Ordinal));
        try
        {
            if (!File.Exists(path)) return empty;
            var state = JsonSerializer.Deserialize<StateFile>(File.ReadAllText(path), s_json);
            return (new Dictionary<string, WatchClaim>(state?.Claims ?? new Dictionary<string, WatchClaim>(), StringComparer.Ordinal),
                new Dictionary<string, string>(state?.Processed ?? new Dictionary<string, string>(), StringComparer.Ordinal));
        }
        catch (JsonException)
        {
            // A damaged state file must not stop the watch; at worst a file is edited a second time.
            return empty;
        }
    }

    public void Dispose()
    {
        if (_lock == null) return;
        try { File.Delete(Path.Combine(Folder, OwnerFileName)); } catch (Exception ex) when (ex is IOException or UnauthorizedAccessException) { }
        _lock.Dispose();
    }

    private sealed class StateFile
    {
        public int Version { get; set; } = 1;
        public Dictionary<string, WatchClaim> Claims { get; set; } = new();
        /// <summary>"relative path|content hash" -> output, for files already edited and moved away.</summary>
        public Dictionary<string, string> Processed { get; set; } = new();
    }
}

/// <summary>Another watcher (this or another process) already watches the folder.</summary>
public sealed class WatchFolderBusyException : GeminiImageException
{
    public WatchFolderBusyException(string folder, string holder, Exception? inner = null)
        : base($"'{folder}' is already being watched" + (string.IsNullOrEmpty(holder) ? "." : $" ({holder}).") , inner)
    {
        Folder = folder;
    }

    public string Folder { get; }
    public override string ErrorId => "GeminiImage.WatchFolderBusy";
    public override ErrorKind Kind => ErrorKind.ResourceUnavailable;
    public override string? RecommendedAction => "Only one watcher per folder: stop the other one, or let it do the work.";
}
