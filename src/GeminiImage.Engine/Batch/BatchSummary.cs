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

    public static BatchSummary From(IReadOnlyCollection<BatchRowResult> rows, DateTime startedUtc, string outputDirectory, string? batchId, string mode)
    {
        var finished = DateTime.UtcNow;
        var succeeded = rows.Count(r => r.Status == BatchRowStatus.Succeeded);
        var fresh = rows.Where(r => !r.FromJournal).ToList();
        var attempted = fresh.Count(r => r.Status is BatchRowStatus.Succeeded or BatchRowStatus.Failed or BatchRowStatus.Blocked);
        return new BatchSummary
        {
            BatchId = batchId,
            Mode = mode,
            Total = rows.Count,
            Succeeded = succeeded,
            Failed = rows.Count(r => r.Status == BatchRowStatus.Failed),
            Blocked = rows.Count(r => r.Status == BatchRowStatus.Blocked),
            Invalid = rows.Count(r => r.Status == BatchRowStatus.Invalid),
            NotRun = rows.Count(r => r.Status == BatchRowStatus.NotRun),
            Resumed = rows.Count(r => r.FromJournal),
            Attempted = attempted,
            SuccessRate = attempted == 0 ? 0 : Math.Round((double)fresh.Count(r => r.Status == BatchRowStatus.Succeeded) / attempted, 4),
            SuccessRateOfTotal = rows.Count == 0 ? 0 : Math.Round((double)succeeded / rows.Count, 4),
            Cost = fresh.Sum(r => r.Cost ?? 0m),
            ResumedCost = rows.Where(r => r.FromJournal).Sum(r => r.Cost ?? 0m),
            StartedUtc = startedUtc,
            FinishedUtc = finished,
            DurationSeconds = Math.Round((finished - startedUtc).TotalSeconds, 3),
            OutputDirectory = outputDirectory,
        };
    }
}
