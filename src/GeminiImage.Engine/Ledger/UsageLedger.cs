using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Threading;
using Microsoft.Data.Sqlite;

namespace GeminiImage.Engine.Ledger;

/// <summary>
/// The per-user record of every request and what it cost, in a SQLite file (<c>usage.db</c>) that several processes
/// may write at once.
/// </summary>
/// <remarks>
/// Money is stored as INTEGER micro-dollars (cost × 1,000,000, the precision of <see cref="Pricing.CostCalculator"/>),
/// so sums are exact in SQL and in C# decimals; NULL means an unknown price. Times are UTC ISO 8601 text with a fixed
/// width, so text order is time order. "Today" and "this month" are UTC days and months, the same for every machine
/// and close to how the API bills. The schema version is kept in <c>PRAGMA user_version</c>.
/// </remarks>
public sealed class UsageLedger : ISpendReservations
{
    /// <summary>How long a local request's reservation may stay open before it counts as unanswered.</summary>
    public static readonly TimeSpan ReservationLifetime = TimeSpan.FromHours(6);

    /// <summary>The same for a server-side batch row (jobs may run for up to 48 hours).</summary>
    public static readonly TimeSpan BatchReservationLifetime = TimeSpan.FromHours(72);

    /// <summary>File name of the database inside the data folder.</summary>
    public const string DatabaseFileName = "usage.db";

    /// <summary>File name of the JSON-lines file that holds records the database could not take.</summary>
    public const string PendingFileName = "usage-pending.jsonl";

    /// <summary>Pending records refused when folding (bad id, impossible cost or counts), kept in the data folder for inspection.</summary>
    public const string RejectedFileName = "usage-pending.rejected.jsonl";

    /// <summary>No single call costs this much; a pending record claiming more (or less than nothing) is forged or corrupt.</summary>
    private const decimal MaxRecordCostUsd = 1000m;

    private const int SchemaVersion = 1;
    private const string TimeFormat = "yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'";
    private const string Redacted = "***";
    private const string Columns = "id, record_id, utc_time, cmdlet, operation, model, input_tokens, text_output_tokens, image_output_tokens, " +
        "thinking_tokens, image_count, cost_micros, saved_micros, status, error_id, tags, batch_id, row_id, output_path, prompt, " +
        "machine_name, user_name, response_id, endpoint";

    private static readonly JsonSerializerOptions s_json = new() { Converters = { new JsonStringEnumConverter() } };

    private static readonly Dictionary<UsageOperation, string> s_operationNames = new()
    {
        [UsageOperation.Generate] = "generate",
        [UsageOperation.Edit] = "edit",
        [UsageOperation.Chat] = "chat",
        [UsageOperation.Batch] = "batch",
        [UsageOperation.BatchServer] = "batch-server",
        [UsageOperation.Watch] = "watch",
        [UsageOperation.CacheHit] = "cache-hit",
        [UsageOperation.Search] = "search",
    };

    private readonly string _connectionString;
    private readonly string[] _secrets;
    private readonly TimeSpan _busyTimeout;
    private readonly Func<DateTime> _utcNow;
    private readonly object _schemaLock = new();
    private bool _schemaReady;
    private int _expired;

