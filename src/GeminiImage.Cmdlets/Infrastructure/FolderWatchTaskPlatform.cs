namespace GeminiImage.Cmdlets.Infrastructure;

internal static class FolderWatchTaskPlatform
{
    public static void ThrowIfNotWindows(PSCmdlet cmdlet)
    {
        if (RuntimeInformation.IsOSPlatform(OSPlatform.Windows)) return;
        cmdlet.ThrowTerminatingError(ErrorRecords.NotOnThisPlatform("GeminiImage.TaskSchedulerUnavailable", "Task Scheduler is Windows-only.",
            "Here the watch runs from cron or a systemd timer (Register-GeminiFolderWatchTask prints both): remove its crontab line, or run 'systemctl --user disable --now geminiimage-watch-<name>.timer'.", null));
    }
}
