using GeminiImage.Engine.Queue;

namespace GeminiImage.Cmdlets.Commands;

/// <summary>Restart-GeminiJob: dead letters back to their queue, with fresh attempts.</summary>
[Cmdlet(VerbsLifecycle.Restart, "GeminiJob", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(GeminiJob))]
public sealed class RestartGeminiJobCommand : PSCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    public long[] Id { get; set; } = Array.Empty<long>();

    private JobQueue? _queue;

    protected override void ProcessRecord()
    {
        _queue ??= QueueAccess.Open(this, Id);
        foreach (var id in Id)
        {
            if (!ShouldProcess($"job {id}", "Put the dead job back in its queue (it may be paid for again)")) continue;
            try { WriteObject(_queue.Restart(id)); }
            catch (GeminiImageException ex) { WriteError(ErrorRecords.From(ex, id)); }
        }
    }
}
