using GeminiImage.Engine.Watch;

namespace GeminiImage.Cmdlets.Commands;

/// <summary>Unregister-GeminiFolderWatchTask: deletes a watch task from the \GeminiImage\ Task Scheduler folder (Windows).</summary>
[Cmdlet(VerbsLifecycle.Unregister, "GeminiFolderWatchTask", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(void))]
public sealed class UnregisterGeminiFolderWatchTaskCommand : PSCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [ValidatePattern(@"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")]
    public string Name { get; set; } = "";

    protected override void BeginProcessing() => FolderWatchTaskPlatform.ThrowIfNotWindows(this);

    protected override void ProcessRecord()
    {
        if (!ShouldProcess(FolderWatchSchedule.TaskFolder + Name, "Unregister the scheduled folder watch")) return;
        try { TaskSchedulerCli.Unregister(Name); }
        catch (InvalidOperationException ex) { WriteError(ErrorRecords.From(new GeminiNotFoundException("GeminiImage.TaskNotFound", ex.Message, ex), Name)); }
    }
}
