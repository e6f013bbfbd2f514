using System.Data.Common;
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
public sealed class UsageLedger : SqlUsageLedger
{
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
    private readonly TimeSpan _busyTimeout;
    private readonly object _schemaLock = new();
    private bool _schemaReady;

    /// <summary>Opens (lazily) the ledger in the configured data folder.</summary>
    public UsageLedger(UsageLedgerOptions? options = null) : base(Table, options)
    {
        _busyTimeout = (options ?? new UsageLedgerOptions()).BusyTimeout;
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

    /// <summary>Full path of usage.db.</summary>
    public string DatabasePath => Path.Combine(DataFolder, DatabaseFileName);

    /// <summary>Full path of the pending file in the temp folder.</summary>
    public string TempPendingPath => Pending.TempPendingPath;

    /// <inheritdoc />
    public override string Location => DatabasePath;

    /// <inheritdoc />
    public override bool Exists => File.Exists(DatabasePath);

    /// <summary>Totals of the matching records grouped by day, week, month, model, tag or cmdlet, plus a grand total.</summary>
    public UsageSummary Summarize(UsageFilter? filter, UsageGroupBy groupBy) => UsageSummary.Create(Query(filter), groupBy);

    private protected override T Run<T>(Func<DbConnection, T> work)
    {
        using var connection = Open();
        return work(connection);
    }

    // BEGIN IMMEDIATE takes the write lock before the spend is read.
    private protected override DbTransaction BeginReservation(DbConnection connection) => ((SqliteConnection)connection).BeginTransaction(deferred: false);

    private protected override int DeletePending(DbConnection connection, string[] ids)
    {
        using var transaction = connection.BeginTransaction();
        using var command = LedgerSql.Command(connection, transaction, $"DELETE FROM {Table} WHERE record_id = @id AND status = 'Pending'");
        var id = ((SqliteCommand)command).Parameters.Add("@id", SqliteType.Text);
        var deleted = 0;
        foreach (var reservation in ids)
        {
            id.Value = reservation;
            deleted += command.ExecuteNonQuery();
        }
        transaction.Commit();
        return deleted;
    }

    private protected override decimal Spend(DbConnection connection, DbTransaction? transaction, DateTime since, DateTime until) =>
        SumCost(connection, transaction, since, until);

    private protected override string UpsertReturningId => $";\nSELECT CASE WHEN changes() = 0 THEN 0 ELSE (SELECT id FROM {Table} WHERE record_id = @record_id) END;";

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

    /// <summary>Times are stored as fixed-width UTC text, so text order is time order.</summary>
    private protected override object TimeValue(DateTime time) => LedgerSql.AsUtc(time).ToString(TimeFormat, CultureInfo.InvariantCulture);

    private protected override DateTime ReadTime(object value) =>
        DateTime.ParseExact((string)value, TimeFormat, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal);
}
