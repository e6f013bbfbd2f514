namespace GeminiImage.Engine.Queue;

/// <summary>Where a job is in its life: waiting, claimed by a worker, finished, or given up (a dead letter).</summary>
public enum GeminiJobState
{
    Queued,
    Running,
    Done,
    Dead,
}
