using System.Collections.Concurrent;
using GeminiImage.Engine.Generation;
using GeminiImage.Engine.Imaging;
using GeminiImage.Engine.Ledger;
using GeminiImage.Engine.Resilience;

namespace GeminiImage.Engine.Queue;

/// <summary>
/// Runs the jobs of one queue through <see cref="GenerationService"/> (budget, limiter, ledger, provenance: the same
/// pipeline as a batch), <see cref="QueueWorkerOptions.ThrottleLimit"/> at a time, until stopped.
/// </summary>
/// <remarks>
/// Each job's answer is written to the job row (Done, with its response id and path) before the lease is given up. A
/// job reclaimed from a worker that died is first looked up in the ledger: when its paid call was recorded there it is
/// marked done without being sent again. When the database goes away, the worker pauses (nothing is claimed, finished
/// jobs wait in memory to be recorded) and resumes when it is back.
/// </remarks>
public sealed class QueueWorker
{
    public const string OutputRootNotWritableId = "GeminiImage.OutputRootNotWritable";
    public const string WorkerLostId = "GeminiImage.WorkerLost";
    private static readonly TimeSpan s_maxPause = TimeSpan.FromSeconds(5);

    private readonly JobQueue _queue;
    private readonly GenerationService _service;
    private readonly QueueWorkerOptions _options;
    private readonly InputImageLoader _loader = new();
    private readonly ConcurrentDictionary<long, byte> _held = new();
    private int _paused;

    public QueueWorker(JobQueue queue, GenerationService service, QueueWorkerOptions options)
    {
        _queue = queue;
        _service = service;
        _options = options;
    }

    /// <summary>A finished job (Done or Dead); called from worker threads.</summary>
    public Action<GeminiJob>? Finished { get; set; }
    /// <summary>What the worker does (claims, retries, pauses); called from worker threads.</summary>
    public Action<string>? Verbose { get; set; }
    /// <summary>What a user should know (the database went away and came back, a job answered before its worker died).</summary>
    public Action<string>? Warning { get; set; }

    /// <summary>Jobs claimed so far.</summary>
    public int Claimed => Volatile.Read(ref _claimed);
    private int _claimed;

    /// <summary>
    /// Makes sure this machine can write the queue's output root (created when missing): refused before any job is
    /// claimed, with <see cref="OutputRootNotWritableId"/>, rather than paid for and left in the fallback folder.
    /// </summary>
    public static void CheckOutputRoot(string root)
    {
        var probe = Path.Combine(root, $".gemini-worker-{Guid.NewGuid():N}.tmp");
        try
        {
            Directory.CreateDirectory(root);
            File.WriteAllBytes(probe, Array.Empty<byte>());
            File.Delete(probe);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException)
        {
            throw new GeminiOperationException(OutputRootNotWritableId, ErrorKind.WriteError,
                $"This worker cannot write the queue's output root '{root}': {e.Message}", e,
                "Give this machine's user write access to the folder (or mount the shared folder at that path), then start the worker again.");
        }
    }

    /// <summary>Runs until Ctrl+C (<paramref name="cancellationToken"/>), -MaxJobs, -Until or, with Drain, an empty queue; throws a budget stop after the jobs in flight end.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        Exception? stop = null;
        using var stopping = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var beating = new CancellationTokenSource();
        var heartbeat = Task.Run(() => HeartbeatAsync(beating.Token));

        // stopping ends the claims; jobs in flight see only Ctrl+C (a budget stop lets them finish, as a batch does).
        async Task SlotAsync()
        {
            while (!stopping.IsCancellationRequested)
            {
                if (_options.UntilUtc is { } until && DateTime.UtcNow >= until) return;
                if (Interlocked.Increment(ref _claimed) > (_options.MaxJobs ?? int.MaxValue))
                {
                    Interlocked.Decrement(ref _claimed);
                    return;
                }
                ClaimedJob? claimed;
                try
                {
                    claimed = _queue.Claim(_options.Queue, _options.Worker, _options.Lease, _held.Keys.ToList());
                    Resumed();
                }
                catch (LedgerException e) when (e.ErrorId == LedgerException.UnreachableId)
                {
                    Interlocked.Decrement(ref _claimed);
                    await PauseAsync(e, stopping.Token).ConfigureAwait(false);
                    continue;
                }
                if (claimed == null)
                {
                    Interlocked.Decrement(ref _claimed);
                    if (_options.Drain && IsEmpty()) return;
                    await Delay(_options.PollInterval, stopping.Token).ConfigureAwait(false);
                    continue;
                }
                _held[claimed.Job.Id] = 0;
                try
                {
                    var job = await RunJobAsync(claimed, cancellationToken).ConfigureAwait(false);
                    if (job != null) Finished?.Invoke(job);
                }
                catch (BudgetExceededException e)
                {
                    Interlocked.CompareExchange(ref stop, e, null);
                    stopping.Cancel();
                }
                finally
                {
                    _held.TryRemove(claimed.Job.Id, out _);
                }
            }
        }

