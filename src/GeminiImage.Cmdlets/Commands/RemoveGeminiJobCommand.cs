using GeminiImage.Engine.Queue;

namespace GeminiImage.Cmdlets.Commands;

/// <summary>Remove-GeminiJob: deletes jobs from their queue (images already saved stay).</summary>
[Cmdlet(VerbsCommon.Remove, "GeminiJob", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(GeminiJob))]
public sealed class RemoveGeminiJobCommand : PSCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    public long[] Id { get; set; } = Array.Empty<long>();

    /// <summary>Remove running jobs too (their worker's answer is then not recorded in the queue).</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    /// <summary>Write each removed job.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    private JobQueue? _queue;

    protected override void ProcessRecord()
    {
        _queue ??= QueueAccess.Open(this, Id);
        foreach (var id in Id)
        {
            if (!ShouldProcess($"job {id}", "Remove the job from its queue")) continue;
            try
            {
                var removed = _queue.Remove(id, Force);
                if (PassThru) WriteObject(removed);
            }
            catch (GeminiImageException ex) { WriteError(ErrorRecords.From(ex, id)); }
        }
    }
}
