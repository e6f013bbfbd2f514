using Npgsql;

namespace GeminiImage.Engine.Ledger;

/// <summary>
/// Creates and migrates the team ledger's tables. <c>gemini_schema</c> holds one row per migration applied; a
/// database migrated by a newer module (a version this one does not know) is refused with a clear error rather than
/// written with assumptions that may no longer hold.
/// </summary>
internal static class PostgresSchema
{
    /// <summary>The newest version this module knows.</summary>
    public static int CurrentVersion => s_migrations.Length;

    // Any fixed number: every module process takes this advisory lock to migrate, so two never migrate at once.
    private const long MigrationLock = 0x47656D496D674DL;

    /// <summary>Migration i+1; only ever append to this list (a released migration never changes).</summary>
    private static readonly string[] s_migrations =
    {
        @"
CREATE TABLE gemini_usage (
    id bigserial PRIMARY KEY,
    record_id text NOT NULL UNIQUE,
    utc_time timestamptz NOT NULL,
    cmdlet text NOT NULL,
    operation text NOT NULL,
    model text NOT NULL,
    input_tokens integer NOT NULL DEFAULT 0,
    text_output_tokens integer NOT NULL DEFAULT 0,
    image_output_tokens integer NOT NULL DEFAULT 0,
    thinking_tokens integer NOT NULL DEFAULT 0,
    image_count integer NOT NULL DEFAULT 0,
    cost_micros bigint NULL,
    saved_micros bigint NULL,
    status text NOT NULL,
    error_id text NULL,
    tags text NOT NULL DEFAULT '',
    batch_id text NULL,
    row_id text NULL,
    output_path text NULL,
    prompt text NULL,
    machine_name text NULL,
    user_name text NULL,
    response_id text NULL,
    endpoint text NULL,
    project text NULL
);
CREATE INDEX ix_gemini_usage_time ON gemini_usage (utc_time);
CREATE INDEX ix_gemini_usage_user ON gemini_usage (lower(user_name), utc_time);
CREATE INDEX ix_gemini_usage_project ON gemini_usage (lower(project), utc_time);
CREATE TABLE gemini_budget (
    scope text PRIMARY KEY,
    daily_micros bigint NULL,
    monthly_micros bigint NULL,
    warn_at numeric(6, 4) NULL,
    updated_utc timestamptz NOT NULL DEFAULT now(),
    updated_by text NOT NULL
);
CREATE TABLE gemini_budget_warning (
    scope text NOT NULL,
    period_key text NOT NULL,
    warned_utc timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (scope, period_key)
);
CREATE TABLE gemini_audit (
    id bigserial PRIMARY KEY,
    utc_time timestamptz NOT NULL DEFAULT now(),
    user_name text NOT NULL,
    machine_name text NOT NULL,
    action text NOT NULL,
    scope text NULL,
    detail text NULL
);
-- What dashboards read: one row per record, money in USD, empty attributions as '(none)'.
CREATE VIEW gemini_usage_report AS
SELECT id, record_id, utc_time, (utc_time AT TIME ZONE 'UTC')::date AS utc_day, cmdlet, operation, model, status, error_id,
       image_count, input_tokens, text_output_tokens + image_output_tokens AS output_tokens, thinking_tokens,
       cost_micros / 1000000.0 AS cost_usd, saved_micros / 1000000.0 AS saved_usd,
       COALESCE(NULLIF(project, ''), '(none)') AS project, COALESCE(user_name, '(none)') AS user_name,
       COALESCE(machine_name, '(none)') AS machine_name, COALESCE(endpoint, '(none)') AS endpoint, tags, batch_id,
       status IN ('Failed', 'Blocked') AS failed
FROM gemini_usage;",
        // 2: work queues (Submit-GeminiJob, Start-GeminiWorker).
        @"
CREATE TABLE gemini_queue (
    name text PRIMARY KEY,
    output_root text NOT NULL,
    created_utc timestamptz NOT NULL DEFAULT now(),
    created_by text NOT NULL
);
CREATE TABLE gemini_job (
    id bigserial PRIMARY KEY,
    queue text NOT NULL REFERENCES gemini_queue (name) ON DELETE CASCADE,
    row_id text NOT NULL,
    priority smallint NOT NULL,
    state text NOT NULL,
    dedup_key text NOT NULL,
    spec text NOT NULL,
    prompt text NOT NULL,
    model text NOT NULL,
    attempts integer NOT NULL DEFAULT 0,
    max_attempts integer NOT NULL,
    not_before timestamptz NOT NULL DEFAULT now(),
    lease_until timestamptz NULL,
    worker text NULL,
    submitted_utc timestamptz NOT NULL DEFAULT now(),
    submitted_by text NOT NULL,
    started_utc timestamptz NULL,
    finished_utc timestamptz NULL,
    response_id text NULL,
    output_path text NULL,
    cost_micros bigint NULL,
    error_id text NULL,
    error text NULL
);
-- One live job per key: a duplicate of a queued, running or done job is that job; a dead one may be submitted again.
CREATE UNIQUE INDEX ux_gemini_job_dedup ON gemini_job (queue, dedup_key) WHERE state <> 'Dead';
CREATE INDEX ix_gemini_job_claim ON gemini_job (queue, priority, submitted_utc, id) WHERE state IN ('Queued', 'Running');
CREATE INDEX ix_gemini_job_state ON gemini_job (queue, state);",
        // 3: a job's own project (Submit-GeminiJob -Project or the row's Project column).
        "ALTER TABLE gemini_job ADD COLUMN project text NULL;",
        // 4: the team-shared response cache (Set-GeminiConfig -Cache Shared): index and entry bytes in one row.
        @"
CREATE TABLE gemini_cache (
    key text PRIMARY KEY,
    created_utc timestamptz NOT NULL DEFAULT now(),
    last_used_utc timestamptz NOT NULL DEFAULT now(),
    size_bytes bigint NOT NULL,
    model text NOT NULL,
    cost_micros bigint NULL,
    created_by text NOT NULL,
    entry bytea NOT NULL
);
-- PNG and JPEG bytes do not compress: kept out of line without PostgreSQL trying to.
ALTER TABLE gemini_cache ALTER COLUMN entry SET STORAGE EXTERNAL;
CREATE INDEX ix_gemini_cache_used ON gemini_cache (last_used_utc, key);",
    };

