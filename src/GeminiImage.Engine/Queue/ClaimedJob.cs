namespace GeminiImage.Engine.Queue;

/// <summary>A job a worker holds (state Running, its lease renewed while it works).</summary>
public sealed class ClaimedJob(GeminiJob job, JobSpec spec, string outputRoot, bool reclaimed)
{
    public GeminiJob Job { get; } = job;
    public JobSpec Spec { get; } = spec;
    /// <summary>The queue's output root, where the image goes.</summary>
    public string OutputRoot { get; } = outputRoot;
    /// <summary>Taken over from a worker whose lease ran out (it died or lost the database).</summary>
    public bool Reclaimed { get; } = reclaimed;
}
