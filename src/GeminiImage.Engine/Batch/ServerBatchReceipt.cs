namespace GeminiImage.Engine.Batch;

/// <summary>What receiving a server batch job did: the job as read, every row, the report line, and whether the job left rows unrun.</summary>
public sealed class ServerBatchReceipt
{
    public ServerBatchReceipt(GeminiBatchJob job, IReadOnlyList<BatchRowResult> results, string report, GeminiOperationException? notCompleted)
    {
        Job = job;
        Results = results;
        Report = report;
        NotCompleted = notCompleted;
    }

    public GeminiBatchJob Job { get; }
    public IReadOnlyList<BatchRowResult> Results { get; }
    /// <summary>Where the report is, with the totals; or why it could not be written.</summary>
    public string Report { get; }
    /// <summary>The job ended (cancelled, expired, failed) without running some rows: GeminiImage.BatchJobNotCompleted.</summary>
    public GeminiOperationException? NotCompleted { get; }
}
