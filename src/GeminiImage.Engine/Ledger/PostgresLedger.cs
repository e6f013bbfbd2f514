using System.Data.Common;
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
public sealed class PostgresLedger : SqlUsageLedger, ITeamLedger
{
    private const string Table = "gemini_usage";
    // Any fixed number, different from the migration lock: every reservation in every process takes it.
    private const long ReservationLock = 0x47656D52657356L;

    private readonly PostgresConnector? _connector;
    private readonly LedgerException? _invalid;
    private readonly string _user = Environment.UserName;

    /// <summary>A ledger on the server named by <paramref name="connectionString"/> (checked by <see cref="LedgerSettings.Check"/>).</summary>
    public PostgresLedger(string connectionString, UsageLedgerOptions? options = null) : base(Table, options)
    {
        try
        {
            // A short connect timeout: a ledger that cannot be reached must not hold a paid call for long (its record
            // goes to the pending file).
            _connector = new PostgresConnector(connectionString);
            Location = _connector.Location;
        }
        // Kept for the first use, so that an append still lands in the pending file and a query fails with this error.
        catch (LedgerException e)
        {
            _invalid = e;
            Location = "PostgreSQL (invalid connection string)";
        }
    }

    /// <inheritdoc />
    public override string Location { get; }

    /// <inheritdoc />
    public override bool Exists => true;

    /// <inheritdoc />
    public int FoldPending()
    {
        if (!Pending.HasRecords) return 0;
        try { return Run(connection => Fold(connection)); }
        // The records stay pending; the next append tries again.
        catch (Exception e) when (e is not OutOfMemoryException) { return 0; }
    }

