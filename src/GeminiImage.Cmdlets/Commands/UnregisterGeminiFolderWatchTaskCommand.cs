using System;
using System.Management.Automation;
using System.Runtime.InteropServices;
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
        catch (InvalidOperationException ex) { WriteError(new ErrorRecord(ex, "GeminiImage.TaskNotFound", ErrorCategory.ObjectNotFound, Name)); }
    }
}

internal static class FolderWatchTaskPlatform
{
    public static void ThrowIfNotWindows(PSCmdlet cmdlet)
    {
        if (RuntimeInformation.IsOSPlatform(OSPlatform.Windows)) return;
        var record = new ErrorRecord(new PlatformNotSupportedException("Task Scheduler is Windows-only."), "GeminiImage.TaskSchedulerUnavailable", ErrorCategory.NotImplemented, null)
        {
            ErrorDetails = new ErrorDetails("Task Scheduler is Windows-only.")
            {
                RecommendedAction = "Here the watch runs from cron or a systemd timer (Register-GeminiFolderWatchTask prints both): remove its crontab line, or run 'systemctl --user disable --now geminiimage-watch-<name>.timer'.",
            },
        };
        cmdlet.ThrowTerminatingError(record);
    }
}
