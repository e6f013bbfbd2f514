using System.Data.Common;

namespace GeminiImage.Engine.Ledger;

/// <summary>
/// What both ledger back ends (the per-user SQLite file, a team's PostgreSQL database) do the same way: records
/// scrubbed and written idempotently, the pending file for what the store cannot take, queries, reservations checked
/// against the personal budget, settlement, release and expiry. A back end brings its connections, its time
/// conversion and the few places where the two dialects differ.
/// </summary>
public abstract class SqlUsageLedger : IUsageLedger
{
    /// <summary>How long a local request's reservation may stay open before it counts as unanswered.</summary>
    public static readonly TimeSpan ReservationLifetime = TimeSpan.FromHours(6);

    /// <summary>The same for a server-side batch row (jobs may run for up to 48 hours).</summary>
    public static readonly TimeSpan BatchReservationLifetime = TimeSpan.FromHours(72);

    private readonly string _table;
    private readonly RecordScrubber _scrubber;
    private readonly Func<DateTime> _utcNow;
    private int _expired;

    private protected SqlUsageLedger(string table, UsageLedgerOptions? options)
    {
        options ??= new UsageLedgerOptions();
        _table = table;
        DataFolder = Path.GetFullPath(options.DataFolder ?? Ledger.DataFolder.Default);
        TempFolder = Path.GetFullPath(options.TempFolder ?? Ledger.DataFolder.Temp);
        _scrubber = new RecordScrubber(options.Secrets);
        Pending = new PendingRecords(DataFolder, TempFolder);
        _utcNow = options.UtcNow ?? (() => DateTime.UtcNow);
    }

    /// <inheritdoc />
    public abstract string Location { get; }

    /// <inheritdoc />
    public abstract bool Exists { get; }

    /// <inheritdoc />
    public string DataFolder { get; }

    /// <summary>Last-resort folder for the pending file.</summary>
    public string TempFolder { get; }

    /// <inheritdoc />
    public string PendingPath => Pending.PendingPath;

    private protected PendingRecords Pending { get; }

    /// <inheritdoc />
    public DateTime UtcNow() => _utcNow();

    /// <inheritdoc />
    public AppendResult Append(UsageRecord record)
    {
        if (record == null) throw new ArgumentNullException(nameof(record));
        _scrubber.Normalize(record);
        int folded;
        try
        {
            // The pending records are folded in on the connection that has just worked (Fold never throws: what it
            // cannot store stays pending for the next append).
            (record.Id, folded) = Run(connection => (InTransaction(connection, transaction => Upsert(connection, transaction, record)), Fold(connection)));
        }
        // Deliberately broad: the call is paid for, and losing its record is the only worse outcome.
        catch (Exception e)
        {
            return Pending.Write(record, Translate(e));
        }
        return new AppendResult(true, null, folded, null);
    }

    /// <inheritdoc />
    public IReadOnlyList<UsageRecord> Query(UsageFilter? filter = null)
    {
        filter ??= new UsageFilter();
        return Run(connection =>
        {
            using var command = connection.CreateCommand();
            var where = LedgerSql.Where(command, filter, TimeValue);
            command.CommandText = LedgerSql.Select(_table, where, filter.Last != null);
            if (filter.Last is int last) LedgerSql.Add(command, "@last", Math.Max(0, last));
            var records = new List<UsageRecord>();
            using var reader = command.ExecuteReader();
            while (reader.Read()) records.Add(LedgerSql.Read(reader, ReadTime));
            return records;
        });
    }

    /// <inheritdoc />
    public int Import(IReadOnlyList<UsageRecord> records) =>
        Run(connection => Store(connection, _scrubber.NormalizeAll(records), InsertIfAbsent));

    /// <inheritdoc />
    public decimal Spend(DateTime sinceUtc, DateTime untilUtc) => Run(connection => Spend(connection, null, sinceUtc, untilUtc));

    /// <inheritdoc />
    public ReservationResult Reserve(IReadOnlyList<UsageRecord> intents, BudgetSettings budget)
    {
        if (intents == null) throw new ArgumentNullException(nameof(intents));
        if (budget == null) throw new ArgumentNullException(nameof(budget));
        return Run(connection =>
        {
            // No other thread or process can reserve between our spend read and our insert.
            using var transaction = BeginReservation(connection);
            if (Interlocked.Exchange(ref _expired, 1) == 0) Expire(connection, transaction);
            var now = _utcNow();
            var month = LedgerPeriods.MonthStart(now);
            // Without a daily budget today's spend is not needed: summing it would cost more with every row of a long batch.
            var today = budget.Daily == null ? 0m : Spend(connection, transaction, now.Date, now.Date.AddDays(1));
            var thisMonth = budget.Monthly == null ? 0m : Spend(connection, transaction, month, month.AddMonths(1));
            var estimate = intents.Sum(i => i.CostUsd ?? 0m);
            if (BudgetGuard.Evaluate(budget, today, thisMonth, estimate) is { } over) throw new BudgetExceededException(over);
            var warnings = CheckSharedBudgets(connection, transaction, intents, now);
            foreach (var intent in intents)
            {
                _scrubber.Normalize(intent);
                intent.Status = UsageStatus.Pending;
                intent.TimeUtc = now;
                intent.Id = Upsert(connection, transaction, intent);
            }
            transaction.Commit();
            return new ReservationResult(today, thisMonth, warnings);
        });
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
        var ids = (reservationIds ?? Array.Empty<string>()).Where(i => !string.IsNullOrEmpty(i)).ToArray();
        if (ids.Length == 0) return;
        Run(connection => DeletePending(connection, ids));
    }

