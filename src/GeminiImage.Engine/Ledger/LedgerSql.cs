using System.Data.Common;

namespace GeminiImage.Engine.Ledger;

/// <summary>
/// The SQL both ledger back ends share (SQLite and PostgreSQL speak the same dialect for all of it): the columns of a
/// usage record, the idempotent insert, the filters, and the conversions between records and rows.
/// </summary>
/// <remarks>Times differ (SQLite: fixed-width UTC text; PostgreSQL: timestamptz), so each back end passes its own conversion.</remarks>
internal static class LedgerSql
{
    /// <summary>Columns in the order <see cref="Read"/> expects.</summary>
    public const string Columns = "id, record_id, utc_time, cmdlet, operation, model, input_tokens, text_output_tokens, image_output_tokens, " +
        "thinking_tokens, image_count, cost_micros, saved_micros, status, error_id, tags, batch_id, row_id, output_path, prompt, " +
        "machine_name, user_name, response_id, endpoint, project";

    /// <summary>The stored names of the operations (kept stable: dashboards and older modules read them).</summary>
    public static readonly IReadOnlyDictionary<UsageOperation, string> OperationNames = new Dictionary<UsageOperation, string>
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

    /// <summary>The columns an insert writes, each with its value of a record (times converted by the back end's function).</summary>
    private static readonly (string Column, Func<UsageRecord, Func<DateTime, object>, object?> Value)[] s_insertColumns =
    {
        ("record_id", (r, _) => r.RecordId),
        ("utc_time", (r, time) => time(r.TimeUtc)),
        ("cmdlet", (r, _) => r.Cmdlet),
        ("operation", (r, _) => OperationNames[r.Operation]),
        ("model", (r, _) => r.Model),
        ("input_tokens", (r, _) => r.InputTokens),
        ("text_output_tokens", (r, _) => r.TextOutputTokens),
        ("image_output_tokens", (r, _) => r.ImageOutputTokens),
        ("thinking_tokens", (r, _) => r.ThinkingTokens),
        ("image_count", (r, _) => r.ImageCount),
        ("cost_micros", (r, _) => ToMicros(r.CostUsd)),
        ("saved_micros", (r, _) => ToMicros(r.SavedCostUsd)),
        ("status", (r, _) => r.Status.ToString()),
        ("error_id", (r, _) => r.ErrorId),
        ("tags", (r, _) => string.Join(",", r.Tags)),
        ("batch_id", (r, _) => r.BatchId),
        ("row_id", (r, _) => r.RowId),
        ("output_path", (r, _) => r.OutputPath),
        ("prompt", (r, _) => r.Prompt),
        ("machine_name", (r, _) => r.MachineName),
        ("user_name", (r, _) => r.UserName),
        ("response_id", (r, _) => r.ResponseId),
        ("endpoint", (r, _) => r.Endpoint),
        ("project", (r, _) => r.Project),
    };

    private static readonly string s_insertInto =
        $"({string.Join(", ", s_insertColumns.Select(c => c.Column))}) VALUES ({string.Join(", ", s_insertColumns.Select(c => "@" + c.Column))})";

    /// <summary>
    /// INSERT of one record into <paramref name="table"/> that settles the reservation with the same record_id; a
    /// record_id already settled is left alone, so writing a record twice (a retry, a replayed pending file) counts once.
    /// A settlement without a project keeps the reservation's (a server batch is received by a cmdlet without -Project).
    /// </summary>
    public static string Upsert(string table) =>
        $"INSERT INTO {table} {s_insertInto} " +
        $"ON CONFLICT (record_id) DO UPDATE SET {string.Join(", ", s_insertColumns.Skip(1).Select(c => c.Column == "project" ? $"project = COALESCE(excluded.project, {table}.project)" : $"{c.Column} = excluded.{c.Column}"))} " +
        $"WHERE {table}.status IN ('Pending', 'Unanswered')";

    /// <summary>INSERT that never replaces anything: a record already in the ledger (any status) is skipped.</summary>
    public static string InsertIfAbsent(string table) => $"INSERT INTO {table} {s_insertInto} ON CONFLICT (record_id) DO NOTHING";

    /// <summary>Binds the record's values to the parameters of <see cref="Upsert"/> or <see cref="InsertIfAbsent"/>.</summary>
    public static void Bind(DbCommand command, UsageRecord r, Func<DateTime, object> time)
    {
        foreach (var (column, value) in s_insertColumns) Add(command, "@" + column, value(r, time));
    }

