namespace GeminiImage.Cmdlets.Commands;

/// <summary>New-GeminiQueue: a work queue in the team database, with the shared folder its workers write to.</summary>
[Cmdlet(VerbsCommon.New, "GeminiQueue", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
[OutputType(typeof(GeminiQueueInfo))]
public sealed class NewGeminiQueueCommand : PSCmdlet
{
    [Parameter(Mandatory = true, Position = 0)]
    public string Name { get; set; } = "";

    /// <summary>The folder every worker writes the images to (a share all worker machines reach at this path).</summary>
    [Parameter(Mandatory = true, Position = 1)]
    [ValidateNotNullOrEmpty]
    public string OutputRoot { get; set; } = "";

    protected override void EndProcessing()
    {
        var root = GetUnresolvedProviderPathFromPSPath(OutputRoot);
        try
        {
            var name = JobQueue.CheckName(Name);
            var queue = QueueAccess.Open(this, Name);
            if (!ShouldProcess($"{name} in {queue.Location}", $"Create the work queue with output root '{root}'")) return;
            WriteObject(queue.CreateQueue(name, root));
        }
        catch (GeminiImageException ex)
        {
            ThrowTerminatingError(ErrorRecords.From(ex, Name));
        }
    }
}
