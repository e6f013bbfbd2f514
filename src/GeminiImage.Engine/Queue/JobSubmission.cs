namespace GeminiImage.Engine.Queue;

/// <summary>One validated row to queue, with its lane, de-duplication key and attempt limit.</summary>
public sealed class JobSubmission(JobSpec spec, string rowId, JobPriority priority, string dedupKey, int maxAttempts)
{
    public JobSpec Spec { get; } = spec;
    public string RowId { get; } = rowId;
    public JobPriority Priority { get; } = priority;
    public string DedupKey { get; } = dedupKey;
    public int MaxAttempts { get; } = maxAttempts;
}
