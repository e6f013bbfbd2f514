using GeminiImage.Engine.Resilience;

namespace GeminiImage.Cmdlets.Commands;

/// <summary>
/// Start-GeminiWorker: takes the jobs of a work queue, highest priority and oldest first, and runs them through the
/// same pipeline as a batch (budget, limiter, ledger, provenance) into the queue's output root, until Ctrl+C,
/// -MaxJobs, -Until or (with -Drain) an empty queue.
/// </summary>
[Cmdlet(VerbsLifecycle.Start, "GeminiWorker", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(GeminiJob))]
public sealed class StartGeminiWorkerCommand : GeminiApiCmdlet
{
    [Parameter(Mandatory = true, Position = 0)]
    [ValidateNotNullOrEmpty]
    public string Queue { get; set; } = "";

    /// <summary>Jobs in flight at once.</summary>
    [Parameter]
    [ValidateRange(1, 64)]
    public int ThrottleLimit { get; set; } = 4;

    /// <summary>Stop after this many jobs.</summary>
    [Parameter]
    [ValidateRange(1, int.MaxValue)]
    public int MaxJobs { get; set; }

    /// <summary>Take no job after this time; jobs in flight finish.</summary>
    [Parameter]
    public DateTime Until { get; set; }

    /// <summary>Stop when the queue has no queued or running job left.</summary>
    [Parameter]
    public SwitchParameter Drain { get; set; }

    /// <summary>Seconds a job stays this worker's without renewal (renewed while it runs); after a crash, others take it then.</summary>
    [Parameter]
    [ValidateRange(2, 86400)]
    public int LeaseSec { get; set; } = 120;

    /// <summary>First backoff of a job that failed with a retryable error; doubles with each attempt.</summary>
    [Parameter]
    [ValidateRange(0, 3600)]
    public double RetryDelaySec { get; set; } = 30;

    /// <summary>The project this worker's spend is charged to in the ledger.</summary>
    [Parameter]
    public string? Project { get; set; }

    /// <inheritdoc />
    protected override string? UsageProject => Text.NullIfBlank(Project)?.Trim();

    protected override void EndProcessing()
    {
        SetExitCode(2);
        var queue = QueueAccess.Open(this, Queue);
        GeminiQueueInfo info;
        try
        {
            info = queue.GetQueue(Queue);
        }
        catch (GeminiImageException ex)
        {
            ThrowTerminatingError(ErrorRecords.From(ex, Queue));
            return;
        }
        // Refused before any job is claimed: an image paid for must have somewhere to go.
        try { QueueWorker.CheckOutputRoot(info.OutputRoot); }
        catch (GeminiImageException ex) { ThrowTerminatingError(ErrorRecords.From(ex, info.OutputRoot)); }
        if (!ShouldProcess($"queue '{info.Name}' in {queue.Location}",
                $"Run its jobs ({info.Queued} queued now), {ThrottleLimit} at a time, into '{info.OutputRoot}'"))
        {
            SetExitCode(0);
            return;
        }
        var options = new QueueWorkerOptions
        {
            Queue = info.Name,
            ThrottleLimit = ThrottleLimit,
            MaxJobs = MaxJobs > 0 ? MaxJobs : null,
            UntilUtc = MyInvocation.BoundParameters.ContainsKey(nameof(Until)) ? Until.ToUniversalTime() : null,
            Drain = Drain,
            Lease = TimeSpan.FromSeconds(LeaseSec),
            RetryDelay = TimeSpan.FromSeconds(RetryDelaySec),
        };
        // As a batch: more requests in flight than the session allows get a limiter of their own, at the session's rate.
        var service = CreateGenerationService(UsageOperation.Batch, JobQueue.BatchPrefix + info.Name, limiter: LocalBatchRun.LimiterFor(Settings.Limiter, ThrottleLimit));
        var worker = new QueueWorker(queue, service, options)
        {
            Finished = job =>
            {
                if (job.State == GeminiJobState.Dead) QueueWarning($"Job {job.Id} ({job.RowId}) is a dead letter: {job.ErrorId}: {job.Error}");
                QueueObject(job);
            },
            Verbose = QueueVerbose,
            Warning = QueueWarning,
        };
        WriteVerbose($"Worker {options.Worker} on queue '{info.Name}' ({queue.Location}).");
        try
        {
            Run(token => worker.RunAsync(token));
        }
        catch (BudgetExceededException ex)
        {
            WriteError(ErrorRecords.From(ex, Queue));
            return;
        }
        WriteVerbose($"Worker {options.Worker} stopped after {worker.Claimed} job(s).");
        SetExitCode(0);
    }
}
