namespace GeminiImage.Engine.Batch;

/// <summary>A row an earlier run already covers: <see cref="Previous"/> when received and complete, else the <see cref="Job"/> that holds it.</summary>
public sealed class CoveredRow(BatchItem item, GeminiBatchJob? job, BatchRowResult? previous)
{
    public BatchItem Item { get; } = item;
    public GeminiBatchJob? Job { get; } = job;
    public BatchRowResult? Previous { get; } = previous;
}