        try
        {
            await Task.WhenAll(Enumerable.Range(0, Math.Max(1, _options.ThrottleLimit)).Select(_ => Task.Run(SlotAsync))).ConfigureAwait(false);
        }
        finally
        {
            beating.Cancel();
            await heartbeat.ConfigureAwait(false);
        }
        if (stop != null) throw stop;
        cancellationToken.ThrowIfCancellationRequested();
    }

    /// <summary>One claimed job; null when it went back to the queue unfinished (Ctrl+C, the database went away).</summary>
    private async Task<GeminiJob?> RunJobAsync(ClaimedJob claimed, CancellationToken cancellationToken)
    {
        var job = claimed.Job;
        if (claimed.Reclaimed)
        {
            Verbose?.Invoke($"Job {job.Id} is taken over from {job.Worker ?? "a worker"} whose lease ran out.");
            // An answer recorded while the server was away waits in this machine's pending file: in the ledger first.
            FoldPending();
            if (_queue.FindPaidAnswer(job) is { } paid)
            {
                Warning?.Invoke($"Job {job.Id} was answered and saved before its worker stopped; it is recorded as done without being sent again.");
                return await RecordAsync(job, GeminiJobState.Done, () => _queue.Finish(job.Id, _options.Worker, paid.Path, paid.ResponseId, paid.Cost), j =>
                {
                    j.Path = paid.Path;
                    j.ResponseId = paid.ResponseId;
                    j.Cost = paid.Cost;
                }).ConfigureAwait(false);
            }
            if (job.Attempts > job.MaxAttempts)
                return await BuryAsync(job, WorkerLostId, $"The workers running this job stopped without an answer {job.Attempts - 1} time(s); it is given up after {job.MaxAttempts} attempt(s).").ConfigureAwait(false);
        }
        Verbose?.Invoke($"Job {job.Id} ({job.Priority}, attempt {job.Attempts} of {job.MaxAttempts}): {job.RowId}.");
        try
        {
            var item = claimed.Spec.ToItem(job.Id);
            var request = claimed.Spec.CreateRequest(item, _loader);
            var plan = item.CreatePlan(claimed.OutputRoot);
            var outcome = await _service.RunAsync(request, plan, item.ImagePaths.FirstOrDefault(), cancellationToken, JobQueue.LedgerRowId(job.Id)).ConfigureAwait(false);
            var path = outcome.Images.FirstOrDefault()?.Path;
            var cost = outcome.FromCache ? 0m : outcome.Images.Sum(i => i.Cost ?? 0m);
            // The answer goes into the job row before the lease is given up: a reclaim never pays for it again.
            return await RecordAsync(job, GeminiJobState.Done, () => _queue.Finish(job.Id, _options.Worker, path, outcome.Result.ResponseId, cost), j =>
            {
                j.Path = path;
                j.ResponseId = outcome.Result.ResponseId;
                j.Cost = cost;
            }).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            TryRelease(job);
            return null;
        }
        catch (BudgetExceededException)
        {
            TryRelease(job);
            throw;
        }
        catch (LedgerException e) when (e.ErrorId == LedgerException.UnreachableId)
        {
            // Nothing was sent (budgets cannot be checked without the database): the job waits for it to come back.
            TryRelease(job);
            await PauseAsync(e, cancellationToken).ConfigureAwait(false);
            return null;
        }
        catch (Exception e) when (e is GeminiImageException or IOException or UnauthorizedAccessException)
        {
            var errorId = (e as GeminiImageException)?.ErrorId ?? "GeminiImage.IOError";
            if (RetryClassifier.IsRetryable(e) && job.Attempts < job.MaxAttempts)
            {
                var delay = RetryClassifier.ServerDelay(e) ?? TimeSpan.FromTicks(_options.RetryDelay.Ticks * (1L << Math.Min(5, job.Attempts - 1)));
                Verbose?.Invoke($"Job {job.Id} failed ({RetryClassifier.Describe(e)}); back in the queue in {delay.TotalSeconds:0.#} s.");
                job.ErrorId = errorId;
                job.Error = e.Message;
                await RecordAsync(job, GeminiJobState.Queued, () => _queue.Retry(job.Id, _options.Worker, errorId, e.Message, delay), _ => { }).ConfigureAwait(false);
                return null;
            }
            return await BuryAsync(job, errorId, e.Message).ConfigureAwait(false);
        }
    }

    private Task<GeminiJob?> BuryAsync(GeminiJob job, string errorId, string error) =>
        RecordAsync(job, GeminiJobState.Dead, () => _queue.Bury(job.Id, _options.Worker, errorId, error), j =>
        {
            j.ErrorId = errorId;
            j.Error = error;
        });

    /// <summary>
    /// Writes a job's outcome to the database, waiting for it while it is away (the answer is kept in memory); the
    /// job as written, or null when it was no longer this worker's (its lease ran out and another worker took it).
    /// </summary>
    private async Task<GeminiJob?> RecordAsync(GeminiJob job, GeminiJobState state, Func<bool> write, Action<GeminiJob> apply)
    {
        while (true)
        {
            try
            {
                // This machine's ledger records first: once the job row says done, no reclaim check misses them.
                FoldPending();
                var mine = write();
                Resumed();
                if (!mine)
                {
                    Warning?.Invoke($"Job {job.Id} was taken over by another worker after this one's lease ran out; this worker's outcome ({state}) is not recorded.");
                    return null;
                }
                break;
            }
            catch (LedgerException e) when (e.ErrorId == LedgerException.UnreachableId)
            {
                // Not the stop token: an answer that is paid for is recorded, even while the worker is stopping.
                Verbose?.Invoke($"Job {job.Id} is {state}; that waits for the database.");
                await PauseAsync(e, CancellationToken.None).ConfigureAwait(false);
            }
        }
        job.State = state;
        job.Worker = _options.Worker;
        if (state != GeminiJobState.Queued) job.FinishedUtc = DateTime.UtcNow;
        apply(job);
        return job;
    }

    private void FoldPending() => (_service.Ledger as ITeamLedger)?.FoldPending();

    private void TryRelease(GeminiJob job)
    {
        try { _queue.Release(job.Id, _options.Worker); }
        // Its lease runs out instead, and any worker takes it again.
        catch (LedgerException) { }
    }

    private bool IsEmpty()
    {
        try
        {
            var info = _queue.GetQueue(_options.Queue);
            return info.Queued + info.Running == 0;
        }
        catch (LedgerException e) when (e.ErrorId == LedgerException.UnreachableId)
        {
            return false;
        }
    }

    private async Task PauseAsync(LedgerException e, CancellationToken cancellationToken)
    {
        var times = Interlocked.Increment(ref _paused);
        if (times == 1) Warning?.Invoke($"The queue's database cannot be reached ({e.Message}); the worker pauses and resumes when it is back.");
        await Delay(TimeSpan.FromMilliseconds(Math.Min(s_maxPause.TotalMilliseconds, 250 * times)), cancellationToken).ConfigureAwait(false);
    }

    private void Resumed()
    {
        if (Interlocked.Exchange(ref _paused, 0) > 0) Warning?.Invoke("The queue's database is back; the worker resumes.");
    }

    private async Task HeartbeatAsync(CancellationToken cancellationToken)
    {
        var every = TimeSpan.FromTicks(Math.Max(TimeSpan.FromMilliseconds(200).Ticks, _options.Lease.Ticks / 3));
        while (!cancellationToken.IsCancellationRequested)
        {
            await Delay(every, cancellationToken).ConfigureAwait(false);
            try { _queue.Renew(_options.Worker, _held.Keys.ToList(), _options.Lease); }
            // Whatever goes wrong, the heartbeat goes on: a lease that runs out hands a running job to another worker.
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                Verbose?.Invoke($"The leases could not be renewed: {e.Message}");
            }
        }
    }

    private static async Task Delay(TimeSpan delay, CancellationToken cancellationToken)
    {
        try { await Task.Delay(delay, cancellationToken).ConfigureAwait(false); }
        catch (OperationCanceledException) { }
    }
}
