namespace GeminiImage.Engine.Batch;

/// <summary>A row an earlier run already covers: <see cref="Previous"/> when received and complete, else the <see cref="Job"/> that holds it.</summary>
public sealed class CoveredRow
{
    public CoveredRow(BatchItem item, GeminiBatchJob? job, BatchRowResult? previous)
    {
        Item = item;
        Job = job;
        Previous = previous;
    }

    public BatchItem Item { get; }
    public GeminiBatchJob? Job { get; }
    public BatchRowResult? Previous { get; }
}
