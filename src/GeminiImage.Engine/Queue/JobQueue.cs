using System.Text.RegularExpressions;
using GeminiImage.Engine.Ledger;
using Npgsql;

namespace GeminiImage.Engine.Queue;

/// <summary>
/// Work queues in the team database (the PostgreSQL server of the team ledger, Set-GeminiConfig -Ledger): producers
/// add jobs, workers on any machine claim them with <c>FOR UPDATE SKIP LOCKED</c> (High before Normal before Low,
/// oldest first), hold them under a lease they renew, and finish, retry or bury them.
/// </summary>
/// <remarks>
/// A job is Queued, Running (claimed; its lease runs out when its worker dies, and then any worker may reclaim it),
/// Done or Dead (a dead letter, with its last error). Duplicates (same queue and de-duplication key) of a queued,
/// running or done job are that job. No Npgsql type in the public API: the cmdlet assembly never loads Npgsql.
/// </remarks>
public sealed class JobQueue
{
    public const string QueueNotFoundId = "GeminiImage.QueueNotFound";
    public const string QueueExistsId = "GeminiImage.QueueExists";
    public const string InvalidQueueNameId = "GeminiImage.InvalidQueueName";
    public const string JobNotFoundId = "GeminiImage.JobNotFound";
    public const string JobNotDeadId = "GeminiImage.JobNotDead";
    public const string JobRunningId = "GeminiImage.JobRunning";
    public const string JobExistsId = "GeminiImage.JobExists";
    /// <summary>The batch id of a queue's ledger records ("queue:NAME"); the row id is "job-ID".</summary>
    public const string BatchPrefix = "queue:";

    private const string JobColumns = "j.id, j.queue, j.row_id, j.state, j.priority, j.prompt, j.model, j.dedup_key, j.attempts, j.max_attempts, j.worker, " +
        "j.submitted_utc, j.submitted_by, j.started_utc, j.finished_utc, j.not_before, j.output_path, j.response_id, j.cost_micros, j.error_id, j.error, j.project";
    private static readonly Regex s_name = new("^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$", RegexOptions.CultureInvariant);

    private readonly PostgresConnector _database;

    private JobQueue(PostgresConnector database) => _database = database;

    /// <summary>The team database (never with a password), for messages.</summary>
    public string Location => _database.Location;

    /// <summary>This process as a worker: machine:process id.</summary>
    public static string WorkerName => $"{Environment.MachineName}:{System.Diagnostics.Process.GetCurrentProcess().Id}";

    /// <summary>The queues of the team database in effect; <see cref="LedgerException"/> (TeamLedgerRequired) when the ledger is the SQLite file.</summary>
    public static JobQueue Open() => new(PostgresConnector.Current("Work queues"));

    /// <summary>On the server named by <paramref name="connectionString"/> (tests, benchmarks).</summary>
    public static JobQueue Open(string connectionString) => new(new PostgresConnector(connectionString));

    /// <summary>Refuses a name that is empty, too long or has characters other than letters, digits, '.', '_' and '-'.</summary>
    public static string CheckName(string? name)
    {
        var trimmed = name?.Trim() ?? "";
        if (!s_name.IsMatch(trimmed))
            throw new GeminiArgumentException(InvalidQueueNameId, $"'{name}' is not a queue name: use 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit.");
        return trimmed;
    }

    // ---- queues

