using System.Text.Json.Serialization;

namespace GeminiImage.Engine.Ledger;

/// <summary>
/// The JSON-lines file that keeps the records a ledger could not take (database locked, server unreachable), in the
/// user's data folder or, failing that, a private temp folder; every back end replays it on its next good write.
/// </summary>
internal sealed class PendingRecords
{
    /// <summary>No single call costs this much; a pending record claiming more (or less than nothing) is forged or corrupt.</summary>
    private const decimal MaxRecordCostUsd = 1000m;

    private static readonly JsonSerializerOptions s_json = new() { Converters = { new JsonStringEnumConverter() } };

    private readonly string _dataFolder;

    public PendingRecords(string dataFolder, string tempFolder)
    {
        _dataFolder = dataFolder;
        PendingPath = Path.Combine(dataFolder, UsageLedger.PendingFileName);
        TempPendingPath = Path.Combine(tempFolder, UsageLedger.PendingFileName);
    }

    public string PendingPath { get; }

    public string TempPendingPath { get; }

    /// <summary>True when a pending file holds anything (cheap: no parsing).</summary>
    public bool HasRecords => new[] { PendingPath, TempPendingPath }.Any(p => new FileInfo(p) is { Exists: true, Length: > 0 });

    /// <summary>Keeps a record the ledger could not take; the result says where (or that it could go nowhere).</summary>
    public AppendResult Write(UsageRecord record, Exception error)
    {
        var line = JsonSerializer.Serialize(record, s_json) + "\n";
        foreach (var path in new[] { PendingPath, TempPendingPath })
        {
            try
            {
                // Only into a folder that is the user's own and private: other users must neither read nor plant records.
                IO.PrivateFolder.Ensure(Path.GetDirectoryName(path)!);
                IO.SafePaths.NotLink(path);
                using (var stream = OpenExclusive(path, FileMode.Append, FileAccess.Write))
                {
                    var bytes = Encoding.UTF8.GetBytes(line);
                    stream.Write(bytes, 0, bytes.Length);
                }
                IO.PrivateFolder.RestrictFile(path);
                return new AppendResult(false, path, 0, error);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException or Errors.UnsafePathException)
            {
                error = new AggregateException(error, e);
            }
        }
        return new AppendResult(false, null, 0, error);
    }

    /// <summary>
    /// Hands the pending records to <paramref name="store"/> (which writes them all or none and returns how many were
    /// new) and empties the file when it succeeds. Never throws: on failure the records stay for the next attempt.
    /// </summary>
    public int Fold(Func<IReadOnlyList<UsageRecord>, int> store)
    {
        var folded = 0;
        foreach (var path in new[] { PendingPath, TempPendingPath })
        {
            try
            {
                if (!File.Exists(path) || new FileInfo(path).Length == 0) continue;
                // Records are folded only from a private folder of our own (the temp one is a predictable name).
                IO.PrivateFolder.Ensure(Path.GetDirectoryName(path)!);
                IO.SafePaths.NotLink(path);
                // Exclusive while we read, insert and truncate, so a record appended meanwhile by another process is not lost.
                using var stream = OpenExclusive(path, FileMode.Open, FileAccess.ReadWrite);
                var kept = new List<string>();
                var rejected = new List<string>();
                var records = new List<UsageRecord>();
                var seen = new HashSet<string>(StringComparer.Ordinal);
                using (var reader = new StreamReader(stream, Encoding.UTF8, false, 4096, leaveOpen: true))
                {
                    foreach (var (_, line) in IO.TextLines.NonBlank(reader))
                    {
                        var record = TryParse(line);
                        if (record == null) kept.Add(line); // never silently drop what we could not read
                        else if (!IsPlausible(record)) rejected.Add(line);
                        else if (seen.Add(record.RecordId)) records.Add(record);
                    }
                }
                if (rejected.Count > 0) KeepRejected(rejected);
                folded += store(records);
                stream.SetLength(0);
                var rest = Encoding.UTF8.GetBytes(string.Concat(kept.Select(l => l + "\n")));
                stream.Write(rest, 0, rest.Length);
            }
            // Broad for the same reason as an append: the records stay pending and the next append tries again.
            catch (Exception) { }
        }
        return folded;
    }

    /// <summary>A well-formed record id, no negative or absurd cost, no negative counts: what a real append writes.</summary>
    private static bool IsPlausible(UsageRecord r) =>
        r.RecordId.Length == 32 && r.RecordId.All(c => c is >= '0' and <= '9' or >= 'a' and <= 'f')
        && (r.CostUsd is null or (>= 0m and <= MaxRecordCostUsd))
        && (r.SavedCostUsd is null or (>= 0m and <= MaxRecordCostUsd))
        && r.InputTokens >= 0 && r.TextOutputTokens >= 0 && r.ImageOutputTokens >= 0 && r.ThinkingTokens >= 0
        && r.ImageCount is >= 0 and <= 1000;

    private void KeepRejected(IEnumerable<string> lines)
    {
        try
        {
            var path = Path.Combine(IO.PrivateFolder.Ensure(_dataFolder), UsageLedger.RejectedFileName);
            File.AppendAllText(IO.SafePaths.NotLink(path), string.Concat(lines.Select(l => l + "\n")), new UTF8Encoding(false));
            IO.PrivateFolder.RestrictFile(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or Errors.UnsafePathException) { }
    }

    private static UsageRecord? TryParse(string line)
    {
        try { return JsonSerializer.Deserialize<UsageRecord>(line, s_json); }
        catch (JsonException) { return null; }
    }

    // Another process may hold the file for a moment; FileShare.None is enforced across processes on every OS .NET runs on.
    private static FileStream OpenExclusive(string path, FileMode mode, FileAccess access)
    {
        for (var attempt = 0; ; attempt++)
        {
            try { return new FileStream(path, mode, access, FileShare.None); }
            catch (IOException) when (attempt < 20 && File.Exists(path)) { Thread.Sleep(50); }
        }
    }
}
