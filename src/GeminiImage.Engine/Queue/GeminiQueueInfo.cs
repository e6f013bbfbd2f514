namespace GeminiImage.Engine.Queue;

/// <summary>What Get-GeminiQueue shows: depth per priority, throughput, the oldest waiting job and the dead letters.</summary>
public sealed class GeminiQueueInfo
{
    public string Name { get; set; } = "";
    /// <summary>Where every worker of the queue writes its images (a shared folder).</summary>
    public string OutputRoot { get; set; } = "";
    /// <summary>Queued jobs of each priority.</summary>
    public int High { get; set; }
    public int Normal { get; set; }
    public int Low { get; set; }
    public int Queued => High + Normal + Low;
    public int Running { get; set; }
    public int Done { get; set; }
    /// <summary>Dead letters: jobs given up after their attempts or a non-retryable error (an alert: Where-Object Dead -gt 0).</summary>
    public int Dead { get; set; }
    /// <summary>Jobs finished per minute over the last 10 minutes.</summary>
    public double PerMinute { get; set; }
    /// <summary>How long the oldest queued job has waited; null when none waits.</summary>
    public TimeSpan? OldestAge { get; set; }
    public DateTime CreatedUtc { get; set; }
    public string CreatedBy { get; set; } = "";
}
