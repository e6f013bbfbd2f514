using System;
using System.Collections.Generic;
using System.IO;
using System.Text;
using System.Text.Json;
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
    private readonly object _gate = new();
    private readonly FileStream _stream;

    private BatchJournal(string path, FileStream stream)
    {
        Path = path;
        _stream = stream;
    }

    public string Path { get; }

    /// <summary>Opens (creating if needed) the journal of <paramref name="directory"/> for appending.</summary>
    public static BatchJournal Open(string directory)
    {
        Directory.CreateDirectory(directory);
        // A planted link would make the appended prompts land in whatever file it points at (a shell start-up file).
        var path = SafePaths.Child(directory, FileName);
        var stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read);
        if (SafePaths.IsLink(path))
        {
            stream.Dispose();
            SafePaths.NotLink(path);
        }
        // A line cut short by a crash would glue onto the next record: end it first.
        if (stream.Length > 0)
        {
            stream.Seek(-1, SeekOrigin.End);
            var last = stream.ReadByte();
            if (last != '\n') stream.WriteByte((byte)'\n');
        }
        stream.Seek(0, SeekOrigin.End);
        return new BatchJournal(path, stream);
    }

    /// <summary>Appends one outcome and waits until it is on disk.</summary>
    public void Append(BatchRowResult result)
    {
        var line = JsonSerializer.SerializeToUtf8Bytes(result, GeminiJson.Options);
        lock (_gate)
        {
            _stream.Write(line, 0, line.Length);
            _stream.WriteByte((byte)'\n');
            _stream.Flush(flushToDisk: true);
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
        string? line;
        while ((line = reader.ReadLine()) != null)
        {
            if (line.Trim().Length == 0) continue;
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

    public void Dispose() => _stream.Dispose();
}
