namespace GeminiImage.Cmdlets.Commands;

/// <summary>Remove-GeminiJob: deletes jobs from their queue (images already saved stay).</summary>
[Cmdlet(VerbsCommon.Remove, "GeminiJob", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(GeminiJob))]
public sealed class RemoveGeminiJobCommand : QueueJobCmdlet
{
    /// <summary>Remove running jobs too (their worker's answer is then not recorded in the queue).</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    /// <summary>Write each removed job.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override string Action => "Remove the job from its queue";

    protected override GeminiJob? Change(JobQueue queue, long id)
    {
        var removed = queue.Remove(id, Force);
        return PassThru ? removed : null;
    }
}
