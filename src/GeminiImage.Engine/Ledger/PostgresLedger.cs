using Npgsql;

namespace GeminiImage.Engine.Ledger;

/// <summary>
/// A team's usage ledger in PostgreSQL: the same records as the SQLite ledger (money as bigint micro-dollars, times as
/// timestamptz), written by every member's machines, with team and project budgets and an audit log.
/// </summary>
/// <remarks>
/// Reservations of all machines are serialized by a transaction-scoped advisory lock, so two machines racing at a
/// limit cannot both pass it. A record the server cannot take goes to the per-user pending file and is replayed on the
/// next good write. The password never comes from the settings: Npgsql reads PGPASSWORD, Passfile=, PGPASSFILE or
/// ~/.pgpass.
/// </remarks>
public sealed class PostgresLedger : ITeamLedger
{
    private const string Table = "gemini_usage";
    // Any fixed number, different from the migration lock: every reservation in every process takes it.
    private const long ReservationLock = 0x47656D52657356L;

    private readonly string _connectionString;
    private readonly LedgerException? _invalid;
    private readonly RecordScrubber _scrubber;
    private readonly PendingRecords _pending;
    private readonly Func<DateTime> _utcNow;
    private readonly string _user = Environment.UserName;
    private int _schemaReady;
    private int _expired;

    /// <summary>A ledger on the server named by <paramref name="connectionString"/> (checked by <see cref="LedgerSettings.Check"/>).</summary>
    public PostgresLedger(string connectionString, UsageLedgerOptions? options = null)
    {
        options ??= new UsageLedgerOptions();
        try
        {
            var builder = LedgerSettings.Parse(connectionString);
            Location = LedgerSettings.Describe(builder);
            // A ledger that cannot be reached must not hold a paid call for long: its record goes to the pending file.
            if (connectionString.IndexOf("Timeout", StringComparison.OrdinalIgnoreCase) < 0) builder.Timeout = 5;
            builder.ApplicationName ??= "GeminiImage";
            _connectionString = builder.ConnectionString;
        }
        // Kept for the first use, so that an append still lands in the pending file and a query fails with this error.
        catch (LedgerException e)
        {
            _invalid = e;
            Location = "PostgreSQL (invalid connection string)";
            _connectionString = "";
        }
        DataFolder = System.IO.Path.GetFullPath(options.DataFolder ?? Ledger.DataFolder.Default);
        _pending = new PendingRecords(DataFolder, System.IO.Path.GetFullPath(options.TempFolder ?? Ledger.DataFolder.Temp));
        _scrubber = new RecordScrubber(options.Secrets);
        _utcNow = options.UtcNow ?? (() => DateTime.UtcNow);
    }

    /// <inheritdoc />
    public string Location { get; }

    /// <inheritdoc />
    public string DataFolder { get; }

    /// <inheritdoc />
    public string PendingPath => _pending.PendingPath;

