using GeminiImage.Engine.Generation;
using GeminiImage.Engine.Ledger;
using GeminiImage.Engine.Resilience;

namespace GeminiImage.Engine.Batch;

/// <summary>
/// A local batch run from a validated plan to its report: the resume split against the folder's journal
/// (<see cref="Prepare"/>, before anything is asked or sent), then <see cref="RunAsync"/>: the journal held for the
/// run, rows through <see cref="LocalBatchRunner"/>, rows never started as NotRun, and the report, written even when the
/// run is stopped. Invoke-GeminiBatch only binds its parameters, asks, calls this and writes what comes back.
/// </summary>
public sealed class LocalBatchRun
{
    private LocalBatchRun(BatchPlan plan, string outputDirectory, bool hasJournal, IReadOnlyList<BatchRowResult> resumed, IReadOnlyList<BatchItem> todo)
    {
        OutputDirectory = outputDirectory;
        HasJournal = hasJournal;
        Invalid = plan.Problems.Select(BatchRowResult.Invalid).ToList();
        Resumed = resumed;
        Todo = todo;
    }

    public string OutputDirectory { get; }
    /// <summary>The folder holds a journal of an earlier run (a -Resume without one is worth a warning).</summary>
    public bool HasJournal { get; }
    /// <summary>The plan's invalid rows, as results.</summary>
    public IReadOnlyList<BatchRowResult> Invalid { get; }
    /// <summary>Rows an earlier run into this folder completed: skipped, reported from the journal.</summary>
    public IReadOnlyList<BatchRowResult> Resumed { get; }
    /// <summary>The rows this run sends.</summary>
    public IReadOnlyList<BatchItem> Todo { get; }
    /// <summary>The estimated cost of <see cref="Todo"/>; null when a row's price is unknown.</summary>
    public decimal? Estimate => BatchPlan.SumEstimate(Todo, batchPricing: false);

    /// <summary>
    /// Splits the plan against the folder's journal. Throws <see cref="UnsafePathException"/> for a link planted where
    /// the batch writes its own files, before anything is sent.
    /// </summary>
    public static LocalBatchRun Prepare(BatchPlan plan, string outputDirectory)
    {
        BatchOutputFolder.Check(outputDirectory);
        var done = BatchJournal.Load(outputDirectory);
        var resumed = plan.Items.Where(i => done.TryGetValue(i.Id, out var r) && r.IsComplete).Select(i =>
        {
            var r = done[i.Id];
            r.FromJournal = true;
            return r;
        }).ToList();
        var resumedIds = new HashSet<string>(resumed.Select(r => r.Id), StringComparer.OrdinalIgnoreCase);
        return new LocalBatchRun(plan, outputDirectory, done.Count > 0, resumed, plan.Items.Where(i => !resumedIds.Contains(i.Id)).ToList());
    }

    /// <summary>
    /// The limiter of a run with <paramref name="throttleLimit"/> requests in flight: the session's when it allows that
    /// many, else one of the run's own at the session's rate and on its pacing clock, so nothing process-wide is changed for the run.
    /// </summary>
    public static RequestLimiter LimiterFor(RequestLimiter session, int throttleLimit) =>
        session.MaxConcurrency >= throttleLimit ? session : session.WithConcurrency(throttleLimit);

    /// <summary>A new local batch id: local-yyyyMMdd-HHmmss-xxxxxx.</summary>
    public static string NewBatchId(DateTime startedUtc) =>
        "local-" + startedUtc.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture) + "-" + Guid.NewGuid().ToString("N").Substring(0, 6);

    /// <summary>
    /// Runs <see cref="Todo"/>. Every row's result goes to <paramref name="onResult"/> (invalid and resumed rows first),
    /// on a worker thread. A circuit or budget stop is not thrown: it is the summary's <see cref="BatchOutcome.StopError"/>.
    /// Cancellation throws after the report is written. Throws <see cref="GeminiOperationException"/>
    /// (GeminiImage.BatchFolderInUse) when another run holds the folder.
    /// </summary>
    /// <param name="verbose">Where notes about the run go (files an interrupted run left behind).</param>
    public async Task<BatchOutcome> RunAsync(GenerationService service, LocalBatchOptions options, Action<BatchRowResult> onResult,
        Action<string>? verbose, CancellationToken cancellationToken)
    {
        var started = DateTime.UtcNow;
        var batchId = options.BatchId ??= NewBatchId(started);
        foreach (var r in Invalid) onResult(r);
        if (Resumed.Count > 0) verbose?.Invoke($"{Resumed.Count} row(s) were completed by an earlier run and are skipped.");
        foreach (var r in Resumed) onResult(r);

        var journal = BatchJournal.Open(OutputDirectory);
        Exception? stopped = null;
        BatchSummary summary;
        string report;
        using (journal)
        {
            // Holding the folder now: what a killed run was half-way through writing goes.
            var folders = new[] { OutputDirectory, Path.Combine(OutputDirectory, BatchThumbnails.FolderName) }
                .Concat(Todo.Where(i => i.OutFile != null).Select(i => Path.GetDirectoryName(i.OutFile)!))
                .Distinct(StringComparer.Ordinal);
            var stale = folders.Sum(OutputWriter.RemoveTemporaryFiles);
            if (stale > 0) verbose?.Invoke($"Removed {stale} half-written file(s) left by an interrupted run.");
            // The rows are counted and kept on disk for the report as they finish, not held in memory to the end.
            var tally = new BatchTally();
            using var rows = new BatchRowSpool(OutputDirectory, Invalid.Count + Resumed.Count + Todo.Count);
            void Finished(BatchRowResult result)
            {
                lock (tally) tally.Add(result);
                rows.Add(result);
            }
            foreach (var r in Invalid.Concat(Resumed)) Finished(r);
            using var ledgerHeld = service.KeepLedgerOpen(verbose);
            try
            {
                await new LocalBatchRunner(service).RunAsync(Todo, options, journal, onResult, cancellationToken, Finished).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is CircuitOpenException || ex is BudgetExceededException || ex is GeminiOperationException { ErrorId: BatchJournal.WriteFailedId })
            {
                stopped = ex;
            }
            finally
            {
                // Rows never started (stopped early or Ctrl+C) appear in the report as not run.
                var finished = rows.Ids();
                foreach (var item in Todo.Where(i => !finished.Contains(i.Id)))
                {
                    var r = BatchRowResult.For(item, BatchRowStatus.NotRun);
                    r.Cost = 0m;
                    Finished(r);
                }
                // The report is written even when the run was stopped.
                summary = tally.ToSummary(started, OutputDirectory, batchId, "Local");
                report = BatchReport.TryWrite(summary, rows);
            }
        }
        return new BatchOutcome(summary, Array.Empty<BatchRowResult>(), report, stopped);
    }
}
