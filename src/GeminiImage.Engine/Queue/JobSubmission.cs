namespace GeminiImage.Engine.Queue;

/// <summary>One validated row to queue, with its lane, de-duplication key and attempt limit.</summary>
public sealed class JobSubmission
{
    public JobSubmission(JobSpec spec, string rowId, JobPriority priority, string dedupKey, int maxAttempts)
    {
        Spec = spec;
        RowId = rowId;
        Priority = priority;
        DedupKey = dedupKey;
        MaxAttempts = maxAttempts;
    }

    public JobSpec Spec { get; }
    public string RowId { get; }
    public JobPriority Priority { get; }
    public string DedupKey { get; }
    public int MaxAttempts { get; }
}
