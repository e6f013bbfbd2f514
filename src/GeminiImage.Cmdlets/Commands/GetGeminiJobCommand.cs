namespace GeminiImage.Cmdlets.Commands;

/// <summary>Get-GeminiJob: jobs of the work queues, newest first, by queue, state or id.</summary>
[Cmdlet(VerbsCommon.Get, "GeminiJob", DefaultParameterSetName = QueueSet)]
[OutputType(typeof(GeminiJob))]
public sealed class GetGeminiJobCommand : PSCmdlet
{
    private const string QueueSet = "Queue";
    private const string IdSet = "Id";

    [Parameter(Position = 0, ParameterSetName = QueueSet)]
    public string? Queue { get; set; }

    /// <summary>Queued, Running, Done or Dead (the dead letters).</summary>
    [Parameter(ParameterSetName = QueueSet)]
    [ValidateSet("Queued", "Running", "Done", "Dead", IgnoreCase = true)]
    public string? State { get; set; }

    /// <summary>At most this many jobs (the newest).</summary>
    [Parameter(ParameterSetName = QueueSet)]
    [ValidateRange(1, int.MaxValue)]
    public int First { get; set; }

    [Parameter(Mandatory = true, ParameterSetName = IdSet, ValueFromPipelineByPropertyName = true)]
    public long[] Id { get; set; } = Array.Empty<long>();

    protected override void ProcessRecord()
    {
        var queue = QueueAccess.Open(this, (object?)Queue ?? Id);
        try
        {
            var jobs = ParameterSetName == IdSet
                ? queue.GetJobs(ids: Id)
                : queue.GetJobs(Queue, State == null ? null : EnumParameter.Parse<GeminiJobState>(State), first: First > 0 ? First : null);
            var found = new HashSet<long>(jobs.Select(j => j.Id));
            if (ParameterSetName == IdSet)
                foreach (var missing in Id.Where(i => !found.Contains(i)))
                    WriteError(ErrorRecords.From(new GeminiNotFoundException(JobQueue.JobNotFoundId, $"There is no job {missing} in {queue.Location}."), missing));
            foreach (var job in jobs) WriteObject(job);
        }
        catch (GeminiImageException ex)
        {
            WriteError(ErrorRecords.From(ex, Queue));
        }
    }
}
