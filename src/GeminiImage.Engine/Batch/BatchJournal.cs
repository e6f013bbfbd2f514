using GeminiImage.Engine.Api;
using GeminiImage.Engine.IO;

namespace GeminiImage.Engine.Batch;

/// <summary>
/// The append-only record of row outcomes in the output folder (<c>batch-journal.jsonl</c>): one JSON line per
/// finished row, flushed to disk before the row is reported, so a crash loses at most the rows in flight.
/// </summary>
public sealed class BatchJournal : IDisposable
{
    public const string FileName = "batch-journal.jsonl";
    /// <summary>The file a run holds (exclusively) while it writes the journal: another run into the folder is refused.</summary>
    public const string LockFileName = "batch-journal.lock";
    /// <summary>The id of the error a failed append raises (a full disk, a folder gone read-only).</summary>
    public const string WriteFailedId = "GeminiImage.JournalWriteFailed";
    private readonly object _gate = new();
    // One flush to the disk at a time; the rows that wait for it meanwhile share the next one (group commit).
    private readonly object _syncGate = new();
    private readonly FileStream _stream;
    private long _written;
    private long _synced;
    // Set by the first failed append: the stream may hold part of a line, so nothing more is written through it.
    private GeminiOperationException? _broken;

    private readonly FileStream _held;

    private BatchJournal(string path, FileStream stream, FileStream held)
    {
        _held = held;
        Path = path;
        _stream = stream;
    }

    public string Path { get; }

    /// <summary>The id of the error for a folder whose journal another batch run holds.</summary>
    public const string FolderInUseId = "GeminiImage.BatchFolderInUse";

    /// <summary>Opens the journal; an <see cref="IOException"/> means another run holds it (<see cref="FolderInUseId"/>).</summary>
    private static FileStream OpenHeld(string directory, Func<FileStream> open)
    {
        try { return open(); }
        catch (IOException ex) when (ex is not FileNotFoundException and not DirectoryNotFoundException)
        {
            throw new GeminiOperationException(FolderInUseId, ErrorKind.ResourceUnavailable,
                $"The output folder '{directory}' is in use by another batch run ({ex.Message}).", ex);
        }
    }

    /// <summary>
    /// Opens (creating if needed) the journal of <paramref name="directory"/> for appending, held for this run only.
    /// Throws <see cref="GeminiOperationException"/> (<see cref="FolderInUseId"/>) when another run holds it.
    /// </summary>
    public static BatchJournal Open(string directory)
    {
        Directory.CreateDirectory(directory);
        // A planted link would make the appended prompts land in whatever file it points at (a shell start-up file).
        var path = SafePaths.Child(directory, FileName);
        // The run holds the folder through a lock file opened with FileShare.None: on Linux and macOS .NET locks a file
        // only for FileShare.None (with the journal's FileShare.Read a second run opened the same journal and both
        // wrote to it), and the journal itself stays readable (Get-Content, tail) while the run writes it.
        var lockPath = SafePaths.Child(directory, LockFileName);
        var held = OpenHeld(directory, () => new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None));
        FileStream stream;
        try
        {
            SafePaths.NotLink(lockPath);
            stream = OpenHeld(directory, () => new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read));
            if (SafePaths.IsLink(path))
            {
                stream.Dispose();
                SafePaths.NotLink(path);
            }
        }
        catch
        {
            held.Dispose();
            throw;
        }
        // A line cut short by a crash would glue onto the next record: end it first.
        if (stream.Length > 0)
        {
            stream.Seek(-1, SeekOrigin.End);
            var last = stream.ReadByte();
            if (last != '\n') stream.WriteByte((byte)'\n');
        }
        stream.Seek(0, SeekOrigin.End);
        return new BatchJournal(path, stream, held);
    }

    /// <summary>
    /// Appends one outcome and waits until it is on disk. Rows finishing together share one flush to the disk: a flush
    /// covers every line written before it, so with many rows in flight a row costs less than one.
    /// </summary>
    /// <exception cref="GeminiOperationException"><see cref="WriteFailedId"/>: the line could not be written (then or before).</exception>
    public void Append(BatchRowResult result)
    {
        var line = JsonSerializer.SerializeToUtf8Bytes(result, GeminiJson.Options);
        long mine;
        lock (_gate)
        {
            if (_broken != null) throw _broken;
            Guard(() =>
            {
                _stream.Write(line, 0, line.Length);
                _stream.WriteByte((byte)'\n');
            });
            mine = ++_written;
        }
        lock (_syncGate)
        {
            if (Volatile.Read(ref _synced) >= mine) return;
            lock (_gate)
            {
                if (_broken != null) throw _broken;
                var upTo = _written;
                Guard(() => _stream.Flush(flushToDisk: true));
                SyncCount++;
                Volatile.Write(ref _synced, upTo);
            }
        }
    }

    /// <summary>How many flushes to the disk the appends took (fewer than the lines when rows finish together).</summary>
    internal int SyncCount { get; private set; }

    // Called under _gate. A line cut short is skipped when the journal is read, and the next run ends it first (Open).
    private void Guard(Action write)
    {
        try
        {
            write();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            _broken = new GeminiOperationException(WriteFailedId, ErrorKind.WriteError,
                $"The batch journal '{Path}' could not be written ({ex.Message}); the run stops, since a re-run could not tell these rows were done. The images saved so far are kept.", ex,
                "Free space on the output folder's disk (or make it writable), then run the same command again: finished rows are skipped.");
            throw _broken;
        }
    }

    /// <summary>
    /// The latest outcome of every row id in the journal of <paramref name="directory"/> (empty when there is none).
    /// Unreadable lines (a write cut short by a crash) are skipped.
    /// </summary>
    public static Dictionary<string, BatchRowResult> Load(string directory)
    {
        var results = new Dictionary<string, BatchRowResult>(StringComparer.OrdinalIgnoreCase);
        var path = SafePaths.Child(directory, FileName);
        if (!File.Exists(path)) return results;
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        foreach (var (_, line) in TextLines.NonBlank(reader))
        {
            try
            {
                var result = JsonSerializer.Deserialize<BatchRowResult>(line, GeminiJson.Options);
                if (result != null && result.Id.Length > 0) results[result.Id] = result;
            }
            catch (JsonException)
            {
                // torn last line of a killed run
            }
        }
        return results;
    }

    public void Dispose()
    {
        try { _stream.Dispose(); }
        // After a failed append the stream may still hold part of a line it cannot write: that line is lost, not thrown.
        catch (Exception ex) when (_broken != null && (ex is IOException or UnauthorizedAccessException)) { }
        finally { _held.Dispose(); }
    }
}
