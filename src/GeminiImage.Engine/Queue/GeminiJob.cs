namespace GeminiImage.Engine.Queue;

/// <summary>A job of a work queue as Submit-GeminiJob, Get-GeminiJob and Start-GeminiWorker show it.</summary>
public sealed class GeminiJob
{
    /// <summary>The job's number in the team database (unique across queues).</summary>
    public long Id { get; set; }
    public string Queue { get; set; } = "";
    /// <summary>The row's id (the Id column, else row-N of its submission).</summary>
    public string RowId { get; set; } = "";
    public GeminiJobState State { get; set; }
    public JobPriority Priority { get; set; }
    /// <summary>The prompt sent (a style's template applied).</summary>
    public string Prompt { get; set; } = "";
    public string Model { get; set; } = "";
    /// <summary>The project the job's spend is charged to (null: the worker's -Project).</summary>
    public string? Project { get; set; }
    /// <summary>Jobs with the same key in a queue are one job (default: the request's cache key).</summary>
    public string DedupKey { get; set; } = "";
    /// <summary>Attempts started so far (a reclaim after a worker died counts).</summary>
    public int Attempts { get; set; }
    public int MaxAttempts { get; set; }
    /// <summary>The worker that holds or last held the job: machine:process.</summary>
    public string? Worker { get; set; }
    public DateTime SubmittedUtc { get; set; }
    public string SubmittedBy { get; set; } = "";
    public DateTime? StartedUtc { get; set; }
    public DateTime? FinishedUtc { get; set; }
    /// <summary>A queued job that failed waits until then before it is claimed again (the backoff).</summary>
    public DateTime? NotBeforeUtc { get; set; }
    /// <summary>The first image saved (Done).</summary>
    public string? Path { get; set; }
    public string? ResponseId { get; set; }
    /// <summary>What the answer cost (USD); 0 for a cache hit.</summary>
    public decimal? Cost { get; set; }
    /// <summary>The stable id of the last error (a dead letter's reason).</summary>
    public string? ErrorId { get; set; }
    public string? Error { get; set; }
    /// <summary>Set by Submit-GeminiJob when the job was already in the queue (queued, running or done) and nothing new was added.</summary>
    public bool Existing { get; set; }

    public override string ToString() => $"{Queue}/{Id} ({State})";
}