    /// <summary>Opens (lazily) the ledger in the configured data folder.</summary>
    public UsageLedger(UsageLedgerOptions? options = null)
    {
        options ??= new UsageLedgerOptions();
        DataFolder = Path.GetFullPath(options.DataFolder ?? Ledger.DataFolder.Default);
        TempFolder = Path.GetFullPath(options.TempFolder ?? Ledger.DataFolder.Temp);
        // Short secrets would garble ordinary text; API keys are ~40 characters.
        _secrets = (options.Secrets ?? Array.Empty<string?>()).Where(s => s != null && s.Length >= 8).Select(s => s!).Distinct().ToArray();
        _busyTimeout = options.BusyTimeout;
        _utcNow = options.UtcNow ?? (() => DateTime.UtcNow);
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = DatabasePath,
            Mode = SqliteOpenMode.ReadWriteCreate,
            // No pooling: a PowerShell session would otherwise hold usage.db open for its whole life.
            Pooling = false,
            // Microsoft.Data.Sqlite retries SQLITE_BUSY until the command timeout, so it must match busy_timeout (0 would mean forever).
            DefaultTimeout = Math.Max(1, (int)Math.Ceiling(_busyTimeout.TotalSeconds)),
        }.ToString();
    }

    /// <summary>Folder that holds the database.</summary>
    public string DataFolder { get; }

    /// <summary>Last-resort folder for the pending file.</summary>
    public string TempFolder { get; }

    /// <summary>Full path of usage.db.</summary>
    public string DatabasePath => Path.Combine(DataFolder, DatabaseFileName);

    /// <summary>Full path of the pending file in the data folder.</summary>
    public string PendingPath => Path.Combine(DataFolder, PendingFileName);

    /// <summary>Full path of the pending file in the temp folder.</summary>
    public string TempPendingPath => Path.Combine(TempFolder, PendingFileName);

    /// <summary>
    /// Stores a record (after filling machine and user names and redacting secrets, in place) and folds in any pending
    /// records. Never throws: when the database cannot be written the record goes to the pending file and the result
    /// says where.
    /// </summary>
    public AppendResult Append(UsageRecord record)
    {
        if (record == null) throw new ArgumentNullException(nameof(record));
        Normalize(record);
        SqliteConnection connection;
        try
        {
            connection = Open();
            try
            {
                using var transaction = connection.BeginTransaction();
                record.Id = Insert(connection, transaction, record);
                transaction.Commit();
            }
            catch
            {
                connection.Dispose();
                throw;
            }
        }
        // Deliberately broad: the caller has already paid for the image, and losing the record is the only worse outcome.
        catch (Exception e)
        {
            return WritePending(record, e);
        }
        using (connection) return new AppendResult(true, null, FoldPending(connection), null);
    }

    /// <summary>Records matching the filter, oldest first.</summary>
    public IReadOnlyList<UsageRecord> Query(UsageFilter? filter = null)
    {
        filter ??= new UsageFilter();
        using var connection = Open();
        using var command = connection.CreateCommand();
        var where = BuildWhere(command, filter);
        if (filter.Last is int last)
        {
            command.CommandText = $"SELECT * FROM (SELECT {Columns} FROM usage{where} ORDER BY utc_time DESC, id DESC LIMIT @last) ORDER BY utc_time, id";
            command.Parameters.AddWithValue("@last", Math.Max(0, last));
        }
        else
        {
            command.CommandText = $"SELECT {Columns} FROM usage{where} ORDER BY utc_time, id";
        }
        var records = new List<UsageRecord>();
        using var reader = command.ExecuteReader();
        while (reader.Read()) records.Add(ReadRecord(reader));
        return records;
    }

    /// <summary>Totals of the matching records grouped by day, week, month, model, tag or cmdlet, plus a grand total.</summary>
    public UsageSummary Summarize(UsageFilter? filter, UsageGroupBy groupBy) => UsageSummary.Create(Query(filter), groupBy);

    /// <summary>Spend (USD) from <paramref name="sinceUtc"/> inclusive to <paramref name="untilUtc"/> exclusive, open reservations included; unknown costs count as 0.</summary>
    public decimal Spend(DateTime sinceUtc, DateTime untilUtc)
    {
        using var connection = Open();
        return Spend(connection, null, sinceUtc, untilUtc);
    }

    /// <summary>Spend of the current UTC day.</summary>
    public decimal SpendToday()
    {
        var today = _utcNow().Date;
        return Spend(today, today.AddDays(1));
    }

    /// <summary>Spend of the current UTC month.</summary>
    public decimal SpendThisMonth()
    {
        var now = _utcNow();
        var month = new DateTime(now.Year, now.Month, 1, 0, 0, 0, DateTimeKind.Utc);
        return Spend(month, month.AddMonths(1));
    }

    internal DateTime UtcNow() => _utcNow();

    /// <inheritdoc />
    public (decimal Today, decimal ThisMonth) Reserve(IReadOnlyList<UsageRecord> intents, BudgetSettings budget)
    {
        if (intents == null) throw new ArgumentNullException(nameof(intents));
        if (budget == null) throw new ArgumentNullException(nameof(budget));
        using var connection = Open();
        // BEGIN IMMEDIATE takes the write lock before reading the spend, so no other thread or process can reserve
        // between our check and our insert.
        using var transaction = connection.BeginTransaction(deferred: false);
        if (Interlocked.Exchange(ref _expired, 1) == 0) Expire(connection, transaction);
        var now = _utcNow();
        var month = new DateTime(now.Year, now.Month, 1, 0, 0, 0, DateTimeKind.Utc);
        var today = Spend(connection, transaction, now.Date, now.Date.AddDays(1));
        var thisMonth = budget.Monthly == null ? 0m : Spend(connection, transaction, month, month.AddMonths(1));
        var estimate = intents.Sum(i => i.CostUsd ?? 0m);
        if (BudgetGuard.Evaluate(budget, today, thisMonth, estimate) is { } over) throw new BudgetExceededException(over);
        foreach (var intent in intents)
        {
            Normalize(intent);
            intent.Status = UsageStatus.Pending;
            intent.TimeUtc = now;
            intent.Id = Insert(connection, transaction, intent);
        }
        transaction.Commit();
        return (today, thisMonth);
    }

    /// <inheritdoc />
    public AppendResult Settle(string reservationId, UsageRecord actual)
    {
        if (actual == null) throw new ArgumentNullException(nameof(actual));
        if (!string.IsNullOrEmpty(reservationId)) actual.RecordId = reservationId;
        return Append(actual);
    }

    /// <inheritdoc />
    public void Release(IEnumerable<string> reservationIds)
    {
        var ids = (reservationIds ?? Array.Empty<string>()).Where(i => !string.IsNullOrEmpty(i)).ToList();
        if (ids.Count == 0) return;
        using var connection = Open();
        using var transaction = connection.BeginTransaction(deferred: false);
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "DELETE FROM usage WHERE record_id = @id AND status = 'Pending'";
        var id = command.Parameters.Add("@id", SqliteType.Text);
        foreach (var reservation in ids)
        {
            id.Value = reservation;
            command.ExecuteNonQuery();
        }
        transaction.Commit();
    }

    /// <inheritdoc />
    public int Expire()
    {
        using var connection = Open();
        using var transaction = connection.BeginTransaction(deferred: false);
        var count = Expire(connection, transaction);
        transaction.Commit();
        return count;
    }

    private int Expire(SqliteConnection connection, SqliteTransaction transaction)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "UPDATE usage SET status = 'Unanswered' WHERE status = 'Pending' AND " +
            "((operation = 'batch-server' AND utc_time < @batchCutoff) OR (operation <> 'batch-server' AND utc_time < @cutoff))";
        var now = _utcNow();
        command.Parameters.AddWithValue("@cutoff", FormatTime(now - ReservationLifetime));
        command.Parameters.AddWithValue("@batchCutoff", FormatTime(now - BatchReservationLifetime));
        return command.ExecuteNonQuery();
    }

    private static decimal Spend(SqliteConnection connection, SqliteTransaction? transaction, DateTime sinceUtc, DateTime untilUtc)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "SELECT COALESCE(SUM(cost_micros), 0) FROM usage WHERE utc_time >= @since AND utc_time < @until";
        command.Parameters.AddWithValue("@since", FormatTime(sinceUtc));
        command.Parameters.AddWithValue("@until", FormatTime(untilUtc));
        return FromMicros(Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture));
    }


    private SqliteConnection Open()
    {
        SqliteNativeLoader.EnsureInitialized();
        IO.PrivateFolder.Ensure(DataFolder);
        var connection = new SqliteConnection(_connectionString);
        try
        {
            connection.Open();
            IO.PrivateFolder.RestrictFile(DatabasePath);
            Execute(connection, null, $"PRAGMA busy_timeout = {(long)_busyTimeout.TotalMilliseconds};");
            EnsureSchema(connection);
            return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    private void EnsureSchema(SqliteConnection connection)
    {
        lock (_schemaLock)
        {
            if (_schemaReady) return;
            if (UserVersion(connection, null) < SchemaVersion)
            {
                // WAL lets readers and one writer work side by side across processes; the setting is stored in the file.
                Execute(connection, null, "PRAGMA journal_mode = WAL;");
                using var transaction = connection.BeginTransaction();
                // Another process may have created the schema while we waited for the write lock.
                if (UserVersion(connection, transaction) < 1)
                {
                    Execute(connection, transaction, @"
CREATE TABLE IF NOT EXISTS usage (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    record_id TEXT NOT NULL UNIQUE,
    utc_time TEXT NOT NULL,
    cmdlet TEXT NOT NULL,
    operation TEXT NOT NULL,
    model TEXT NOT NULL,
    input_tokens INTEGER NOT NULL DEFAULT 0,
    text_output_tokens INTEGER NOT NULL DEFAULT 0,
    image_output_tokens INTEGER NOT NULL DEFAULT 0,
    thinking_tokens INTEGER NOT NULL DEFAULT 0,
    image_count INTEGER NOT NULL DEFAULT 0,
    cost_micros INTEGER NULL,
    saved_micros INTEGER NULL,
    status TEXT NOT NULL,
    error_id TEXT NULL,
    tags TEXT NOT NULL DEFAULT '',
    batch_id TEXT NULL,
    row_id TEXT NULL,
    output_path TEXT NULL,
    prompt TEXT NULL,
    machine_name TEXT NULL,
    user_name TEXT NULL,
    response_id TEXT NULL
);
CREATE INDEX IF NOT EXISTS ix_usage_time ON usage (utc_time);
CREATE INDEX IF NOT EXISTS ix_usage_model ON usage (model);
PRAGMA user_version = 1;");
                }
                transaction.Commit();
            }
            // Columns added after version 1 are checked by name, so they coexist with any later numbered migration.
            EnsureColumn(connection, "endpoint", "TEXT NULL");
            // A newer module may have migrated further; later versions only add columns, so we can still read and write.
            _schemaReady = true;
        }
    }

    private static void EnsureColumn(SqliteConnection connection, string name, string type)
    {
        if (ColumnExists(connection, name)) return;
        try
        {
            Execute(connection, null, $"ALTER TABLE usage ADD COLUMN {name} {type};");
        }
        catch (SqliteException) when (ColumnExists(connection, name))
        {
            // Another process added it first.
        }
    }

    private static bool ColumnExists(SqliteConnection connection, string name)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM pragma_table_info('usage') WHERE name = @name";
        command.Parameters.AddWithValue("@name", name);
        return Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture) > 0;
    }

    private static long UserVersion(SqliteConnection connection, SqliteTransaction? transaction)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "PRAGMA user_version;";
        return Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture);
    }

    private static void Execute(SqliteConnection connection, SqliteTransaction? transaction, string sql)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    /// <summary>
    /// Adds a record, or settles the reservation with the same record_id; a record_id already settled is left alone,
    /// so folding a pending record in twice is harmless. Returns the row id, 0 when nothing changed.
    /// </summary>
    private static long Insert(SqliteConnection connection, SqliteTransaction transaction, UsageRecord r)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = @"INSERT INTO usage (record_id, utc_time, cmdlet, operation, model,