    /// <inheritdoc />
    public decimal ScopeSpend(string scope, DateTime sinceUtc, DateTime untilUtc) => Run(connection => ScopeSpend(connection, null, scope, sinceUtc, untilUtc));

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
            using (var command = LedgerSql.Command(connection, transaction, @"INSERT INTO gemini_budget (scope, daily_micros, monthly_micros, warn_at, updated_utc, updated_by)
VALUES (@scope, @daily, @monthly, @warn, now(), @by)
ON CONFLICT (scope) DO UPDATE SET daily_micros = excluded.daily_micros, monthly_micros = excluded.monthly_micros,
warn_at = excluded.warn_at, updated_utc = excluded.updated_utc, updated_by = excluded.updated_by"))
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
        using (var command = LedgerSql.Command(connection, transaction, "DELETE FROM gemini_budget WHERE lower(scope) = lower(@scope)"))
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
        using var command = LedgerSql.Command(connection, null, "SELECT id, utc_time, user_name, machine_name, action, scope, detail FROM gemini_audit WHERE utc_time >= @since ORDER BY utc_time, id");
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

    private static string Who => Environment.UserName + "@" + Environment.MachineName;

    /// <summary>
    /// Runs <paramref name="work"/> on an open connection; server errors come out as <see cref="LedgerException"/>s.
    /// A pooled connection that a server restart broke fails once: the pool is cleared and the work runs again on a
    /// new connection (safe: every write is in one transaction and keyed by record id).
    /// </summary>
    private protected override T Run<T>(Func<DbConnection, T> work)
    {
        for (var attempt = 0; ; attempt++)
        {
            using var connection = _invalid != null ? throw _invalid : _connector!.Open();
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

    // One reservation at a time across every machine: the spend read cannot change before our insert.
    private protected override DbTransaction BeginReservation(DbConnection connection)
    {
        var transaction = connection.BeginTransaction();
        Execute(connection, transaction, $"SELECT pg_advisory_xact_lock({ReservationLock})");
        return transaction;
    }

    /// <summary>Team and project budgets: a scope over its limit refuses the reservation; the first warnings of the period.</summary>
    private protected override IReadOnlyList<BudgetCheckResult> CheckSharedBudgets(DbConnection connection, DbTransaction transaction, IReadOnlyList<UsageRecord> intents, DateTime now)
    {
        var day = now.Date;
        var month = LedgerPeriods.MonthStart(now);
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
        return warnings;
    }

    private protected override int DeletePending(DbConnection connection, string[] ids)
    {
        using var command = LedgerSql.Command(connection, null, $"DELETE FROM {Table} WHERE record_id = ANY(@ids) AND status = 'Pending'");
        LedgerSql.Add(command, "ids", ids);
        return command.ExecuteNonQuery();
    }

    private protected override string UpsertReturningId => " RETURNING id";

    private protected override Exception Translate(Exception e) => PostgresErrors.Translate(e, Location);

    /// <summary>This user's spend: what budget.json limits on a team ledger.</summary>
    private protected override decimal Spend(DbConnection connection, DbTransaction? transaction, DateTime since, DateTime until) =>
        SumCost(connection, transaction, since, until, " AND user_name = @user", command => LedgerSql.Add(command, "@user", _user));

    private decimal ScopeSpend(DbConnection connection, DbTransaction? transaction, string scope, DateTime since, DateTime until)
    {
        var project = BudgetScope.ProjectOf(scope);
        return project == null
            ? SumCost(connection, transaction, since, until)
            : SumCost(connection, transaction, since, until, " AND lower(project) = lower(@project)", command => LedgerSql.Add(command, "@project", project));
    }

    private List<ScopedBudget> ReadBudgets(DbConnection connection, DbTransaction? transaction)
    {
        using var command = LedgerSql.Command(connection, transaction, "SELECT scope, daily_micros, monthly_micros, warn_at, updated_utc, updated_by FROM gemini_budget ORDER BY scope");
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
    private static bool FirstWarning(DbConnection connection, DbTransaction transaction, BudgetCheckResult warning, DateTime now)
    {
        var key = (warning.Period == BudgetPeriod.Daily ? "day:" : "month:") +
            now.ToString(warning.Period == BudgetPeriod.Daily ? "yyyy-MM-dd" : "yyyy-MM", CultureInfo.InvariantCulture);
        using var command = LedgerSql.Command(connection, transaction, "INSERT INTO gemini_budget_warning (scope, period_key) VALUES (@scope, @key) ON CONFLICT DO NOTHING");
        LedgerSql.Add(command, "@scope", warning.Scope!.ToLowerInvariant());
        LedgerSql.Add(command, "@key", key);
        return command.ExecuteNonQuery() == 1;
    }

    private static void ClearWarnings(DbConnection connection, DbTransaction transaction, string scope)
    {
        using var command = LedgerSql.Command(connection, transaction, "DELETE FROM gemini_budget_warning WHERE scope = lower(@scope)");
        LedgerSql.Add(command, "@scope", scope);
        command.ExecuteNonQuery();
    }

    private static void AddAudit(DbConnection connection, DbTransaction? transaction, string action, string? scope, string? detail)
    {
        using var command = LedgerSql.Command(connection, transaction, "INSERT INTO gemini_audit (user_name, machine_name, action, scope, detail) VALUES (@user, @machine, @action, @scope, @detail)");
        LedgerSql.Add(command, "@user", Environment.UserName);
        LedgerSql.Add(command, "@machine", Environment.MachineName);
        LedgerSql.Add(command, "@action", action);
        LedgerSql.Add(command, "@scope", scope);
        LedgerSql.Add(command, "@detail", detail);
        command.ExecuteNonQuery();
    }

    private static void Execute(DbConnection connection, DbTransaction? transaction, string sql)
    {
        using var command = LedgerSql.Command(connection, transaction, sql);
        command.ExecuteNonQuery();
    }

    private static string Show(ScopedBudget? b) => b == null ? "none" : string.Format(CultureInfo.InvariantCulture,
        "daily {0}, monthly {1}, warn at {2}", b.Daily?.ToString(CultureInfo.InvariantCulture) ?? "none",
        b.Monthly?.ToString(CultureInfo.InvariantCulture) ?? "none", b.WarnAt?.ToString(CultureInfo.InvariantCulture) ?? "never");

    private protected override object TimeValue(DateTime time) => LedgerSql.AsUtc(time);

    private protected override DateTime ReadTime(object value) => DateTime.SpecifyKind((DateTime)value, DateTimeKind.Utc);
}