    /// <inheritdoc />
    public bool Exists => true;

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
            (record.Id, folded) = Run(connection => (Upsert(connection, null, record), Fold(connection)));
        }
        // Deliberately broad: the call is paid for, and losing its record is the only worse outcome.
        catch (Exception e)
        {
            return _pending.Write(record, PostgresErrors.Translate(e, Location));
        }
        return new AppendResult(true, null, folded, null);
    }

    /// <inheritdoc />
    public int FoldPending()
    {
        if (!_pending.HasRecords) return 0;
        try { return Run(connection => Fold(connection)); }
        // The records stay pending; the next append tries again.
        catch (Exception e) when (e is not OutOfMemoryException) { return 0; }
    }

    /// <inheritdoc />
    public IReadOnlyList<UsageRecord> Query(UsageFilter? filter = null)
    {
        filter ??= new UsageFilter();
        return Run(connection =>
        {
            using var command = new NpgsqlCommand { Connection = connection };
            var where = LedgerSql.Where(command, filter, TimeValue);
            command.CommandText = LedgerSql.Select(Table, where, filter.Last != null);
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
    public decimal Spend(DateTime sinceUtc, DateTime untilUtc) => Run(connection => PersonalSpend(connection, null, sinceUtc, untilUtc));

    /// <inheritdoc />
    public decimal ScopeSpend(string scope, DateTime sinceUtc, DateTime untilUtc) => Run(connection => ScopeSpend(connection, null, scope, sinceUtc, untilUtc));

    /// <inheritdoc />
    public ReservationResult Reserve(IReadOnlyList<UsageRecord> intents, BudgetSettings budget)
    {
        if (intents == null) throw new ArgumentNullException(nameof(intents));
        if (budget == null) throw new ArgumentNullException(nameof(budget));
        return Run(connection =>
        {
            using var transaction = connection.BeginTransaction();
            // One reservation at a time across every machine: the spend read below cannot change before our insert.
            Execute(connection, transaction, $"SELECT pg_advisory_xact_lock({ReservationLock})");
            if (Interlocked.Exchange(ref _expired, 1) == 0) Expire(connection, transaction);
            var now = _utcNow();
            var day = now.Date;
            var month = LedgerPeriods.MonthStart(now);
            var today = PersonalSpend(connection, transaction, day, day.AddDays(1));
            var thisMonth = budget.Monthly == null ? 0m : PersonalSpend(connection, transaction, month, month.AddMonths(1));
            var estimate = intents.Sum(i => i.CostUsd ?? 0m);
            if (BudgetGuard.Evaluate(budget, today, thisMonth, estimate) is { } over) throw new BudgetExceededException(over);
            var warnings = new List<BudgetCheckResult>();
            foreach (var scoped in ReadBudgets(connection, transaction))
            {
                var project = BudgetScope.ProjectOf(scoped.Scope);
                var covered = intents.Where(i => project == null || string.Equals(i.Project?.Trim(), project, StringComparison.OrdinalIgnoreCase)).ToList();
                if (covered.Count == 0) continue;
                var settings = scoped.ToSettings();
                var scopeEstimate = covered.Sum(i => i.CostUsd ?? 0m);
                var scopeToday = settings.Daily == null ? 0m : ScopeSpend(connection, transaction, scoped.Scope, day, day.AddDays(1));
                var scopeMonth = settings.Monthly == null ? 0m : ScopeSpend(connection, transaction, scoped.Scope, month, month.AddMonths(1));
                if (BudgetGuard.Evaluate(settings, scopeToday, scopeMonth, scopeEstimate, scoped.Scope) is { } scopeOver) throw new BudgetExceededException(scopeOver);
                if (BudgetGuard.NearLimit(settings, scopeToday, scopeMonth, scopeEstimate, scoped.Scope) is { } near && FirstWarning(connection, transaction, near, now))
                    warnings.Add(near);
            }
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
        Run(connection =>
        {
            using var command = new NpgsqlCommand($"DELETE FROM {Table} WHERE record_id = ANY(@ids) AND status = 'Pending'", connection);
            command.Parameters.AddWithValue("ids", ids);
            return command.ExecuteNonQuery();
        });
    }

    /// <inheritdoc />
    public int Expire() => Run(connection => Expire(connection, null));

    /// <inheritdoc />
    public IReadOnlyList<ScopedBudget> GetBudgets() => Run(connection => ReadBudgets(connection, null));

    /// <inheritdoc />
    public void SetBudget(ScopedBudget budget)
    {
        if (budget == null) throw new ArgumentNullException(nameof(budget));
        Run(connection =>
        {
            using var transaction = connection.BeginTransaction();
            var old = ReadBudgets(connection, transaction).FirstOrDefault(b => string.Equals(b.Scope, budget.Scope, StringComparison.OrdinalIgnoreCase));
            using (var command = new NpgsqlCommand(@"INSERT INTO gemini_budget (scope, daily_micros, monthly_micros, warn_at, updated_utc, updated_by)
VALUES (@scope, @daily, @monthly, @warn, now(), @by)
ON CONFLICT (scope) DO UPDATE SET daily_micros = excluded.daily_micros, monthly_micros = excluded.monthly_micros,
warn_at = excluded.warn_at, updated_utc = excluded.updated_utc, updated_by = excluded.updated_by", connection, transaction))
            {
                LedgerSql.Add(command, "@scope", old?.Scope ?? budget.Scope);
                LedgerSql.Add(command, "@daily", LedgerSql.ToMicros(budget.Daily));
                LedgerSql.Add(command, "@monthly", LedgerSql.ToMicros(budget.Monthly));
                LedgerSql.Add(command, "@warn", budget.WarnAt);
                LedgerSql.Add(command, "@by", Who);
                command.ExecuteNonQuery();
            }
            // New limits re-arm the warnings: the threshold may have moved.
            ClearWarnings(connection, transaction, budget.Scope);
            AddAudit(connection, transaction, "Set-GeminiBudget", budget.Scope, $"{Show(old)} -> {Show(budget)}");
            transaction.Commit();
            return 0;
        });
    }

    /// <inheritdoc />
    public bool RemoveBudget(string scope) => Run(connection =>
    {
        using var transaction = connection.BeginTransaction();
        var old = ReadBudgets(connection, transaction).FirstOrDefault(b => string.Equals(b.Scope, scope, StringComparison.OrdinalIgnoreCase));
        if (old == null) return false;
        using (var command = new NpgsqlCommand("DELETE FROM gemini_budget WHERE lower(scope) = lower(@scope)", connection, transaction))
        {
            LedgerSql.Add(command, "@scope", scope);
            command.ExecuteNonQuery();
        }
        ClearWarnings(connection, transaction, scope);
        AddAudit(connection, transaction, "Clear-GeminiBudget", old.Scope, $"{Show(old)} -> none");
        transaction.Commit();
        return true;
    });

    /// <inheritdoc />
    public void Audit(string action, string? scope, string? detail) => Run(connection =>
    {
        AddAudit(connection, null, action, scope, detail);
        return 0;
    });

    /// <inheritdoc />
    public IReadOnlyList<LedgerAuditEntry> ReadAudit(DateTime? sinceUtc = null) => Run(connection =>
    {
        using var command = new NpgsqlCommand("SELECT id, utc_time, user_name, machine_name, action, scope, detail FROM gemini_audit WHERE utc_time >= @since ORDER BY utc_time, id", connection);
        LedgerSql.Add(command, "@since", TimeValue(sinceUtc ?? DateTime.MinValue));
        using var reader = command.ExecuteReader();
        var entries = new List<LedgerAuditEntry>();
        while (reader.Read())
        {
            entries.Add(new LedgerAuditEntry
            {
                Id = reader.GetInt64(0),
                TimeUtc = ReadTime(reader.GetValue(1)),
                UserName = reader.GetString(2),
                MachineName = reader.GetString(3),
                Action = reader.GetString(4),
                Scope = reader.IsDBNull(5) ? null : reader.GetString(5),
                Detail = reader.IsDBNull(6) ? null : reader.GetString(6),
            });
        }
        return entries;
    });

    private int Fold(NpgsqlConnection connection) => _pending.Fold(records => Store(connection, _scrubber.NormalizeAll(records), Upsert));

    private static string Who => Environment.UserName + "@" + Environment.MachineName;

    /// <summary>Opens a connection with the schema at our version; failures come out as <see cref="LedgerException"/>s.</summary>
    private NpgsqlConnection Open()
    {
        if (_invalid != null) throw _invalid;
        var connection = new NpgsqlConnection(_connectionString);
        try
        {
            connection.Open();
            if (Volatile.Read(ref _schemaReady) == 0)
            {
                PostgresSchema.Ensure(connection, Location);
                Volatile.Write(ref _schemaReady, 1);
            }
            return connection;
        }
        catch (Exception e)
        {
            connection.Dispose();
            var translated = PostgresErrors.Translate(e, Location);
            if (ReferenceEquals(translated, e)) throw;
            throw translated;
        }
    }

    /// <summary>
    /// Runs <paramref name="work"/> on an open connection; server errors come out as <see cref="LedgerException"/>s.
    /// A pooled connection that a server restart broke fails once: the pool is cleared and the work runs again on a
    /// new connection (safe: every write is in one transaction and keyed by record id).
    /// </summary>
    private T Run<T>(Func<NpgsqlConnection, T> work)
    {
        for (var attempt = 0; ; attempt++)
        {
            using var connection = Open();
            try
            {
                return work(connection);
            }
            catch (Exception e) when (attempt == 0 && PostgresErrors.IsBrokenConnection(e, connection))
            {
                NpgsqlConnection.ClearPool(connection);
            }
            catch (Exception e) when (e is NpgsqlException or System.IO.IOException or TimeoutException)
            {
                throw PostgresErrors.Translate(e, Location);
            }
        }
    }

    private static int Store(NpgsqlConnection connection, IReadOnlyList<UsageRecord> records, Func<NpgsqlConnection, NpgsqlTransaction?, UsageRecord, long> insert)
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

    /// <summary>Adds the record or settles its reservation (<see cref="LedgerSql.Upsert"/>); the row id, 0 when nothing changed.</summary>
    private static long Upsert(NpgsqlConnection connection, NpgsqlTransaction? transaction, UsageRecord r)
    {
        using var command = new NpgsqlCommand(LedgerSql.Upsert(Table) + " RETURNING id", connection, transaction);
        LedgerSql.Bind(command, r, TimeValue);
        return command.ExecuteScalar() is long id ? id : 0;
    }

    private static long InsertIfAbsent(NpgsqlConnection connection, NpgsqlTransaction? transaction, UsageRecord r)
    {
        using var command = new NpgsqlCommand(LedgerSql.InsertIfAbsent(Table), connection, transaction);
        LedgerSql.Bind(command, r, TimeValue);
        return command.ExecuteNonQuery();
    }

    /// <summary>This user's spend: what budget.json limits on a team ledger.</summary>
    private decimal PersonalSpend(NpgsqlConnection connection, NpgsqlTransaction? transaction, DateTime since, DateTime until)
    {
        using var command = new NpgsqlCommand($"SELECT COALESCE(SUM(cost_micros), 0) FROM {Table} WHERE utc_time >= @since AND utc_time < @until AND user_name = @user", connection, transaction);
        LedgerSql.Add(command, "@since", TimeValue(since));
        LedgerSql.Add(command, "@until", TimeValue(until));
        LedgerSql.Add(command, "@user", _user);
        return LedgerSql.FromMicros(command.ExecuteScalar());
    }

    private static decimal ScopeSpend(NpgsqlConnection connection, NpgsqlTransaction? transaction, string scope, DateTime since, DateTime until)
    {
        var project = BudgetScope.ProjectOf(scope);
        using var command = new NpgsqlCommand($"SELECT COALESCE(SUM(cost_micros), 0) FROM {Table} WHERE utc_time >= @since AND utc_time < @until" +
            (project == null ? "" : " AND lower(project) = lower(@project)"), connection, transaction);
        LedgerSql.Add(command, "@since", TimeValue(since));
        LedgerSql.Add(command, "@until", TimeValue(until));
        if (project != null) LedgerSql.Add(command, "@project", project);
        return LedgerSql.FromMicros(command.ExecuteScalar());
    }

    private static List<ScopedBudget> ReadBudgets(NpgsqlConnection connection, NpgsqlTransaction? transaction)
    {
        using var command = new NpgsqlCommand("SELECT scope, daily_micros, monthly_micros, warn_at, updated_utc, updated_by FROM gemini_budget ORDER BY scope", connection, transaction);
        using var reader = command.ExecuteReader();
        var budgets = new List<ScopedBudget>();
        while (reader.Read())
        {
            budgets.Add(new ScopedBudget
            {
                Scope = reader.GetString(0),
                Daily = reader.IsDBNull(1) ? null : LedgerSql.FromMicros(reader.GetInt64(1)),
                Monthly = reader.IsDBNull(2) ? null : LedgerSql.FromMicros(reader.GetInt64(2)),
                WarnAt = reader.IsDBNull(3) ? null : reader.GetDecimal(3),
                UpdatedUtc = ReadTime(reader.GetValue(4)),
                UpdatedBy = reader.GetString(5),
            });
        }
        return budgets;
    }

    /// <summary>True the first time a scope's warning is raised in its period (the whole team shares the memory).</summary>
    private static bool FirstWarning(NpgsqlConnection connection, NpgsqlTransaction transaction, BudgetCheckResult warning, DateTime now)
    {
        var key = (warning.Period == BudgetPeriod.Daily ? "day:" : "month:") +
            now.ToString(warning.Period == BudgetPeriod.Daily ? "yyyy-MM-dd" : "yyyy-MM", CultureInfo.InvariantCulture);
        using var command = new NpgsqlCommand("INSERT INTO gemini_budget_warning (scope, period_key) VALUES (@scope, @key) ON CONFLICT DO NOTHING", connection, transaction);
        LedgerSql.Add(command, "@scope", warning.Scope!.ToLowerInvariant());
        LedgerSql.Add(command, "@key", key);
        return command.ExecuteNonQuery() == 1;
    }

    private static void ClearWarnings(NpgsqlConnection connection, NpgsqlTransaction transaction, string scope)
    {
        using var command = new NpgsqlCommand("DELETE FROM gemini_budget_warning WHERE scope = lower(@scope)", connection, transaction);
        LedgerSql.Add(command, "@scope", scope);
        command.ExecuteNonQuery();
    }

    private static void AddAudit(NpgsqlConnection connection, NpgsqlTransaction? transaction, string action, string? scope, string? detail)
    {
        using var command = new NpgsqlCommand("INSERT INTO gemini_audit (user_name, machine_name, action, scope, detail) VALUES (@user, @machine, @action, @scope, @detail)", connection, transaction);
        LedgerSql.Add(command, "@user", Environment.UserName);
        LedgerSql.Add(command, "@machine", Environment.MachineName);
        LedgerSql.Add(command, "@action", action);
        LedgerSql.Add(command, "@scope", scope);
        LedgerSql.Add(command, "@detail", detail);
        command.ExecuteNonQuery();
    }

    private int Expire(NpgsqlConnection connection, NpgsqlTransaction? transaction)
    {
        using var command = new NpgsqlCommand($"UPDATE {Table} SET status = 'Unanswered' WHERE status = 'Pending' AND " +
            "((operation = 'batch-server' AND utc_time < @batchCutoff) OR (operation <> 'batch-server' AND utc_time < @cutoff))", connection, transaction);
        var now = _utcNow();
        LedgerSql.Add(command, "@cutoff", TimeValue(now - UsageLedger.ReservationLifetime));
        LedgerSql.Add(command, "@batchCutoff", TimeValue(now - UsageLedger.BatchReservationLifetime));
        return command.ExecuteNonQuery();
    }

    private static void Execute(NpgsqlConnection connection, NpgsqlTransaction? transaction, string sql)
    {
        using var command = new NpgsqlCommand(sql, connection, transaction);
        command.ExecuteNonQuery();
    }

    private static string Show(ScopedBudget? b) => b == null ? "none" : string.Format(CultureInfo.InvariantCulture,
        "daily {0}, monthly {1}, warn at {2}", b.Daily?.ToString(CultureInfo.InvariantCulture) ?? "none",
        b.Monthly?.ToString(CultureInfo.InvariantCulture) ?? "none", b.WarnAt?.ToString(CultureInfo.InvariantCulture) ?? "never");

    private static object TimeValue(DateTime time) => LedgerSql.AsUtc(time);

    private static DateTime ReadTime(object value) => DateTime.SpecifyKind((DateTime)value, DateTimeKind.Utc);
}