input_tokens, text_output_tokens, image_output_tokens, thinking_tokens, image_count, cost_micros, saved_micros, status, error_id, tags,
batch_id, row_id, output_path, prompt, machine_name, user_name, response_id, endpoint)
VALUES (@record_id, @utc_time, @cmdlet, @operation, @model, @input_tokens, @text_output_tokens, @image_output_tokens, @thinking_tokens,
@image_count, @cost_micros, @saved_micros, @status, @error_id, @tags, @batch_id, @row_id, @output_path, @prompt, @machine_name,
@user_name, @response_id, @endpoint)
ON CONFLICT (record_id) DO UPDATE SET utc_time = excluded.utc_time, cmdlet = excluded.cmdlet, operation = excluded.operation,
model = excluded.model, input_tokens = excluded.input_tokens, text_output_tokens = excluded.text_output_tokens,
image_output_tokens = excluded.image_output_tokens, thinking_tokens = excluded.thinking_tokens, image_count = excluded.image_count,
cost_micros = excluded.cost_micros, saved_micros = excluded.saved_micros, status = excluded.status, error_id = excluded.error_id,
tags = excluded.tags, batch_id = excluded.batch_id, row_id = excluded.row_id, output_path = excluded.output_path, prompt = excluded.prompt,
machine_name = excluded.machine_name, user_name = excluded.user_name, response_id = excluded.response_id, endpoint = excluded.endpoint
WHERE usage.status IN ('Pending', 'Unanswered');
SELECT CASE WHEN changes() = 0 THEN 0 ELSE (SELECT id FROM usage WHERE record_id = @record_id) END;";
        var p = command.Parameters;
        p.AddWithValue("@record_id", r.RecordId);
        p.AddWithValue("@utc_time", FormatTime(r.TimeUtc));
        p.AddWithValue("@cmdlet", r.Cmdlet);
        p.AddWithValue("@operation", s_operationNames[r.Operation]);
        p.AddWithValue("@model", r.Model);
        p.AddWithValue("@input_tokens", r.InputTokens);
        p.AddWithValue("@text_output_tokens", r.TextOutputTokens);
        p.AddWithValue("@image_output_tokens", r.ImageOutputTokens);
        p.AddWithValue("@thinking_tokens", r.ThinkingTokens);
        p.AddWithValue("@image_count", r.ImageCount);
        p.AddWithValue("@cost_micros", DbValue(ToMicros(r.CostUsd)));
        p.AddWithValue("@saved_micros", DbValue(ToMicros(r.SavedCostUsd)));
        p.AddWithValue("@status", r.Status.ToString());
        p.AddWithValue("@error_id", DbValue(r.ErrorId));
        p.AddWithValue("@tags", string.Join(",", r.Tags));
        p.AddWithValue("@batch_id", DbValue(r.BatchId));
        p.AddWithValue("@row_id", DbValue(r.RowId));
        p.AddWithValue("@output_path", DbValue(r.OutputPath));
        p.AddWithValue("@prompt", DbValue(r.Prompt));
        p.AddWithValue("@machine_name", DbValue(r.MachineName));
        p.AddWithValue("@user_name", DbValue(r.UserName));
        p.AddWithValue("@response_id", DbValue(r.ResponseId));
        p.AddWithValue("@endpoint", DbValue(r.Endpoint));
        return Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture);
    }

    private static UsageRecord ReadRecord(SqliteDataReader reader)
    {
        string? Text(int i) => reader.IsDBNull(i) ? null : reader.GetString(i);
        long? Long(int i) => reader.IsDBNull(i) ? null : reader.GetInt64(i);
        var operation = reader.GetString(4);
        return new UsageRecord
        {
            Id = reader.GetInt64(0),
            RecordId = reader.GetString(1),
            TimeUtc = DateTime.ParseExact(reader.GetString(2), TimeFormat, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal),
            Cmdlet = reader.GetString(3),
            Operation = s_operationNames.FirstOrDefault(kv => kv.Value == operation).Key,
            Model = reader.GetString(5),
            InputTokens = reader.GetInt32(6),
            TextOutputTokens = reader.GetInt32(7),
            ImageOutputTokens = reader.GetInt32(8),
            ThinkingTokens = reader.GetInt32(9),
            ImageCount = reader.GetInt32(10),
            CostUsd = Long(11) is long cost ? FromMicros(cost) : null,
            SavedCostUsd = Long(12) is long saved ? FromMicros(saved) : null,
            Status = Enum.TryParse<UsageStatus>(reader.GetString(13), out var status) ? status : UsageStatus.Failed,
            ErrorId = Text(14),
            Tags = SplitTags(reader.GetString(15)),
            BatchId = Text(16),
            RowId = Text(17),
            OutputPath = Text(18),
            Prompt = Text(19),
            MachineName = Text(20),
            UserName = Text(21),
            ResponseId = Text(22),
            Endpoint = Text(23),
        };
    }

    private static string BuildWhere(SqliteCommand command, UsageFilter filter)
    {
        var clauses = new List<string>();
        if (filter.Since is DateTime since)
        {
            clauses.Add("utc_time >= @since");
            command.Parameters.AddWithValue("@since", FormatTime(since));
        }
        if (filter.Until is DateTime until)
        {
            clauses.Add("utc_time < @until");
            command.Parameters.AddWithValue("@until", FormatTime(until));
        }
        if (!string.IsNullOrEmpty(filter.Model))
        {
            clauses.Add("model = @model COLLATE NOCASE");
            command.Parameters.AddWithValue("@model", Catalog.ModelCatalog.StripPrefix(filter.Model!));
        }
        if (!string.IsNullOrEmpty(filter.Tag))
        {
            // Tags are stored "a,b,c"; wrapping both sides in commas matches whole tags only.
            clauses.Add("instr(',' || lower(tags) || ',', ',' || lower(@tag) || ',') > 0");
            command.Parameters.AddWithValue("@tag", filter.Tag!.Trim());
        }
        return clauses.Count == 0 ? "" : " WHERE " + string.Join(" AND ", clauses);
    }

    private void Normalize(UsageRecord r)
    {
        r.MachineName ??= Environment.MachineName;
        r.UserName ??= Environment.UserName;
        r.Model = Catalog.ModelCatalog.StripPrefix(r.Model);
        r.Tags = r.Tags.Select(t => Scrub(t)?.Replace(",", " ").Trim()).Where(t => !string.IsNullOrEmpty(t)).Select(t => t!).Distinct().ToList();
        r.RecordId = Scrub(r.RecordId) ?? Guid.NewGuid().ToString("N");
        r.Cmdlet = Scrub(r.Cmdlet) ?? "";
        r.Model = Scrub(r.Model) ?? "";
        r.ErrorId = Scrub(r.ErrorId);
        r.BatchId = Scrub(r.BatchId);
        r.RowId = Scrub(r.RowId);
        r.OutputPath = Scrub(r.OutputPath);
        r.Prompt = Scrub(r.Prompt);
        r.MachineName = Scrub(r.MachineName);
        r.UserName = Scrub(r.UserName);
        r.ResponseId = Scrub(r.ResponseId);
        r.Endpoint = Scrub(r.Endpoint);
    }

    private string? Scrub(string? text)
    {
        if (text == null) return null;
        foreach (var secret in _secrets) text = text.Replace(secret, Redacted);
        return text;
    }

    private AppendResult WritePending(UsageRecord record, Exception error)
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

    /// <summary>Moves pending records into the database; INSERT OR IGNORE on record_id makes a repeated fold harmless.</summary>
    private int FoldPending(SqliteConnection connection)
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
                    string? line;
                    while ((line = reader.ReadLine()) != null)
                    {
                        if (line.Trim().Length == 0) continue;
                        var record = TryParse(line);
                        if (record == null) kept.Add(line); // never silently drop what we could not read
                        else if (!IsPlausible(record)) rejected.Add(line);
                        else if (seen.Add(record.RecordId)) records.Add(record);
                    }
                }
                if (rejected.Count > 0) KeepRejected(rejected);
                using (var transaction = connection.BeginTransaction())
                {
                    foreach (var record in records)
                    {
                        Normalize(record);
                        if (Insert(connection, transaction, record) != 0) folded++;
                    }
                    transaction.Commit();
                }
                stream.SetLength(0);
                var rest = Encoding.UTF8.GetBytes(string.Concat(kept.Select(l => l + "\n")));
                stream.Write(rest, 0, rest.Length);
            }
            // Broad for the same reason as Append: the records stay pending and the next append tries again.
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
            var path = Path.Combine(IO.PrivateFolder.Ensure(DataFolder), RejectedFileName);
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

    private static IList<string> SplitTags(string tags) =>
        tags.Split(new[] { ',' }, StringSplitOptions.RemoveEmptyEntries).ToList();

    private static string FormatTime(DateTime time)
    {
        var utc = time.Kind == DateTimeKind.Local ? time.ToUniversalTime() : DateTime.SpecifyKind(time, DateTimeKind.Utc);
        return utc.ToString(TimeFormat, CultureInfo.InvariantCulture);
    }

    private static long? ToMicros(decimal? usd) => usd is decimal d ? (long)Math.Round(d * 1_000_000m, MidpointRounding.AwayFromZero) : null;

    // Dividing by 1.000… drops the trailing zeros the division leaves (0.039000 → 0.039), so values print as written.
    private static decimal FromMicros(long micros) => micros / 1_000_000m / 1.000000000000000000000000000m;

    private static object DbValue(object? value) => value ?? DBNull.Value;
}
