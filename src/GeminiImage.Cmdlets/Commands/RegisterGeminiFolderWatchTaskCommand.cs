using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Runtime.InteropServices;
using GeminiImage.Cmdlets.Infrastructure;
using GeminiImage.Engine.Watch;

namespace GeminiImage.Cmdlets.Commands;

/// <summary>
/// Register-GeminiFolderWatchTask: runs <c>Start-GeminiFolderWatch ... -Once</c> on an interval. Windows: a Task Scheduler
/// task with the PowerShell that registered it. Elsewhere: the equivalent crontab line and systemd units, as text.
/// </summary>
[Cmdlet(VerbsLifecycle.Register, "GeminiFolderWatchTask", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(FolderWatchTask), typeof(string), typeof(FileInfo))]
public sealed class RegisterGeminiFolderWatchTaskCommand : PSCmdlet
{
    // Start-GeminiFolderWatch parameters passed on to the task; folders and files are made absolute first.
    private static readonly string[] s_forwarded =
    {
        "Path", "Prompt", "OutputDirectory", "Filter", "Recurse", "ProcessedDirectory", "FailedDirectory", "LogDirectory",
        "Model", "AspectRatio", "ImageSize", "ReferenceImage", "Tag", "Suffix", "Timeout", "ApiKeyFile", "BaseUri", "NoPromptLogging",
    };
    private static readonly HashSet<string> s_paths = new(StringComparer.OrdinalIgnoreCase)
    {
        "Path", "OutputDirectory", "ProcessedDirectory", "FailedDirectory", "LogDirectory", "ReferenceImage", "ApiKeyFile",
    };

    [Parameter(Mandatory = true, Position = 0)]
    [ValidatePattern(@"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")]
    public string Name { get; set; } = "";

    [Parameter]
    public TimeSpan Every { get; set; } = TimeSpan.FromMinutes(5);

    [Parameter(Mandatory = true)]
    [ValidateNotNullOrEmpty]
    public string Path { get; set; } = "";

    [Parameter(Mandatory = true)]
    [ValidateNotNullOrEmpty]
    public string Prompt { get; set; } = "";

    [Parameter(Mandatory = true)]
    [ValidateNotNullOrEmpty]
    public string OutputDirectory { get; set; } = "";

    [Parameter] public string[]? Filter { get; set; }
    [Parameter] public SwitchParameter Recurse { get; set; }
    [Parameter] public string? ProcessedDirectory { get; set; }
    [Parameter] public string? FailedDirectory { get; set; }
    [Parameter] public string? LogDirectory { get; set; }

    [Parameter]
    [ArgumentCompleter(typeof(ModelCompleter))]
    public string? Model { get; set; }

    [Parameter]
    [ArgumentCompleter(typeof(AspectRatioCompleter))]
    public string? AspectRatio { get; set; }

    [Parameter]
    [ArgumentCompleter(typeof(ImageSizeCompleter))]
    public string? ImageSize { get; set; }

    [Parameter] public string[]? ReferenceImage { get; set; }
    [Parameter] public string[]? Tag { get; set; }
    [Parameter] public string? Suffix { get; set; }
    [Parameter] public TimeSpan Timeout { get; set; }
    [Parameter] public string? ApiKeyFile { get; set; }
    [Parameter] public Uri? BaseUri { get; set; }
    [Parameter] public SwitchParameter NoPromptLogging { get; set; }

    /// <summary>Not on Windows: write the crontab line and systemd units to this file instead of the output.</summary>
    [Parameter]
    public string? OutFile { get; set; }

    /// <summary>Replace a task of the same name.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    protected override void EndProcessing()
    {
        FolderWatchSchedule schedule;
        try
        {
            var (program, leading) = FolderWatchSchedule.CurrentPowerShell();
            var manifest = System.IO.Path.Combine(MyInvocation.MyCommand.Module?.ModuleBase ?? AppContext.BaseDirectory, "GeminiImage.psd1");
            schedule = new FolderWatchSchedule(Name, Every, program, leading, manifest) { WatchedFolder = GetUnresolvedProviderPathFromPSPath(Path) };
        }
        catch (ArgumentException ex)
        {
            ThrowTerminatingError(ErrorRecords.From(ex, Every));
            return;
        }
        foreach (var name in s_forwarded)
        {
            if (!MyInvocation.BoundParameters.TryGetValue(name, out var value)) continue;
            schedule.With(name, value switch
            {
                SwitchParameter s => s.IsPresent,
                string[] list when s_paths.Contains(name) => list.Select(GetUnresolvedProviderPathFromPSPath).ToArray(),
                string text when s_paths.Contains(name) => GetUnresolvedProviderPathFromPSPath(text),
                TimeSpan span => span.ToString("c"),
                Uri uri => uri.AbsoluteUri,
                _ => value,
            });
        }

        if (RuntimeInformation.IsOSPlatform(OSPlatform.Windows)) RegisterWindows(schedule);
        else WriteUnix(schedule);
    }

    private void RegisterWindows(FolderWatchSchedule schedule)
    {
        var user = Environment.UserDomainName + "\\" + Environment.UserName;
        var xml = schedule.ToTaskXml(user, DateTime.Now);
        WriteVerbose(xml);
        var args = FolderWatchSchedule.JoinWindows(schedule.Arguments(windows: true));
        var what = $"Register task '{FolderWatchSchedule.TaskFolder}{Name}' for {user}, every {FolderWatchSchedule.Describe(Every)}, running: {schedule.Program} {args}";
        if (!ShouldProcess(what, what + "?", "Register-GeminiFolderWatchTask")) return;
        try
        {
            TaskSchedulerCli.Register(Name, xml, Force);
            WriteObject(TaskSchedulerCli.Query().FirstOrDefault(t => string.Equals(t.Name, Name, StringComparison.OrdinalIgnoreCase)));
        }
        catch (InvalidOperationException ex)
        {
            WriteError(new ErrorRecord(ex, "GeminiImage.TaskRegistrationFailed", ErrorCategory.InvalidOperation, Name));
        }
    }

    private void WriteUnix(FolderWatchSchedule schedule)
    {
        WriteWarning("Task Scheduler is Windows-only. Here is the same schedule for cron and for a systemd user timer; install one of them.");
        var text = schedule.ToUnixText();
        if (OutFile == null)
        {
            WriteObject(text);
            return;
        }
        var path = GetUnresolvedProviderPathFromPSPath(OutFile);
        if (!ShouldProcess(path, "Write the crontab line and systemd units")) return;
        if (File.Exists(path) && !Force)
        {
            WriteError(new ErrorRecord(new IOException($"'{path}' exists; use -Force to overwrite it."), "GeminiImage.OutputExists", ErrorCategory.ResourceExists, path));
            return;
        }
        File.WriteAllText(path, text);
        WriteObject(new FileInfo(path));
    }
}
