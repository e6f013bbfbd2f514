namespace GeminiImage.Cmdlets.Commands;

/// <summary>Get-GeminiQueue: the work queues with depth per priority, throughput, the oldest waiting job and dead letters.</summary>
[Cmdlet(VerbsCommon.Get, "GeminiQueue")]
[OutputType(typeof(GeminiQueueInfo))]
public sealed class GetGeminiQueueCommand : PSCmdlet
{
    /// <summary>One queue (default: every queue of the team database).</summary>
    [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("Queue")]
    public string? Name { get; set; }

    protected override void ProcessRecord()
    {
        var queue = QueueAccess.Open(this, Name);
        try
        {
            if (Name == null) foreach (var info in queue.GetQueues()) WriteObject(info);
            else WriteObject(queue.GetQueue(Name));
        }
        catch (GeminiImageException ex)
        {
            WriteError(ErrorRecords.From(ex, Name));
        }
    }
}
