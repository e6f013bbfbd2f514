using GeminiImage.Engine.Watch;

namespace GeminiImage.Cmdlets.Commands;

/// <summary>
/// Register-GeminiFolderWatchTask: runs <c>Start-GeminiFolderWatch ... -Once</c> on an interval. Windows: a Task Scheduler
/// task with the installed PowerShell of this edition (<see cref="ScheduleHost"/>). Elsewhere: the equivalent crontab
/// line and systemd units, as text.
/// </summary>
[Cmdlet(VerbsLifecycle.Register, "GeminiFolderWatchTask", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(FolderWatchTask), typeof(string), typeof(FileInfo))]
public sealed class RegisterGeminiFolderWatchTaskCommand : GeminiGenerationCmdlet
{
    // Register's own parameters; every other one given is Start-GeminiFolderWatch's and goes on the task's command line.
    private static readonly HashSet<string> s_own = new(StringComparer.OrdinalIgnoreCase) { "Name", "Every", "OutFile", "Force" };
    // The order of the command line: what is watched first, then the rest in the order given.
    private static readonly string[] s_first = { "Path", "Prompt", "OutputDirectory" };
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

    // -Model, -AspectRatio, -ImageSize, -ReferenceImage, -Tag, the request options and the connection: the base's.

    // Not parameters here, as on Start-GeminiFolderWatch: the prompt goes as written, every dropped image is a new edit.
    public override string? Style { get => null; set { } }
    public override SwitchParameter Cache { get => default; set { } }

    // Not parameters here: a secret never goes on a command line (the key comes from -ApiKeyFile).
    public override SecureString? ApiKey { get => null; set { } }
    public override PSCredential? ProxyCredential { get => null; set { } }
    public override Hashtable? Header { get => null; set { } }

    [Parameter] public string? Suffix { get; set; }
    [Parameter] public TimeSpan Timeout { get; set; }
    [Parameter] public string? ApiKeyFile { get; set; }

    /// <summary>Not on Windows: write the crontab line and systemd units to this file instead of the output.</summary>
    [Parameter]
    public string? OutFile { get; set; }

    /// <summary>Replace a task of the same name.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    protected override void EndProcessing()
    {
        var windows = RuntimeInformation.IsOSPlatform(OSPlatform.Windows);
        FolderWatchSchedule schedule;
        try
        {
            // Checked first, with the model this session would use: a task that fails every run helps no one.
            BuildRequest(Prompt, ResolveModel());
            // The installed PowerShell of this edition, not this process (the ISE, a custom host, dotnet + a cached pwsh.dll).
            var program = ScheduleHost.Select(
                SessionState.PSVariable.GetValue("PSEdition") as string, (string)SessionState.PSVariable.GetValue("PSHOME"), windows, Environment.GetEnvironmentVariable("PATH"));
            var manifest = System.IO.Path.Combine(MyInvocation.MyCommand.Module?.ModuleBase ?? AppContext.BaseDirectory, "GeminiImage.psd1");
            var dataHome = DataFolder.Default;
            var logDirectory = LogDirectory != null ? GetUnresolvedProviderPathFromPSPath(LogDirectory) : System.IO.Path.Combine(dataHome, "logs");
            schedule = new FolderWatchSchedule(Name, Every, program, manifest, dataHome, logDirectory) { WatchedFolder = GetUnresolvedProviderPathFromPSPath(Path) };
            foreach (var name in Forwarded())
            {
                var value = MyInvocation.BoundParameters[name];
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
        }
        catch (Exception ex) when (ex is ArgumentException or GeminiImageException)
        {
            ThrowTerminatingError(ErrorRecords.From(ex, Name));
            return;
        }
        catch (SessionStateException ex) when (ex is System.Management.Automation.DriveNotFoundException or ProviderNotFoundException)
        {
            // A Windows path such as D:\Drop on Linux: this machine has no such drive.
            ThrowTerminatingError(ErrorRecords.From(new GeminiNotFoundException("GeminiImage.PathNotFound",
                $"'{ex.ItemName}' is not a drive on this machine, so a path on it cannot be scheduled here ({ex.Message}).", ex), ex.ItemName));
            return;
        }
        WarnAboutKey();

        if (windows) RegisterWindows(schedule);
        else WriteUnix(schedule);
    }

    /// <summary>The parameters given that Start-GeminiFolderWatch takes, in command-line order (common parameters stay here).</summary>
    private IEnumerable<string> Forwarded()
    {
        var given = MyInvocation.BoundParameters.Keys
            .Where(name => !s_own.Contains(name) && !CommonParameters.Contains(name) && !OptionalCommonParameters.Contains(name))
            .ToList();
        return s_first.Where(given.Contains).Concat(given.Where(name => !s_first.Contains(name)));
    }

    /// <summary>The scheduled run has none of this session's settings: its key comes only from -ApiKeyFile (or the scheduler's environment).</summary>
    private void WarnAboutKey()
    {
        if (ApiKeyFile == null)
        {
            WriteWarning("No -ApiKeyFile: the scheduled run gets no API key from this session, only from GEMINI_API_KEY in the scheduler's environment. Pass -ApiKeyFile with a file only you can read.");
            return;
        }
        var keyFile = GetUnresolvedProviderPathFromPSPath(ApiKeyFile);
        // Every run would fail without its key: refused now, as a missing key file is at a call.
        if (!File.Exists(keyFile))
            ThrowTerminatingError(ErrorRecords.From(new GeminiNotFoundException("GeminiImage.ApiKeyNotFound", $"The API key file '{keyFile}' does not exist."), ApiKeyFile));
        if (KeyFilePermissions.ReadableByOthers(keyFile) is { } mode)
            WriteWarning($"The API key file '{keyFile}' can be read by other users (mode {mode}). Make it private: chmod 600 '{keyFile}'.");
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
            WriteError(ErrorRecords.From(new GeminiOperationException("GeminiImage.TaskRegistrationFailed", ErrorKind.InvalidOperation, ex.Message, ex), Name));
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
            WriteError(ErrorRecords.From(new OutputExistsException(path), path));
            return;
        }
        try { File.WriteAllText(path, text); }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            WriteError(ErrorRecords.From(new OutputUnusableException(OutputUnusableException.FolderUnavailableId, path, $"The schedule cannot be written to '{path}': {ex.Message}"), path));
            return;
        }
        WrittenFile.Write(this, path);
    }
}
