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
public sealed class UsageLedger : IUsageLedger
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

    private const int SchemaVersion = 1;
    private const string TimeFormat = "yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'";
    private const string Table = "usage";

    private readonly string _connectionString;
    // The same database with pooled connections, used while a long run holds the ledger open (KeepOpen).
    private readonly string _pooledConnectionString;
    private int _holds;
    private readonly RecordScrubber _scrubber;
    private readonly PendingRecords _pending;
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
        _scrubber = new RecordScrubber(options.Secrets);
        _pending = new PendingRecords(DataFolder, TempFolder);
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
        _pooledConnectionString = new SqliteConnectionStringBuilder(_connectionString) { Pooling = true }.ToString();
    }

    /// <summary>Folder that holds the database.</summary>
    public string DataFolder { get; }

    /// <summary>Last-resort folder for the pending file.</summary>
    public string TempFolder { get; }

    /// <summary>Full path of usage.db.</summary>
    public string DatabasePath => Path.Combine(DataFolder, DatabaseFileName);

    /// <inheritdoc />
    public string PendingPath => _pending.PendingPath;

    /// <summary>Full path of the pending file in the temp folder.</summary>
    public string TempPendingPath => _pending.TempPendingPath;

    /// <inheritdoc />
    public string Location => DatabasePath;

    /// <inheritdoc />
    public bool Exists => File.Exists(DatabasePath);

    /// <inheritdoc />
    public AppendResult Append(UsageRecord record)
    {
        if (record == null) throw new ArgumentNullException(nameof(record));
        _scrubber.Normalize(record);
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
            return _pending.Write(record, e);
        }
        using (connection) return new AppendResult(true, null, _pending.Fold(records => Store(connection, _scrubber.NormalizeAll(records), Insert)), null);
    }

    /// <inheritdoc />
    public IReadOnlyList<UsageRecord> Query(UsageFilter? filter = null)
    {
        filter ??= new UsageFilter();
        using var connection = Open();
        using var command = connection.CreateCommand();
        var where = LedgerSql.Where(command, filter, TimeValue);
        command.CommandText = LedgerSql.Select(Table, where, filter.Last != null);
        if (filter.Last is int last) command.Parameters.AddWithValue("@last", Math.Max(0, last));
        var records = new List<UsageRecord>();
        using var reader = command.ExecuteReader();
        while (reader.Read()) records.Add(LedgerSql.Read(reader, ReadTime));
        return records;
    }

    /// <summary>Totals of the matching records grouped by day, week, month, model, tag or cmdlet, plus a grand total.</summary>
    public UsageSummary Summarize(UsageFilter? filter, UsageGroupBy groupBy) => UsageSummary.Create(Query(filter), groupBy);

    /// <inheritdoc />
    public int Import(IReadOnlyList<UsageRecord> records)
    {
        using var connection = Open();
        return Store(connection, _scrubber.NormalizeAll(records), InsertIfAbsent);
    }

    /// <inheritdoc />
    public decimal Spend(DateTime sinceUtc, DateTime untilUtc)
    {
        using var connection = Open();
        return Spend(connection, null, sinceUtc, untilUtc);
    }

    /// <inheritdoc />
    public DateTime UtcNow() => _utcNow();


    /// <inheritdoc />
    public ReservationResult Reserve(IReadOnlyList<UsageRecord> intents, BudgetSettings budget)
    {
        if (intents == null) throw new ArgumentNullException(nameof(intents));
        if (budget == null) throw new ArgumentNullException(nameof(budget));
        using var connection = Open();
        // BEGIN IMMEDIATE takes the write lock before reading the spend, so no other thread or process can reserve
        // between our check and our insert.
        using var transaction = connection.BeginTransaction(deferred: false);
        if (Interlocked.Exchange(ref _expired, 1) == 0) Expire(connection, transaction);
        var now = _utcNow();
        var month = LedgerPeriods.MonthStart(now);
        // Without a daily budget today's spend is not needed: summing it would cost more with every row of a long batch.
        var today = budget.Daily == null ? 0m : Spend(connection, transaction, now.Date, now.Date.AddDays(1));
        var thisMonth = budget.Monthly == null ? 0m : Spend(connection, transaction, month, month.AddMonths(1));
        var estimate = intents.Sum(i => i.CostUsd ?? 0m);
        if (BudgetGuard.Evaluate(budget, today, thisMonth, estimate) is { } over) throw new BudgetExceededException(over);
        foreach (var intent in intents)
        {
            _scrubber.Normalize(intent);
            intent.Status = UsageStatus.Pending;
            intent.TimeUtc = now;
            intent.Id = Insert(connection, transaction, intent);
        }
        transaction.Commit();
        return new ReservationResult(today, thisMonth);
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
        command.Parameters.AddWithValue("@cutoff", TimeValue(now - ReservationLifetime));
        command.Parameters.AddWithValue("@batchCutoff", TimeValue(now - BatchReservationLifetime));
        return command.ExecuteNonQuery();
    }

    private static decimal Spend(SqliteConnection connection, SqliteTransaction? transaction, DateTime sinceUtc, DateTime untilUtc)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "SELECT COALESCE(SUM(cost_micros), 0) FROM usage WHERE utc_time >= @since AND utc_time < @until";
        command.Parameters.AddWithValue("@since", TimeValue(sinceUtc));
        command.Parameters.AddWithValue("@until", TimeValue(untilUtc));
        return LedgerSql.FromMicros(command.ExecuteScalar());
    }


    /// <summary>
    /// Keeps the ledger's connections open until the result is disposed, for a run that writes a few records per image
    /// (a batch): each record then costs a pooled connection and a commit, not a file opened, its folder checked and,
    /// when the last connection closes, a checkpoint flushed to the disk. Nests; the connections close with the last hold.
    /// </summary>
    public IDisposable KeepOpen()
    {
        // Opened once the ordinary way: the folder and the file checked to be private, the schema ready.
        Open().Dispose();
        Interlocked.Increment(ref _holds);
        return new Hold(this);
    }

    private sealed class Hold : IDisposable
    {
        private UsageLedger? _ledger;
        public Hold(UsageLedger ledger) => _ledger = ledger;

        public void Dispose()
        {
            var ledger = Interlocked.Exchange(ref _ledger, null);
            if (ledger == null || Interlocked.Decrement(ref ledger._holds) > 0) return;
            // Connections in use when the pool is cleared are closed when they are returned.
            using var connection = new SqliteConnection(ledger._pooledConnectionString);
            SqliteConnection.ClearPool(connection);
        }
    }

    private SqliteConnection Open()
    {
        SqliteNativeLoader.EnsureInitialized();
        var held = Volatile.Read(ref _holds) > 0;
        // While held, KeepOpen has checked the folder and the file already.
        if (!held) IO.PrivateFolder.Ensure(DataFolder);
        var connection = new SqliteConnection(held ? _pooledConnectionString : _connectionString);
        try
        {
            connection.Open();
            if (!held) IO.PrivateFolder.RestrictFile(DatabasePath);
            // synchronous = NORMAL (SQLite's advice for WAL): a commit no longer waits for the disk; a killed or crashed
            // process loses nothing, only a power cut or an OS crash can lose the last commits (never corrupts the file).
            // It saves two disk flushes per generated image (the reservation and the record).
            Execute(connection, null, $"PRAGMA busy_timeout = {(long)_busyTimeout.TotalMilliseconds}; PRAGMA synchronous = NORMAL;");
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
            EnsureColumn(connection, "project", "TEXT NULL");
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

    /// <summary>Writes <paramref name="records"/> in one transaction with <paramref name="insert"/>; returns how many rows changed.</summary>
    private static int Store(SqliteConnection connection, IReadOnlyList<UsageRecord> records, Func<SqliteConnection, SqliteTransaction, UsageRecord, long> insert)
    {
        var changed = 0;
        using var transaction = connection.BeginTransaction();
        foreach (var record in records)
        {
            if (insert(connection, transaction, record) != 0) changed++;
        }
        transaction.Commit();
        return changed;
    }

    /// <summary>
    /// Adds a record, or settles the reservation with the same record_id (<see cref="LedgerSql.Upsert"/>).
    /// Returns the row id, 0 when nothing changed.
    /// </summary>
    private static long Insert(SqliteConnection connection, SqliteTransaction transaction, UsageRecord r)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = LedgerSql.Upsert(Table) + ";\nSELECT CASE WHEN changes() = 0 THEN 0 ELSE (SELECT id FROM usage WHERE record_id = @record_id) END;";
        LedgerSql.Bind(command, r, TimeValue);
        return Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture);
    }

    private static long InsertIfAbsent(SqliteConnection connection, SqliteTransaction transaction, UsageRecord r)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = LedgerSql.InsertIfAbsent(Table);
        LedgerSql.Bind(command, r, TimeValue);
        return command.ExecuteNonQuery();
    }

    /// <summary>Times are stored as fixed-width UTC text, so text order is time order.</summary>
    private static object TimeValue(DateTime time) => LedgerSql.AsUtc(time).ToString(TimeFormat, CultureInfo.InvariantCulture);

    private static DateTime ReadTime(object value) =>
        DateTime.ParseExact((string)value, TimeFormat, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal);
}