    /// <summary>One row of <see cref="Columns"/> as a record; <paramref name="time"/> converts the stored utc_time.</summary>
    public static UsageRecord Read(DbDataReader reader, Func<object, DateTime> time)
    {
        string? Text(int i) => reader.IsDBNull(i) ? null : reader.GetString(i);
        long? Long(int i) => reader.IsDBNull(i) ? null : reader.GetInt64(i);
        var operation = reader.GetString(4);
        return new UsageRecord
        {
            Id = reader.GetInt64(0),
            RecordId = reader.GetString(1),
            TimeUtc = time(reader.GetValue(2)),
            Cmdlet = reader.GetString(3),
            Operation = OperationNames.FirstOrDefault(kv => kv.Value == operation).Key,
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
            Tags = reader.GetString(15).Split(new[] { ',' }, StringSplitOptions.RemoveEmptyEntries).ToList(),
            BatchId = Text(16),
            RowId = Text(17),
            OutputPath = Text(18),
            Prompt = Text(19),
            MachineName = Text(20),
            UserName = Text(21),
            ResponseId = Text(22),
            Endpoint = Text(23),
            Project = Text(24),
        };
    }

    /// <summary>The WHERE clause (with a leading space, or "") of a filter, its parameters added to <paramref name="command"/>.</summary>
    public static string Where(DbCommand command, UsageFilter filter, Func<DateTime, object> time)
    {
        var clauses = new List<string>();
        void Clause(string sql, string parameter, object value)
        {
            clauses.Add(sql);
            Add(command, parameter, value);
        }
        if (filter.Since is DateTime since) Clause("utc_time >= @since", "@since", time(since));
        if (filter.Until is DateTime until) Clause("utc_time < @until", "@until", time(until));
        if (!string.IsNullOrEmpty(filter.Model)) Clause("lower(model) = lower(@model)", "@model", Catalog.ModelCatalog.StripPrefix(filter.Model!));
        // Tags are stored "a,b,c"; wrapping both sides in commas matches whole tags only (LIKE wildcards escaped).
        if (!string.IsNullOrEmpty(filter.Tag)) Clause(@"',' || lower(tags) || ',' LIKE '%,' || lower(@tag) || ',%' ESCAPE '\'", "@tag", EscapeLike(filter.Tag!.Trim()));
        if (!string.IsNullOrEmpty(filter.User)) Clause("lower(user_name) = lower(@user)", "@user", filter.User!.Trim());
        if (!string.IsNullOrEmpty(filter.Project)) Clause("lower(project) = lower(@project)", "@project", filter.Project!.Trim());
        return clauses.Count == 0 ? "" : " WHERE " + string.Join(" AND ", clauses);
    }

    /// <summary>The query of <see cref="UsageFilter"/> (Last included), oldest first.</summary>
    public static string Select(string table, string where, bool last) => last
        ? $"SELECT * FROM (SELECT {Columns} FROM {table}{where} ORDER BY utc_time DESC, id DESC LIMIT @last) newest ORDER BY utc_time, id"
        : $"SELECT {Columns} FROM {table}{where} ORDER BY utc_time, id";

    /// <summary>A command on <paramref name="connection"/> in <paramref name="transaction"/> (none: its own).</summary>
    public static DbCommand Command(DbConnection connection, DbTransaction? transaction, string sql)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        return command;
    }

    /// <summary>Adds a parameter (null as DBNull).</summary>
    public static void Add(DbCommand command, string name, object? value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value ?? DBNull.Value;
        command.Parameters.Add(parameter);
    }

    /// <summary>A UTC instant (a local time converted, an unspecified one taken as UTC).</summary>
    public static DateTime AsUtc(DateTime time) =>
        time.Kind == DateTimeKind.Local ? time.ToUniversalTime() : DateTime.SpecifyKind(time, DateTimeKind.Utc);

    public static long? ToMicros(decimal? usd) => usd is decimal d ? (long)Math.Round(d * 1_000_000m, MidpointRounding.AwayFromZero) : null;

    // Dividing by 1.000… drops the trailing zeros the division leaves (0.039000 → 0.039), so values print as written.
    public static decimal FromMicros(long micros) => micros / 1_000_000m / 1.000000000000000000000000000m;

    public static decimal FromMicros(object? scalar) => FromMicros(scalar is null or DBNull ? 0L : Convert.ToInt64(scalar, CultureInfo.InvariantCulture));

    private static string EscapeLike(string text) => text.Replace(@"\", @"\\").Replace("%", @"\%").Replace("_", @"\_");
}
