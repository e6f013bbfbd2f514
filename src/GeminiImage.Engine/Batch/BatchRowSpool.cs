using System.Buffers;
using GeminiImage.Engine.Api;

namespace GeminiImage.Engine.Batch;

/// <summary>
/// A local run's rows for its report, kept on disk as they finish instead of in memory (a 10,000-row run held every
/// row to the end, and its peak memory grew with the rows): one JSON line per row in a temporary file in the output
/// folder, deleted when disposed (or by the next run there, when the process was killed). Read back in report order.
/// </summary>
internal sealed class BatchRowSpool : IDisposable
{
    private readonly object _gate = new();
    private readonly FileStream _file;
    private readonly List<Entry> _entries;
    // Set by a row that could not be written (a full disk): the report cannot be complete then, the run goes on.
    private IOException? _broken;

    private readonly struct Entry(int rowNumber, string id, long offset, int length)
    {
        public int RowNumber { get; } = rowNumber;
        public string Id { get; } = id;
        public long Offset { get; } = offset;
        public int Length { get; } = length;
    }

    /// <param name="capacity">The rows expected (the run's rows), so that the index is made once.</param>
    public BatchRowSpool(string directory, int capacity)
    {
        var path = Path.Combine(directory, $".batch-report-rows.{Guid.NewGuid():N}.tmp");
        _file = new FileStream(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 65536, FileOptions.DeleteOnClose);
        _entries = new List<Entry>(capacity);
    }

    /// <summary>Keeps <paramref name="row"/> as it is now. Any thread.</summary>
    public void Add(BatchRowResult row)
    {
        var json = JsonSerializer.SerializeToUtf8Bytes(row, GeminiJson.Options);
        lock (_gate)
        {
            var offset = _file.Position;
            if (_broken == null)
            {
                try { _file.Write(json, 0, json.Length); }
                catch (IOException ex) { _broken = ex; }
            }
            _entries.Add(new Entry(row.RowNumber, row.Id, offset, json.Length));
        }
    }

    /// <summary>The ids of the rows kept so far.</summary>
    public HashSet<string> Ids()
    {
        lock (_gate) return new HashSet<string>(_entries.Select(e => e.Id), StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>The rows, read back one at a time in report order (<see cref="BatchReport.InReportOrder"/>).</summary>
    /// <exception cref="IOException">A row could not be written, or read back.</exception>
    public IEnumerable<BatchRowResult> Rows()
    {
        Entry[] entries;
        lock (_gate)
        {
            if (_broken != null) throw new IOException($"the rows of the run could not be kept for it ({_broken.Message})", _broken);
            _file.Flush();
            entries = BatchReport.InReportOrder(_entries, e => e.RowNumber, e => e.Id).ToArray();
        }
        foreach (var entry in entries)
        {
            var buffer = ArrayPool<byte>.Shared.Rent(entry.Length);
            try
            {
                lock (_gate)
                {
                    _file.Position = entry.Offset;
                    var read = 0;
                    while (read < entry.Length)
                    {
                        var n = _file.Read(buffer, read, entry.Length - read);
                        if (n == 0) throw new IOException("the rows of the run ended early");
                        read += n;
                    }
                }
                yield return JsonSerializer.Deserialize<BatchRowResult>(new ReadOnlySpan<byte>(buffer, 0, entry.Length), GeminiJson.Options)!;
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
    }

    public void Dispose()
    {
        // A full disk may leave part of a row in the buffer: the file goes anyway.
        try { _file.Dispose(); }
        catch (IOException) { }
    }
}
