namespace GeminiImage.Engine.Batch;

/// <summary>
/// What a local batch run, or the receipt of a server batch job, did: its totals, the rows of a receipt, the report
/// line, and why rows were left unrun (if any were).
/// </summary>
public sealed class BatchOutcome(BatchSummary totals, IReadOnlyList<BatchRowResult> results, string report, Exception? stopError)
{
    public BatchSummary Totals { get; } = totals;
    /// <summary>Every row of a server job's receipt; empty for a local run, whose rows went to its caller as they finished.</summary>
    public IReadOnlyList<BatchRowResult> Results { get; } = results;
    /// <summary>Where the report is, with the totals; or why it could not be written.</summary>
    public string Report { get; } = report;
    /// <summary>
    /// Why rows were not run: locally the failure circuit opened or a budget was reached (rows not started are
    /// NotRun); for a server job, it ended (cancelled, expired, failed) without running some rows
    /// (GeminiImage.BatchJobNotCompleted).
    /// </summary>
    public Exception? StopError { get; } = stopError;

    /// <summary>0 every row succeeded, 1 some failed (failed, blocked, invalid, not run), 2 the run stopped early.</summary>
    public int ExitCode => StopError != null ? 2 : Totals.Succeeded == Totals.Total ? 0 : 1;
}