    /// <summary>Creates a queue whose workers write under <paramref name="outputRoot"/>.</summary>
    public GeminiQueueInfo CreateQueue(string name, string outputRoot)
    {
        name = CheckName(name);
        Run(connection =>
        {
            using var command = new NpgsqlCommand("INSERT INTO gemini_queue (name, output_root, created_by) VALUES (@name, @root, @by)", connection);
            command.Parameters.AddWithValue("name", name);
            command.Parameters.AddWithValue("root", outputRoot);
            command.Parameters.AddWithValue("by", Who);
            try { command.ExecuteNonQuery(); }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation)
            {
                throw new GeminiOperationException(QueueExistsId, ErrorKind.ResourceExists, $"The queue '{name}' already exists in {Location}.", e,
                    "Use it as it is (Get-GeminiQueue shows its output root), or choose another name.");
            }
            return 0;
        });
        return GetQueue(name);
    }

    /// <summary>The queue with its figures; <see cref="GeminiNotFoundException"/> (QueueNotFound) when there is none.</summary>
    public GeminiQueueInfo GetQueue(string name) =>
        GetQueues(name).FirstOrDefault() ?? throw QueueNotFound(name);

    /// <summary>Every queue (or the one named, case-sensitive), with depth per priority, throughput, oldest age and dead letters.</summary>
    public IReadOnlyList<GeminiQueueInfo> GetQueues(string? name = null) => Run(connection =>
    {
        using var command = new NpgsqlCommand(@"SELECT q.name, q.output_root, q.created_utc, q.created_by,
    count(j.id) FILTER (WHERE j.state = 'Queued' AND j.priority = 0),
    count(j.id) FILTER (WHERE j.state = 'Queued' AND j.priority = 1),
    count(j.id) FILTER (WHERE j.state = 'Queued' AND j.priority = 2),
    count(j.id) FILTER (WHERE j.state = 'Running'),
    count(j.id) FILTER (WHERE j.state = 'Done'),
    count(j.id) FILTER (WHERE j.state = 'Dead'),
    count(j.id) FILTER (WHERE j.state IN ('Done', 'Dead') AND j.finished_utc > now() - interval '10 minutes'),
    EXTRACT(EPOCH FROM now() - min(j.submitted_utc) FILTER (WHERE j.state = 'Queued'))
FROM gemini_queue q LEFT JOIN gemini_job j ON j.queue = q.name
WHERE @name::text IS NULL OR q.name = @name
GROUP BY q.name, q.output_root, q.created_utc, q.created_by ORDER BY q.name", connection);
        command.Parameters.AddWithValue("name", (object?)name ?? DBNull.Value);
        using var reader = command.ExecuteReader();
        var queues = new List<GeminiQueueInfo>();
        while (reader.Read())
        {
            queues.Add(new GeminiQueueInfo
            {
                Name = reader.GetString(0),
                OutputRoot = reader.GetString(1),
                CreatedUtc = Utc(reader.GetDateTime(2)),
                CreatedBy = reader.GetString(3),
                High = (int)reader.GetInt64(4),
                Normal = (int)reader.GetInt64(5),
                Low = (int)reader.GetInt64(6),
                Running = (int)reader.GetInt64(7),
                Done = (int)reader.GetInt64(8),
                Dead = (int)reader.GetInt64(9),
                PerMinute = reader.GetInt64(10) / 10.0,
                OldestAge = reader.IsDBNull(11) ? null : TimeSpan.FromSeconds(Math.Max(0, Convert.ToDouble(reader.GetValue(11), CultureInfo.InvariantCulture))),
            });
        }
        return queues;
    });

    // ---- producers

    /// <summary>
    /// Adds the jobs in one transaction. A job whose key matches a queued, running or done job of the queue is not
    /// added: that job comes back instead, with <see cref="GeminiJob.Existing"/> set.
    /// </summary>
    public IReadOnlyList<GeminiJob> Submit(string queue, IReadOnlyList<JobSubmission> jobs) => Run(connection =>
    {
        using var transaction = connection.BeginTransaction();
        if (!QueueExists(connection, transaction, queue)) throw QueueNotFound(queue);
        var result = new List<GeminiJob>();
        foreach (var job in jobs)
        {
            using var insert = new NpgsqlCommand(@"INSERT INTO gemini_job (queue, row_id, priority, state, dedup_key, spec, prompt, model, max_attempts, submitted_by, project)
VALUES (@queue, @row, @priority, 'Queued', @key, @spec, @prompt, @model, @max, @by, @project)
ON CONFLICT (queue, dedup_key) WHERE state <> 'Dead' DO NOTHING RETURNING id", connection, transaction);
            insert.Parameters.AddWithValue("queue", queue);
            insert.Parameters.AddWithValue("row", job.RowId);
            insert.Parameters.AddWithValue("priority", (short)job.Priority);
            insert.Parameters.AddWithValue("key", job.DedupKey);
            insert.Parameters.AddWithValue("spec", job.Spec.ToJson());
            insert.Parameters.AddWithValue("prompt", job.Spec.Prompt);
            insert.Parameters.AddWithValue("model", job.Spec.Model);
            insert.Parameters.AddWithValue("max", Math.Max(1, job.MaxAttempts));
            insert.Parameters.AddWithValue("by", Who);
            insert.Parameters.AddWithValue("project", (object?)job.Spec.Project ?? DBNull.Value);
            var id = insert.ExecuteScalar();
            if (id is long added)
            {
                result.Add(ReadJobs(connection, transaction, "j.id = @id", c => c.Parameters.AddWithValue("id", added)).Single());
                continue;
            }
            var existing = ReadJobs(connection, transaction, "j.queue = @queue AND j.dedup_key = @key AND j.state <> 'Dead'", c =>
            {
                c.Parameters.AddWithValue("queue", queue);
                c.Parameters.AddWithValue("key", job.DedupKey);
            }).Single();
            existing.Existing = true;
            result.Add(existing);
        }
        transaction.Commit();
        return result;
    });

    // ---- workers

    /// <summary>
    /// Claims the next job of <paramref name="queue"/> for <paramref name="worker"/>: the highest priority, oldest
    /// first, among queued jobs whose backoff is over and running jobs whose lease ran out. Null when there is none.
    /// </summary>
    /// <param name="held">Jobs this worker still holds (their lease may have run out while the database was away): never taken over by itself.</param>
    public ClaimedJob? Claim(string queue, string worker, TimeSpan lease, IReadOnlyCollection<long>? held = null) => Run(connection =>
    {
        using var command = new NpgsqlCommand($@"WITH next AS (
    SELECT id, state AS was FROM gemini_job
    WHERE queue = @queue AND ((state = 'Queued' AND not_before <= now()) OR (state = 'Running' AND lease_until < now() AND NOT id = ANY(@held)))
    ORDER BY priority, submitted_utc, id
    FOR UPDATE SKIP LOCKED LIMIT 1)
UPDATE gemini_job j SET state = 'Running', worker = @worker, lease_until = now() + make_interval(secs => @lease),
    attempts = j.attempts + 1, started_utc = now()
FROM next WHERE j.id = next.id
RETURNING {JobColumns}, j.spec, next.was, (SELECT output_root FROM gemini_queue WHERE name = j.queue)", connection);
        command.Parameters.AddWithValue("queue", queue);
        command.Parameters.AddWithValue("worker", worker);
        command.Parameters.AddWithValue("lease", lease.TotalSeconds);
        command.Parameters.AddWithValue("held", (held ?? Array.Empty<long>()).ToArray());
        using var reader = command.ExecuteReader();
        if (!reader.Read()) return null;
        var job = ReadJob(reader);
        return new ClaimedJob(job, JobSpec.FromJson(reader.GetString(22)), reader.GetString(24), reader.GetString(23) == "Running");
    });

    /// <summary>
    /// The answer a reclaimed job already got: its worker saved the image and wrote the paid ledger record, then died
    /// before it could mark the job done. Null when there is none (the job must be sent again).
    /// </summary>
    public (string? ResponseId, string? Path, decimal? Cost)? FindPaidAnswer(GeminiJob job) => Run(connection =>
    {
        using var command = new NpgsqlCommand(@"SELECT response_id, output_path, cost_micros FROM gemini_usage
WHERE batch_id = @batch AND row_id = @row AND status IN ('Success', 'CacheHit') ORDER BY id DESC LIMIT 1", connection);
        command.Parameters.AddWithValue("batch", BatchPrefix + job.Queue);
        command.Parameters.AddWithValue("row", LedgerRowId(job.Id));
        using var reader = command.ExecuteReader();
        if (!reader.Read()) return ((string?, string?, decimal?)?)null;
        return (reader.IsDBNull(0) ? null : reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetString(1),
            reader.IsDBNull(2) ? null : reader.GetInt64(2) / 1_000_000m);
    });

    /// <summary>The ledger row id of a job's paid call.</summary>
    public static string LedgerRowId(long jobId) => "job-" + jobId.ToString(CultureInfo.InvariantCulture);

    /// <summary>Extends the leases of the jobs <paramref name="worker"/> holds; the number renewed.</summary>
    public int Renew(string worker, IReadOnlyCollection<long> ids, TimeSpan lease)
    {
        if (ids.Count == 0) return 0;
        return Run(connection =>
        {
            using var command = new NpgsqlCommand("UPDATE gemini_job SET lease_until = now() + make_interval(secs => @lease) WHERE id = ANY(@ids) AND worker = @worker AND state = 'Running'", connection);
            command.Parameters.AddWithValue("lease", lease.TotalSeconds);
            command.Parameters.AddWithValue("ids", ids.ToArray());
            command.Parameters.AddWithValue("worker", worker);
            return command.ExecuteNonQuery();
        });
    }

    /// <summary>Done, with what the answer gave; false when the job is no longer this worker's (its lease ran out and another took it).</summary>
    public bool Finish(long id, string worker, string? path, string? responseId, decimal? cost) =>
        Update(id, worker, GeminiJobState.Done, "state = 'Done', finished_utc = now(), lease_until = NULL, output_path = @path, response_id = @response, cost_micros = @cost, error_id = NULL, error = NULL", c =>
        {
            c.Parameters.AddWithValue("path", (object?)path ?? DBNull.Value);
            c.Parameters.AddWithValue("response", (object?)responseId ?? DBNull.Value);
            c.Parameters.AddWithValue("cost", cost is decimal d ? (object)(long)Math.Round(d * 1_000_000m) : DBNull.Value);
        });

    /// <summary>Back to the queue after a retryable failure, claimable again after <paramref name="delay"/>.</summary>
    public bool Retry(long id, string worker, string errorId, string error, TimeSpan delay) =>
        Update(id, worker, GeminiJobState.Queued, "state = 'Queued', lease_until = NULL, not_before = now() + make_interval(secs => @delay), error_id = @errorId, error = @error", c =>
        {
            c.Parameters.AddWithValue("delay", delay.TotalSeconds);
            c.Parameters.AddWithValue("errorId", errorId);
            c.Parameters.AddWithValue("error", error);
        });

    /// <summary>A dead letter: given up, with its last error.</summary>
    public bool Bury(long id, string worker, string errorId, string error) =>
        Update(id, worker, GeminiJobState.Dead, "state = 'Dead', finished_utc = now(), lease_until = NULL, error_id = @errorId, error = @error", c =>
        {
            c.Parameters.AddWithValue("errorId", errorId);
            c.Parameters.AddWithValue("error", error);
        });

    /// <summary>Back to the queue at once, this attempt not counted (the worker stopped before the job ran).</summary>
    public bool Release(long id, string worker) =>
        Update(id, worker, GeminiJobState.Queued, "state = 'Queued', lease_until = NULL, attempts = GREATEST(attempts - 1, 0), not_before = now()", _ => { });

    // ---- management

    /// <summary>Jobs, newest first: of one queue and/or state, or the ids given.</summary>
    public IReadOnlyList<GeminiJob> GetJobs(string? queue = null, GeminiJobState? state = null, IReadOnlyCollection<long>? ids = null, int? first = null) => Run(connection =>
    {
        if (queue != null && !QueueExists(connection, null, queue)) throw QueueNotFound(queue);
        var where = new List<string>();
        if (queue != null) where.Add("j.queue = @queue");
        if (state != null) where.Add("j.state = @state");
        if (ids != null) where.Add("j.id = ANY(@ids)");
        return ReadJobs(connection, null, where.Count == 0 ? "TRUE" : string.Join(" AND ", where), c =>
        {
            if (queue != null) c.Parameters.AddWithValue("queue", queue);
            if (state != null) c.Parameters.AddWithValue("state", state.Value.ToString());
            if (ids != null) c.Parameters.AddWithValue("ids", ids.ToArray());
        }, first);
    });

    /// <summary>A dead letter back to the queue with fresh attempts; <see cref="GeminiOperationException"/> for a job that is not dead.</summary>
    public GeminiJob Restart(long id) => Run(connection =>
    {
        using var transaction = connection.BeginTransaction();
        var job = Single(connection, transaction, id);
        if (job.State != GeminiJobState.Dead)
            throw new GeminiOperationException(JobNotDeadId, ErrorKind.InvalidOperation, $"Job {id} of queue '{job.Queue}' is {job.State}; only dead jobs are restarted.", null,
                "Restart the dead letters: Get-GeminiJob -Queue NAME -State Dead | Restart-GeminiJob.");
        using var command = new NpgsqlCommand("UPDATE gemini_job SET state = 'Queued', attempts = 0, not_before = now(), finished_utc = NULL, worker = NULL WHERE id = @id", connection, transaction);
        command.Parameters.AddWithValue("id", id);
        try { command.ExecuteNonQuery(); }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            throw new GeminiOperationException(JobExistsId, ErrorKind.ResourceExists,
                $"Job {id} cannot go back to queue '{job.Queue}': the same request was submitted again since and is a live job there.", e,
                "Get-GeminiJob -Queue NAME shows it; remove this dead letter with Remove-GeminiJob.");
        }
        transaction.Commit();
        return Single(connection, null, id);
    });

    /// <summary>Deletes a job; a running one only with <paramref name="force"/> (its worker's result is then dropped).</summary>
    public GeminiJob Remove(long id, bool force) => Run(connection =>
    {
        using var transaction = connection.BeginTransaction();
        var job = Single(connection, transaction, id);
        if (job.State == GeminiJobState.Running && !force)
            throw new GeminiOperationException(JobRunningId, ErrorKind.ResourceBusy, $"Job {id} of queue '{job.Queue}' is running on {job.Worker}.", null,
                "Wait until it finishes, or remove it anyway with -Force (the worker's answer is then not recorded in the queue).");
        using var command = new NpgsqlCommand("DELETE FROM gemini_job WHERE id = @id", connection, transaction);
        command.Parameters.AddWithValue("id", id);
        command.ExecuteNonQuery();
        transaction.Commit();
        return job;
    });

    // ---- plumbing

    private static string Who => Environment.UserName + "@" + Environment.MachineName;

    private GeminiNotFoundException QueueNotFound(string name) =>
        new(QueueNotFoundId, $"There is no queue '{name}' in {Location}. Create it with New-GeminiQueue -Name {name} -OutputRoot PATH; Get-GeminiQueue lists the queues.");

    private static bool QueueExists(NpgsqlConnection connection, NpgsqlTransaction? transaction, string name)
    {
        using var command = new NpgsqlCommand("SELECT 1 FROM gemini_queue WHERE name = @name", connection, transaction);
        command.Parameters.AddWithValue("name", name);
        return command.ExecuteScalar() != null;
    }

    private GeminiJob Single(NpgsqlConnection connection, NpgsqlTransaction? transaction, long id) =>
        ReadJobs(connection, transaction, "j.id = @id", c => c.Parameters.AddWithValue("id", id)).FirstOrDefault()
        ?? throw new GeminiNotFoundException(JobNotFoundId, $"There is no job {id} in {Location}.");

    /// <summary>
    /// Moves a job this worker holds to <paramref name="target"/>. Also true when it is there already by this worker:
    /// a write whose answer was lost with the connection may have committed, and is then written again harmlessly.
    /// </summary>
    private bool Update(long id, string worker, GeminiJobState target, string set, Action<NpgsqlCommand> bind) => Run(connection =>
    {
        using var command = new NpgsqlCommand($"UPDATE gemini_job SET {set} WHERE id = @id AND worker = @worker AND state IN ('Running', @target)", connection);
        command.Parameters.AddWithValue("id", id);
        command.Parameters.AddWithValue("worker", worker);
        command.Parameters.AddWithValue("target", target.ToString());
        bind(command);
        return command.ExecuteNonQuery() == 1;
    });

    private static List<GeminiJob> ReadJobs(NpgsqlConnection connection, NpgsqlTransaction? transaction, string where, Action<NpgsqlCommand> bind, int? first = null)
    {
        using var command = new NpgsqlCommand($"SELECT {JobColumns} FROM gemini_job j WHERE {where} ORDER BY j.id DESC" + (first is int n ? $" LIMIT {Math.Max(0, n)}" : ""), connection, transaction);
        bind(command);
        using var reader = command.ExecuteReader();
        var jobs = new List<GeminiJob>();
        while (reader.Read()) jobs.Add(ReadJob(reader));
        return jobs;
    }

    private static GeminiJob ReadJob(NpgsqlDataReader r) => new()
    {
        Id = r.GetInt64(0),
        Queue = r.GetString(1),
        RowId = r.GetString(2),
        State = (GeminiJobState)Enum.Parse(typeof(GeminiJobState), r.GetString(3)),
        Priority = (JobPriority)r.GetInt16(4),
        Prompt = r.GetString(5),
        Model = r.GetString(6),
        DedupKey = r.GetString(7),
        Attempts = r.GetInt32(8),
        MaxAttempts = r.GetInt32(9),
        Worker = r.IsDBNull(10) ? null : r.GetString(10),
        SubmittedUtc = Utc(r.GetDateTime(11)),
        SubmittedBy = r.GetString(12),
        StartedUtc = r.IsDBNull(13) ? null : Utc(r.GetDateTime(13)),
        FinishedUtc = r.IsDBNull(14) ? null : Utc(r.GetDateTime(14)),
        NotBeforeUtc = Utc(r.GetDateTime(15)),
        Path = r.IsDBNull(16) ? null : r.GetString(16),
        ResponseId = r.IsDBNull(17) ? null : r.GetString(17),
        Cost = r.IsDBNull(18) ? null : r.GetInt64(18) / 1_000_000m,
        ErrorId = r.IsDBNull(19) ? null : r.GetString(19),
        Error = r.IsDBNull(20) ? null : r.GetString(20),
        Project = r.IsDBNull(21) ? null : r.GetString(21),
    };

    private static DateTime Utc(DateTime value) => DateTime.SpecifyKind(value, DateTimeKind.Utc);

    private T Run<T>(Func<NpgsqlConnection, T> work) => _database.Run(work);
}
