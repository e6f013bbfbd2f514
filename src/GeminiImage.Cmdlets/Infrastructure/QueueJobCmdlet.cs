namespace GeminiImage.Cmdlets.Infrastructure;

/// <summary>
/// Base of the cmdlets that change queue jobs named by id (Remove-GeminiJob, Restart-GeminiJob): -Id, from piped jobs
/// too; the queues opened once per invocation; one ShouldProcess and, for a job that cannot be changed, one error per id.
/// </summary>
public abstract class QueueJobCmdlet : PSCmdlet
{
    private JobQueue? _queue;

    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    public long[] Id { get; set; } = Array.Empty<long>();

    /// <summary>What is done to each job, as ShouldProcess says it.</summary>
    protected abstract string Action { get; }

    /// <summary>Changes job <paramref name="id"/>; returns the job to write, or null to write nothing.</summary>
    protected abstract GeminiJob? Change(JobQueue queue, long id);

    protected override void ProcessRecord()
    {
        _queue ??= QueueAccess.Open(this, Id);
        foreach (var id in Id)
        {
            if (!ShouldProcess($"job {id}", Action)) continue;
            try
            {
                if (Change(_queue, id) is { } job) WriteObject(job);
            }
            catch (GeminiImageException ex) { WriteError(ErrorRecords.From(ex, id)); }
        }
    }
}
