using GeminiImage.Engine.Generation;

namespace GeminiImage.Engine.Batch;

/// <summary>
/// One Invoke-GeminiBatch -Mode Server run: which rows earlier jobs into the folder already cover, and the submission of
/// the rest as one job per model, each reserved in the budget as a whole before anything is uploaded.
/// </summary>
public sealed class ServerBatchRun
{
    private readonly ServerBatchReceiver _receiver;

    private ServerBatchRun(ServerBatchReceiver receiver, string outputDirectory, IReadOnlyList<CoveredRow> covered, IReadOnlyList<BatchItem> todo)
    {
        _receiver = receiver;
        OutputDirectory = outputDirectory;
        Covered = covered;
        Todo = todo;
        Jobs = todo.GroupBy(i => i.Model.Id).Select(g => (IReadOnlyList<BatchItem>)g.ToList()).ToList();
    }

    public string OutputDirectory { get; }
    /// <summary>Rows an earlier run into this folder received, or a job there still holds: not paid for again.</summary>
    public IReadOnlyList<CoveredRow> Covered { get; }
    /// <summary>The rows this run submits.</summary>
    public IReadOnlyList<BatchItem> Todo { get; }
    /// <summary><see cref="Todo"/> as the jobs it becomes: one per model.</summary>
    public IReadOnlyList<IReadOnlyList<BatchItem>> Jobs { get; }
    /// <summary>The estimated cost of <see cref="Todo"/> at the batch price; null when a row's price is unknown.</summary>
    public decimal? Estimate => BatchPlan.SumEstimate(Todo, batchPricing: true);
    /// <summary>The earlier jobs that still hold rows of this plan, once each.</summary>
    public IEnumerable<GeminiBatchJob> CoveringJobs => Covered.Where(c => c.Job != null).Select(c => c.Job!).GroupBy(j => j.Name).Select(g => g.First());

    /// <summary>
    /// Splits <paramref name="plan"/> against the jobs and results already in <paramref name="outputDirectory"/>.
    /// Throws <see cref="UnsafePathException"/> for a link planted where the batch writes its own files, before anything is sent.
    /// </summary>
    public static async Task<ServerBatchRun> PrepareAsync(ServerBatchReceiver receiver, BatchPlan plan, string outputDirectory, CancellationToken cancellationToken)
    {
        BatchOutputFolder.Check(outputDirectory);
        var covered = await receiver.FindCoveredAsync(plan.Items, outputDirectory, cancellationToken).ConfigureAwait(false);
        var coveredIds = new HashSet<string>(covered.Select(c => c.Item.Id), StringComparer.OrdinalIgnoreCase);
        return new ServerBatchRun(receiver, outputDirectory, covered, plan.Items.Where(i => !coveredIds.Contains(i.Id)).ToList());
    }

    /// <summary>
    /// Submits <see cref="Jobs"/>: each reserved as a whole first (a job that does not fit is refused, the rest of the
    /// run with it), released again when the submission fails. Each job submitted goes to <paramref name="onSubmitted"/>
    /// with its row count; a job's failure goes to <paramref name="onFailed"/> with
    /// its model id and the others go on. Returns true when every job was submitted.
    /// </summary>
    /// <param name="displayName">The jobs' display name; default "GeminiImage yyyy-MM-dd HH:mm:ss". With several models, each job's adds its model.</param>
    public async Task<bool> SubmitAsync(GenerationService service, string? displayName, Action<GeminiBatchJob, int> onSubmitted,
        Action<GeminiImageException, string> onFailed, CancellationToken cancellationToken)
    {
        var allSubmitted = true;
        foreach (var rows in Jobs)
        {
            var model = rows[0].Model.Id;
            var name = (displayName ?? $"GeminiImage {DateTime.Now:yyyy-MM-dd HH:mm:ss}") + (Jobs.Count > 1 ? " " + model : "");
            try
            {
                var reservations = service.Reserve(rows.Select(i => (i.CreateRequest(null), (string?)i.Id, i.Estimate(true))).ToList());
                try
                {
                    onSubmitted(await _receiver.SubmitAsync(rows, name, OutputDirectory, cancellationToken, reservations).ConfigureAwait(false), rows.Count);
                }
                catch (GeminiImageException)
                {
                    service.Release(reservations);
                    throw;
                }
            }
            catch (GeminiImageException ex)
            {
                allSubmitted = false;
                onFailed(ex, model);
                if (ex is Ledger.BudgetExceededException) break;
            }
        }
        return allSubmitted;
    }
}
