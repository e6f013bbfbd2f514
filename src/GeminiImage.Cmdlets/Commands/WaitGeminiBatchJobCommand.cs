using System.Diagnostics;

namespace GeminiImage.Cmdlets.Commands;

/// <summary>Wait-GeminiBatchJob: polls a server-side batch job until it ends, with progress, and emits it.</summary>
[Cmdlet(VerbsLifecycle.Wait, "GeminiBatchJob")]
[OutputType(typeof(GeminiBatchJob))]
public sealed class WaitGeminiBatchJobCommand : BatchJobCmdlet
{
    /// <summary>The longest wait between polls, in seconds: polls start after 1 s (or less, when this is less) and back off to it, so a quick job is seen quickly.</summary>
    [Parameter]
    [ValidateRange(0.1, 3600.0)]
    public double PollIntervalSec { get; set; } = 10;

    /// <summary>Give up after this many seconds (0: wait as long as it takes; jobs end within 48 hours).</summary>
    [Parameter]
    [ValidateRange(0, int.MaxValue)]
    public int MaxWaitSec { get; set; }

    protected override void ProcessRecord()
    {
        var watch = Stopwatch.StartNew();
        var activity = $"Wait-GeminiBatchJob {Name}";
        var interval = Math.Min(1.0, PollIntervalSec);
        try
        {
            while (true)
            {
                var job = Run(token => BatchClient.GetAsync(Name, token));
                var processed = job.SucceededCount + job.FailedCount;
                WriteProgress(new ProgressRecord(2, activity, $"{job.State}: {processed} of {job.RequestCount} processed, {job.FailedCount} failed, {watch.Elapsed:hh\\:mm\\:ss} elapsed")
                {
                    PercentComplete = job.RequestCount > 0 ? (int)Math.Min(100, processed * 100 / job.RequestCount) : 0,
                });
                if (job.Done)
                {
                    WriteProgress(new ProgressRecord(2, activity, job.State) { RecordType = ProgressRecordType.Completed });
                    WriteObject(job);
                    // A failed job says why (the operation's error), not only "Failed".
                    if (job.State == "Failed") WriteError(ErrorRecords.From(new BatchJobFailedException(job.Name, job.Error), Name));
                    return;
                }
                if (MaxWaitSec > 0 && watch.Elapsed.TotalSeconds >= MaxWaitSec)
                {
                    WriteError(ErrorRecords.From(new GeminiOperationException("GeminiImage.BatchWaitTimeout", ErrorKind.Timeout, $"The batch job {job.Name} is still {job.State} after {MaxWaitSec} s."), Name));
                    return;
                }
                // Say why and how long: a silent wait looks like a hang.
                WriteVerbose(string.Format(System.Globalization.CultureInfo.InvariantCulture,
                    "{0} is {1} ({2} of {3} processed); checking again in {4:0.#} s (the wait grows to {5:0.#} s between checks).",
                    job.Name, job.State, processed, job.RequestCount, interval, PollIntervalSec));
                if (StopToken.WaitHandle.WaitOne(TimeSpan.FromSeconds(interval))) throw new PipelineStoppedException();
                interval = Math.Min(PollIntervalSec, interval * 2);
            }
        }
        catch (GeminiImageException ex)
        {
            WriteError(ErrorRecords.From(ex, Name));
        }
    }
}
