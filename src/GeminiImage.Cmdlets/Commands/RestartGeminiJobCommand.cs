namespace GeminiImage.Cmdlets.Commands;

/// <summary>Restart-GeminiJob: dead letters back to their queue, with fresh attempts.</summary>
[Cmdlet(VerbsLifecycle.Restart, "GeminiJob", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(GeminiJob))]
public sealed class RestartGeminiJobCommand : QueueJobCmdlet
{
    protected override string Action => "Put the dead job back in its queue (it may be paid for again)";

    protected override GeminiJob? Change(JobQueue queue, long id) => queue.Restart(id);
}
