namespace GeminiImage.Engine.Queue;

/// <summary>How a worker runs: its queue, how many jobs at once, when it stops, its lease and its backoff.</summary>
public sealed class QueueWorkerOptions
{
    public string Queue { get; set; } = "";
    /// <summary>Jobs in flight at once.</summary>
    public int ThrottleLimit { get; set; } = 4;
    /// <summary>Stop after claiming this many jobs (null: no limit).</summary>
    public int? MaxJobs { get; set; }
    /// <summary>Claim no job after this time (UTC); jobs in flight finish.</summary>
    public DateTime? UntilUtc { get; set; }
    /// <summary>Stop when the queue has no queued or running job left.</summary>
    public bool Drain { get; set; }
    /// <summary>How long a claimed job stays this worker's without a renewal; renewed every third of it while the job runs.</summary>
    public TimeSpan Lease { get; set; } = TimeSpan.FromMinutes(2);
    /// <summary>The first backoff of a retryable failure; it doubles with each attempt (at most 32 times it).</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(30);
    /// <summary>How often an idle worker looks for new jobs.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);
    /// <summary>This worker's name in the queue (machine:process).</summary>
    public string Worker { get; set; } = JobQueue.WorkerName;
}