    /// <summary>Brings the schema to <see cref="CurrentVersion"/>; throws <see cref="LedgerException"/> when it is newer or cannot be created.</summary>
    public static void Ensure(NpgsqlConnection connection, string location)
    {
        // The common case, without a lock or any right to create: the tables are there at our version.
        var version = ReadVersion(connection, null);
        if (version == CurrentVersion) return;
        ThrowIfNewer(version, location);
        using var transaction = connection.BeginTransaction();
        Execute(connection, transaction, $"SELECT pg_advisory_xact_lock({MigrationLock})");
        Execute(connection, transaction, @"CREATE TABLE IF NOT EXISTS gemini_schema (
    version integer PRIMARY KEY,
    applied_utc timestamptz NOT NULL DEFAULT now(),
    applied_by text NOT NULL,
    module_version text NULL
)");
        // Another process may have migrated while we waited for the lock.
        version = ReadVersion(connection, transaction);
        ThrowIfNewer(version, location);
        for (var next = version + 1; next <= CurrentVersion; next++)
        {
            Execute(connection, transaction, s_migrations[next - 1]);
            using var record = new NpgsqlCommand("INSERT INTO gemini_schema (version, applied_by, module_version) VALUES (@v, @by, @module)", connection, transaction);
            record.Parameters.AddWithValue("v", next);
            record.Parameters.AddWithValue("by", Environment.UserName + "@" + Environment.MachineName);
            record.Parameters.AddWithValue("module", typeof(PostgresSchema).Assembly.GetName().Version?.ToString() ?? "");
            record.ExecuteNonQuery();
        }
        transaction.Commit();
    }

    /// <summary>The highest migration applied; 0 when there are no tables yet.</summary>
    private static int ReadVersion(NpgsqlConnection connection, NpgsqlTransaction? transaction)
    {
        using var exists = new NpgsqlCommand("SELECT to_regclass('gemini_schema') IS NOT NULL", connection, transaction);
        if (!(bool)exists.ExecuteScalar()!) return 0;
        using var max = new NpgsqlCommand("SELECT COALESCE(MAX(version), 0) FROM gemini_schema", connection, transaction);
        return Convert.ToInt32(max.ExecuteScalar(), CultureInfo.InvariantCulture);
    }

    private static void ThrowIfNewer(int version, string location)
    {
        if (version <= CurrentVersion) return;
        throw new LedgerException(LedgerException.SchemaTooNewId, ErrorKind.InvalidData,
            $"The team ledger {location} has schema version {version}, made by a newer GeminiImage; this module knows version {CurrentVersion} and does not write to it.",
            "Update the GeminiImage module on this machine (Update-PSResource GeminiImage), or point it at another ledger with Set-GeminiConfig -Ledger.",
            location);
    }

    private static void Execute(NpgsqlConnection connection, NpgsqlTransaction? transaction, string sql)
    {
        using var command = new NpgsqlCommand(sql, connection, transaction);
        command.ExecuteNonQuery();
    }
}
