using System.Collections.Concurrent;
using GeminiImage.Engine.Generation;
using GeminiImage.Engine.Imaging;
using GeminiImage.Engine.Ledger;
using GeminiImage.Engine.Resilience;

namespace GeminiImage.Engine.Batch;

/// <summary>Options of a local run.</summary>
public sealed class LocalBatchOptions
{
    public string OutputDirectory { get; set; } = "";
    public int ThrottleLimit { get; set; } = 4;
    public string? BatchId { get; set; }
    /// <summary>
    /// Also write a small JPEG preview per image for the report (under thumbnails/). Off by default: a preview means
    /// decoding the whole image, which costs more CPU than everything else a row does, and the gallery shows the saved
    /// images themselves just as well (<see cref="BatchReport"/>).
    /// </summary>
    public bool Thumbnails { get; set; }
}

/// <summary>
/// Runs validated rows through <see cref="GenerationService"/> with bounded concurrency. Each outcome is journaled
/// (durably) and then handed to the caller's sink as soon as the row finishes; image bytes are not kept after the save.
/// Stops early when the failure circuit opens or a budget is reached, and throws that reason after the rows in flight end.
/// </summary>
public sealed class LocalBatchRunner
{
    private readonly GenerationService _service;
    private readonly InputImageLoader _loader = new();
    private readonly FailureCircuit _circuit;

    public LocalBatchRunner(GenerationService service, FailureCircuit? circuit = null)
    {
        _service = service;
        _circuit = circuit ?? new FailureCircuit();
    }

    /// <summary>
    /// Runs <paramref name="items"/>: each row goes to <paramref name="onResult"/> as soon as it is journaled, and to
    /// <paramref name="onFinished"/> when nothing more is added to it (after its thumbnail, with -Thumbnail).
    /// </summary>
    public async Task RunAsync(IReadOnlyList<BatchItem> items, LocalBatchOptions options, BatchJournal journal, Action<BatchRowResult> onResult, CancellationToken cancellationToken,
        Action<BatchRowResult>? onFinished = null)
    {
        onFinished ??= _ => { };
        var next = -1;
        Exception? stop = null;
        // The answers' blocks go round from row to row instead of being made anew for each.
        using var blocks = GenerationService.HoldImageBlocks();
        using var stopping = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        // Thumbnails are for the report only: one background consumer makes them, so that a worker's
        // request slot is free again as soon as its image is saved and journaled.
        // Bounded, so that thumbnails that fall behind slow the workers down instead of piling up.
        using var thumbnailQueue = new BlockingCollection<BatchRowResult>(Math.Max(4, options.ThrottleLimit * 2));
        // Its own thread, not one of the pool's: it blocks while it waits, and the run changes no thread-pool setting.
        var thumbnails = Task.Factory.StartNew(() =>
        {
            try
            {
                foreach (var done in thumbnailQueue.GetConsumingEnumerable(cancellationToken))
                {
                    done.Thumbnail = BatchThumbnails.TryCreate(done.Path!, options.OutputDirectory, done.Id);
                    onFinished(done);
                }
            }
            catch (OperationCanceledException) { }
        }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);

        async Task WorkerAsync()
        {
            while (!stopping.IsCancellationRequested)
            {
                var index = Interlocked.Increment(ref next);
                if (index >= items.Count) return;
                var result = await RunRowAsync(items[index], options, stopping.Token).ConfigureAwait(false);
                if (result == null) return; // cancelled
                try
                {
                    journal.Append(result);
                }
                catch (GeminiOperationException ex) when (ex.ErrorId == BatchJournal.WriteFailedId)
                {
                    // The row is still reported (its image, if any, is saved); the run starts no new rows.
                    Interlocked.CompareExchange(ref stop, ex, null);
                    Volatile.Write(ref next, items.Count);
                }
                onResult(result);
                if (options.Thumbnails && result.Path != null) QueueThumbnail(result);
                else onFinished(result);
                if (result.Exception is BudgetExceededException || _circuit.IsOpen)
                {
                    Interlocked.CompareExchange(ref stop, result.Exception is BudgetExceededException b ? b : new CircuitOpenException(_circuit.Threshold, result.Exception), null);
                    // Let rows in flight finish; start no new ones.
                    Volatile.Write(ref next, items.Count);
                }
            }
        }

        void QueueThumbnail(BatchRowResult result)
        {
            try
            {
                thumbnailQueue.Add(result, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                // Stopped with the queue full: the row is finished without its thumbnail.
                onFinished(result);
                throw;
            }
        }

        try
        {
            var workers = Enumerable.Range(0, Math.Max(1, Math.Min(options.ThrottleLimit, items.Count))).Select(_ => Task.Run(WorkerAsync)).ToArray();
            await Task.WhenAll(workers).ConfigureAwait(false);
        }
        finally
        {
            thumbnailQueue.CompleteAdding();
            await thumbnails.ConfigureAwait(false);
            // Stopped (Ctrl+C) before their thumbnails were made: finished without them.
            while (thumbnailQueue.TryTake(out var left)) onFinished(left);
        }
        cancellationToken.ThrowIfCancellationRequested();
        if (stop != null) throw stop;
    }

    /// <summary>One row; null when cancelled (nothing is journaled for it, so a re-run does it again).</summary>
    private async Task<BatchRowResult?> RunRowAsync(BatchItem item, LocalBatchOptions options, CancellationToken cancellationToken)
    {
        var result = BatchRowResult.For(item, BatchRowStatus.Succeeded);
        result.BatchId = options.BatchId;
        try
        {
            var request = item.CreateRequest(_loader);
            var outcome = await _service.RunAsync(request, item.CreatePlan(options.OutputDirectory), item.ImagePaths.FirstOrDefault(), cancellationToken, item.Id).ConfigureAwait(false);
            result.SetImages(outcome.Images);
            // Saved: the answer's pooled blocks go back for the next rows (nothing in a batch reads them again).
            outcome.ReleaseImages();
            _circuit.RecordSuccess();
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return null;
        }
        catch (Exception ex) when (ex is GeminiImageException || ex is System.IO.IOException || ex is UnauthorizedAccessException)
        {
            _circuit.RecordFailure(ex);
            // A budget stop happens before sending: the row was not run (and is not a failure of the row).
            result.Status = ex switch
            {
                GeminiNoImageException => BatchRowStatus.Blocked,
                BudgetExceededException => BatchRowStatus.NotRun,
                _ => BatchRowStatus.Failed,
            };
            result.Error = ex.Message;
            result.ErrorId = (ex as GeminiImageException)?.ErrorId ?? "GeminiImage.IOError";
            result.Exception = ex;
            result.Cost = 0m;
        }
        result.CompletedUtc = DateTime.UtcNow;
        return result;
    }
}
