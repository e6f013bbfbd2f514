namespace GeminiImage.Engine.Batch;

/// <summary>
/// A run's totals counted a row at a time, for its <see cref="BatchSummary"/>: a local run counts its rows as they
/// finish instead of keeping them all to the end. Not thread-safe: callers take turns.
/// </summary>
public sealed class BatchTally
{
    private int _total, _succeeded, _failed, _blocked, _invalid, _notRun, _resumed, _attempted, _attemptedSucceeded;
    private decimal _cost, _resumedCost;

    /// <summary>Counts one row.</summary>
    public void Add(BatchRowResult row)
    {
        _total++;
        switch (row.Status)
        {
            case BatchRowStatus.Succeeded: _succeeded++; break;
            case BatchRowStatus.Failed: _failed++; break;
            case BatchRowStatus.Blocked: _blocked++; break;
            case BatchRowStatus.Invalid: _invalid++; break;
            case BatchRowStatus.NotRun: _notRun++; break;
        }
        if (row.FromJournal)
        {
            _resumed++;
            _resumedCost += row.Cost ?? 0m;
            return;
        }
        _cost += row.Cost ?? 0m;
        if (row.Status is BatchRowStatus.Succeeded or BatchRowStatus.Failed or BatchRowStatus.Blocked) _attempted++;
        if (row.Status == BatchRowStatus.Succeeded) _attemptedSucceeded++;
    }

    /// <summary>The totals of the rows counted so far, finished now.</summary>
    public BatchSummary ToSummary(DateTime startedUtc, string outputDirectory, string? batchId, string mode)
    {
        var finished = DateTime.UtcNow;
        return new BatchSummary
        {
            BatchId = batchId,
            Mode = mode,
            Total = _total,
            Succeeded = _succeeded,
            Failed = _failed,
            Blocked = _blocked,
            Invalid = _invalid,
            NotRun = _notRun,
            Resumed = _resumed,
            Attempted = _attempted,
            SuccessRate = _attempted == 0 ? 0 : Math.Round((double)_attemptedSucceeded / _attempted, 4),
            SuccessRateOfTotal = _total == 0 ? 0 : Math.Round((double)_succeeded / _total, 4),
            Cost = _cost,
            ResumedCost = _resumedCost,
            StartedUtc = startedUtc,
            FinishedUtc = finished,
            DurationSeconds = Math.Round((finished - startedUtc).TotalSeconds, 3),
            OutputDirectory = outputDirectory,
        };
    }
}