    /// <inheritdoc />
    public int Expire() => Run(connection => Expire(connection, null));

    /// <summary>Runs <paramref name="work"/> on an open connection of this back end.</summary>
    private protected abstract T Run<T>(Func<DbConnection, T> work);

    /// <summary>The transaction of a reservation, holding the lock that serializes reservations.</summary>
    private protected abstract DbTransaction BeginReservation(DbConnection connection);

    /// <summary>Deletes the reservations with these record ids that are still pending; how many.</summary>
    private protected abstract int DeletePending(DbConnection connection, string[] ids);

    /// <summary>The spend the personal budget (budget.json) limits, from <paramref name="since"/> to <paramref name="until"/>.</summary>
    private protected abstract decimal Spend(DbConnection connection, DbTransaction? transaction, DateTime since, DateTime until);

    /// <summary>What follows <see cref="LedgerSql.Upsert"/> so that it returns the row id, 0 or no row when nothing changed.</summary>
    private protected abstract string UpsertReturningId { get; }

    /// <summary>A time as this back end stores it.</summary>
    private protected abstract object TimeValue(DateTime time);

    /// <summary>A stored time as a UTC <see cref="DateTime"/>.</summary>
    private protected abstract DateTime ReadTime(object value);

    /// <summary>Budgets beyond the personal one (a team's) checked inside the reservation; their first warnings.</summary>
    private protected virtual IReadOnlyList<BudgetCheckResult>? CheckSharedBudgets(DbConnection connection, DbTransaction transaction, IReadOnlyList<UsageRecord> intents, DateTime now) => null;

    /// <summary>The error a failed write is kept in the pending file with.</summary>
    private protected virtual Exception Translate(Exception e) => e;

    /// <summary>Adds the records waiting in the pending file on <paramref name="connection"/>; how many were new. Never throws.</summary>
    private protected int Fold(DbConnection connection) => Pending.Fold(records => Store(connection, _scrubber.NormalizeAll(records), Upsert));

    /// <summary>The cost of the records from <paramref name="since"/> to <paramref name="until"/>, narrowed by <paramref name="and"/> (" AND ...", parameters bound by <paramref name="bind"/>).</summary>
    private protected decimal SumCost(DbConnection connection, DbTransaction? transaction, DateTime since, DateTime until, string and = "", Action<DbCommand>? bind = null)
    {
        using var command = LedgerSql.Command(connection, transaction, $"SELECT COALESCE(SUM(cost_micros), 0) FROM {_table} WHERE utc_time >= @since AND utc_time < @until{and}");
        LedgerSql.Add(command, "@since", TimeValue(since));
        LedgerSql.Add(command, "@until", TimeValue(until));
        bind?.Invoke(command);
        return LedgerSql.FromMicros(command.ExecuteScalar());
    }

    private int Expire(DbConnection connection, DbTransaction? transaction)
    {
        using var command = LedgerSql.Command(connection, transaction, $"UPDATE {_table} SET status = 'Unanswered' WHERE status = 'Pending' AND " +
            "((operation = 'batch-server' AND utc_time < @batchCutoff) OR (operation <> 'batch-server' AND utc_time < @cutoff))");
        var now = _utcNow();
        LedgerSql.Add(command, "@cutoff", TimeValue(now - ReservationLifetime));
        LedgerSql.Add(command, "@batchCutoff", TimeValue(now - BatchReservationLifetime));
        return command.ExecuteNonQuery();
    }

    /// <summary>Adds the record or settles its reservation (<see cref="LedgerSql.Upsert"/>); the row id, 0 when nothing changed.</summary>
    private long Upsert(DbConnection connection, DbTransaction? transaction, UsageRecord r)
    {
        using var command = LedgerSql.Command(connection, transaction, LedgerSql.Upsert(_table) + UpsertReturningId);
        LedgerSql.Bind(command, r, TimeValue);
        return command.ExecuteScalar() is { } id and not DBNull ? Convert.ToInt64(id, CultureInfo.InvariantCulture) : 0;
    }

    private long InsertIfAbsent(DbConnection connection, DbTransaction? transaction, UsageRecord r)
    {
        using var command = LedgerSql.Command(connection, transaction, LedgerSql.InsertIfAbsent(_table));
        LedgerSql.Bind(command, r, TimeValue);
        return command.ExecuteNonQuery();
    }

    /// <summary>Writes <paramref name="records"/> in one transaction with <paramref name="insert"/>; returns how many rows changed.</summary>
    private static int Store(DbConnection connection, IReadOnlyList<UsageRecord> records, Func<DbConnection, DbTransaction, UsageRecord, long> insert) =>
        InTransaction(connection, transaction =>
        {
            var changed = 0;
            foreach (var record in records)
            {
                if (insert(connection, transaction, record) != 0) changed++;
            }
            return changed;
        });

    private static T InTransaction<T>(DbConnection connection, Func<DbTransaction, T> work)
    {
        using var transaction = connection.BeginTransaction();
        var result = work(transaction);
        transaction.Commit();
        return result;
    }
}
