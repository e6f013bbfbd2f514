namespace GeminiImage.Engine.Batch;

/// <summary>Totals of a batch run, the top of batch-report.json.</summary>
public sealed class BatchSummary
{
    public string? BatchId { get; set; }
    public string Mode { get; set; } = "Local";
    public int Total { get; set; }
    public int Succeeded { get; set; }
    public int Failed { get; set; }
    public int Blocked { get; set; }
    public int Invalid { get; set; }
    public int NotRun { get; set; }
    /// <summary>Rows completed by an earlier run and skipped this time.</summary>
    public int Resumed { get; set; }
    /// <summary>Rows sent in this run (succeeded, failed or blocked); resumed rows are not counted.</summary>
    public int Attempted { get; set; }
    /// <summary>Succeeded ÷ rows that were attempted in this run (invalid, not-run and resumed rows excluded).</summary>
    public double SuccessRate { get; set; }
    /// <summary>Succeeded (resumed included) ÷ all rows: how much of the whole batch is done.</summary>
    public double SuccessRateOfTotal { get; set; }
    /// <summary>What this run cost; rows completed by an earlier run count in <see cref="ResumedCost"/>.</summary>
    public decimal Cost { get; set; }
    public decimal ResumedCost { get; set; }
    public DateTime StartedUtc { get; set; }
    public DateTime FinishedUtc { get; set; }
    public double DurationSeconds { get; set; }
    public string OutputDirectory { get; set; } = "";

    public static BatchSummary From(IEnumerable<BatchRowResult> rows, DateTime startedUtc, string outputDirectory, string? batchId, string mode)
    {
        var tally = new BatchTally();
        foreach (var row in rows) tally.Add(row);
        return tally.ToSummary(startedUtc, outputDirectory, batchId, mode);
    }
}
