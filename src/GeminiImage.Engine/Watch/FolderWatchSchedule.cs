using System.Text.RegularExpressions;
using System.Xml;
using System.Xml.Linq;
using GeminiImage.Engine.Ledger;

namespace GeminiImage.Engine.Watch;

/// <summary>
/// A scheduled <c>Start-GeminiFolderWatch ... -Once</c> run, rendered for each scheduler: Task Scheduler XML on Windows,
/// a crontab line and systemd service/timer units elsewhere. The API key is never part of any of them.
/// </summary>
public sealed class FolderWatchSchedule
{
    public const string TaskFolder = @"\GeminiImage\";
    private static readonly XNamespace s_task = "http://schemas.microsoft.com/windows/2004/02/mit/task";
    private readonly List<KeyValuePair<string, object?>> _parameters = new();
    private string? _watchedFolder;

    /// <param name="program">An installed PowerShell (see <see cref="ScheduleHost.Select"/>), never a build or cache folder.</param>
    /// <param name="dataHome">The data folder the run spends into (GEMINI_IMAGE_HOME): the same ledger and budgets as this session.</param>
    /// <param name="logDirectory">Where the watch log is; the run's console output is appended to it.</param>
    public FolderWatchSchedule(string name, TimeSpan every, string program, string moduleManifest, string dataHome, string logDirectory)
    {
        if (!IsValidName(name)) throw new ArgumentException($"'{name}' is not a valid task name: use letters, digits, '-', '_' and '.' (at most 64).", nameof(name));
        if (every < TimeSpan.FromMinutes(1) || every > TimeSpan.FromDays(31) || every.Ticks % TimeSpan.TicksPerMinute != 0)
            throw new ArgumentException("-Every must be whole minutes, from 1 minute to 31 days.", nameof(every));
        Name = name;
        Every = every;
        Program = CheckText("The PowerShell path", program);
        ModuleManifest = CheckText("The module path", moduleManifest);
        DataHome = CheckText("The data folder", dataHome);
        LogDirectory = CheckText("The log folder", logDirectory);
    }

    public string Name { get; }
    public TimeSpan Every { get; }
    /// <summary>The PowerShell executable the scheduler starts.</summary>
    public string Program { get; }
    public string ModuleManifest { get; }
    /// <summary>The data folder (GEMINI_IMAGE_HOME) the scheduled run uses: cron and Task Scheduler start with another environment.</summary>
    public string DataHome { get; }
    /// <summary>The watch log folder; the run's console output is appended to the day's watch log there.</summary>
    public string LogDirectory { get; }

    /// <summary>Folder being watched, for descriptions.</summary>
    public string? WatchedFolder
    {
        get => _watchedFolder;
        set => _watchedFolder = value == null ? null : CheckText("The watched folder", value);
    }

    public static bool IsValidName(string name) => Regex.IsMatch(name ?? "", @"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$");

    /// <summary>Adds a Start-GeminiFolderWatch parameter: a string, a string array, an int, or true for a switch (null/false/empty are left out).</summary>
    public FolderWatchSchedule With(string parameter, object? value)
    {
        if (value is null or false || value is string s && s.Length == 0 || value is string[] a && a.Length == 0) return this;
        if (value is string text) CheckText("-" + parameter, text);
        if (value is string[] texts) foreach (var t in texts) CheckText("-" + parameter, t);
        _parameters.Add(new KeyValuePair<string, object?>(parameter, value));
        return this;
    }

    /// <summary>The PowerShell the scheduler runs (quoted for cron and systemd; see <see cref="TaskCommand"/> for Task Scheduler).</summary>
    public string PowerShellCommand => Command(QuotePowerShell);

    /// <summary>The same command with no <c>%</c> in it: Task Scheduler expands <c>%NAME%</c> in an action's arguments and has no escape for it.</summary>
    public string TaskCommand => Command(QuotePowerShellWithoutPercent);

    /// <summary>
    /// Sets GEMINI_IMAGE_HOME (a scheduler starts with another environment), imports this module by path, runs one pass and
    /// appends everything it writes to the day's watch log (the file <see cref="WatchLog"/> writes). The exit code is the
    /// watch's (0 ok, 1 a file failed, 2 stopped early); 2 also when the module or the watch could not start.
    /// </summary>
    private string Command(Func<string, string> quote)
    {
        var command = new StringBuilder()
            .Append("$env:").Append(DataFolder.HomeVariable).Append(" = ").Append(quote(DataHome)).Append("; ")
            .Append("$null = [IO.Directory]::CreateDirectory(").Append(quote(LogDirectory)).Append("); ")
            .Append("$LASTEXITCODE = 2; & { Import-Module ").Append(quote(ModuleManifest)).Append("; Start-GeminiFolderWatch");
        foreach (var p in _parameters)
        {
            command.Append(" -").Append(p.Key);
            switch (p.Value)
            {
                case true: break;
                case string[] values: command.Append(' ').Append(string.Join(",", values.Select(quote))); break;
                case string value: command.Append(' ').Append(quote(value)); break;
                case IFormattable number: command.Append(' ').Append(number.ToString(null, CultureInfo.InvariantCulture)); break;
                default: command.Append(' ').Append(quote(Convert.ToString(p.Value, CultureInfo.InvariantCulture) ?? "")); break;
            }
        }
        // Beside the watch's own log (WatchLog: <stem>-<date>.log), the run's console output goes to <stem>-<date>.output.log:
        // one pair per watched folder. Not the same file: Out-File holds it without write sharing, so on Windows the
        // watcher's own lines would be refused. Out-File, not *>>: Windows PowerShell's >> writes UTF-16.
        var stem = WatchedFolder == null ? "watch" : WatchLog.StemFor(WatchedFolder);
        return command.Append(" -Once } *>&1 | Out-File -LiteralPath (Join-Path ").Append(quote(LogDirectory))
            .Append(" (").Append(quote(stem + "-")).Append(" + (Get-Date -Format 'yyyy-MM-dd') + '.output.log')) -Append -Encoding utf8; exit $LASTEXITCODE").ToString();
    }

    /// <summary>Arguments after the program; <paramref name="windows"/> (Task Scheduler) adds <c>-ExecutionPolicy Bypass</c> (the format file is a script file to a Restricted policy) and uses <see cref="TaskCommand"/>.</summary>
    public IReadOnlyList<string> Arguments(bool windows)
    {
        var args = new List<string> { "-NoProfile", "-NonInteractive" };
        if (windows) args.AddRange(new[] { "-ExecutionPolicy", "Bypass" });
        args.Add("-Command");
        args.Add(windows ? TaskCommand : PowerShellCommand);
        return args;
    }

    public string Description => $"GeminiImage folder watch '{Name}'" + (WatchedFolder != null ? $" of '{WatchedFolder}'" : "") + $", every {Describe(Every)}.";

    // ---- Windows Task Scheduler ---------------------------------------------------------------------

    /// <summary>Task Scheduler 1.2 XML: a time trigger repeating every <see cref="Every"/>, no overlapping runs, run as <paramref name="userId"/> when logged on.</summary>
    public string ToTaskXml(string userId, DateTime startLocal)
    {
        CheckText("The user", userId);
        if (Program.IndexOf('%') >= 0) throw Unsafe($"The PowerShell path '{Program}' contains '%', which Task Scheduler would expand.");
        var t = s_task;
        var doc = new XElement(t + "Task", new XAttribute("version", "1.2"),
            new XElement(t + "RegistrationInfo",
                new XElement(t + "Source", "GeminiImage"),
                new XElement(t + "Description", Description),
                new XElement(t + "URI", TaskFolder + Name)),
            new XElement(t + "Triggers",
                // A trigger's children are an xs:sequence in the schema: Enabled, StartBoundary, EndBoundary, Repetition, ...
                new XElement(t + "TimeTrigger",
                    new XElement(t + "Enabled", "true"),
                    new XElement(t + "StartBoundary", startLocal.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture)),
                    new XElement(t + "Repetition",
                        new XElement(t + "Interval", XmlConvert.ToString(Every)),
                        new XElement(t + "StopAtDurationEnd", "false")))),
            new XElement(t + "Principals",
                new XElement(t + "Principal", new XAttribute("id", "Author"),
                    new XElement(t + "UserId", userId),
                    new XElement(t + "LogonType", "InteractiveToken"),
                    new XElement(t + "RunLevel", "LeastPrivilege"))),
            new XElement(t + "Settings",
                new XElement(t + "MultipleInstancesPolicy", "IgnoreNew"),
                new XElement(t + "DisallowStartIfOnBatteries", "false"),
                new XElement(t + "StopIfGoingOnBatteries", "false"),
                new XElement(t + "StartWhenAvailable", "true"),
                new XElement(t + "ExecutionTimeLimit", "PT12H"),
                new XElement(t + "Enabled", "true")),
            new XElement(t + "Actions", new XAttribute("Context", "Author"),
                new XElement(t + "Exec",
                    new XElement(t + "Command", Program),
                    new XElement(t + "Arguments", JoinWindows(Arguments(windows: true))))));
        return "<?xml version=\"1.0\" encoding=\"UTF-16\"?>" + Environment.NewLine + doc.ToString();
    }

    /// <summary>Joins arguments for CreateProcess / CommandLineToArgvW: quotes when needed, backslashes before quotes doubled.</summary>
    public static string JoinWindows(IEnumerable<string> arguments) => string.Join(" ", arguments.Select(QuoteWindows));

    public static string QuoteWindows(string argument)
    {
        if (argument.Length > 0 && argument.IndexOfAny(new[] { ' ', '\t', '"' }) < 0) return argument;
        var quoted = new StringBuilder("\"");
        var backslashes = 0;
        foreach (var c in argument)
        {
            if (c == '\\') { backslashes++; continue; }
            if (c == '"') quoted.Append('\\', backslashes * 2 + 1);
            else quoted.Append('\\', backslashes);
            backslashes = 0;
            quoted.Append(c);
        }
        return quoted.Append('\\', backslashes * 2).Append('"').ToString();
    }

    // ---- cron and systemd ---------------------------------------------------------------------------

    /// <summary>The cron schedule; <paramref name="note"/> says when cron can only approximate the interval.</summary>
    public string CronSchedule(out string? note)
    {
        note = null;
        var minutes = (int)Every.TotalMinutes;
        if (minutes < 60 && 60 % minutes == 0) return minutes == 1 ? "* * * * *" : $"*/{minutes} * * * *";
        if (minutes % 60 == 0)
        {
            var hours = minutes / 60;
            if (hours < 24 && 24 % hours == 0) return hours == 1 ? "0 * * * *" : $"0 */{hours} * * *";
            if (hours == 24) return "0 0 * * *";
        }
        note = $"cron cannot run exactly every {Describe(Every)}; this line is the nearest it can do (the systemd timer is exact).";
        return minutes < 60 ? $"*/{minutes} * * * *" : minutes < 24 * 60 ? $"0 */{Math.Max(1, minutes / 60)} * * *" : "0 0 * * *";
    }

    /// <summary>One crontab line (with a comment line above); <c>%</c> is escaped as cron requires.</summary>
    public string ToCrontab()
    {
        var schedule = CronSchedule(out var note);
        var command = string.Join(" ", new[] { Program }.Concat(Arguments(windows: false)).Select(QuoteSh)).Replace("%", "\\%");
        return $"# {Description}" + (note != null ? $" Note: {note}" : "") + "\n" + schedule + " " + command;
    }

    public string SystemdUnitName => "geminiimage-watch-" + Regex.Replace(Name, "[^A-Za-z0-9_.-]", "-");

    public string ToSystemdService()
    {
        var exec = string.Join(" ", new[] { Program }.Concat(Arguments(windows: false)).Select(QuoteSystemd));
        return "[Unit]\n" +
               $"Description={Description.Replace("%", "%%")}\n" +
               "Wants=network-online.target\n" +
               "After=network-online.target\n" +
               "\n[Service]\n" +
               "Type=oneshot\n" +
               "# The API key never goes here: use -ApiKeyFile, or a file readable only by you (chmod 600) holding GEMINI_API_KEY=...\n" +
               "#EnvironmentFile=%h/.config/geminiimage/watch.env\n" +
               $"ExecStart={exec}\n";
    }

    public string ToSystemdTimer() =>
        "[Unit]\n" +
        $"Description=Run {SystemdUnitName}.service every {Describe(Every)}\n" +
        "\n[Timer]\n" +
        "OnBootSec=1min\n" +
        $"OnUnitActiveSec={(int)Every.TotalSeconds}s\n" +
        "AccuracySec=1s\n" +
        $"Unit={SystemdUnitName}.service\n" +
        "\n[Install]\n" +
        "WantedBy=timers.target\n";

    /// <summary>Everything a non-Windows user needs, as one text: the crontab line and both units with where to put them.</summary>
    public string ToUnixText() =>
        "# Task Scheduler is Windows-only. The same schedule with cron or a systemd user timer:\n" +
        "#\n# --- crontab (crontab -e, then add this line) ---\n" +
        ToCrontab() + "\n" +
        $"#\n# --- systemd: ~/.config/systemd/user/{SystemdUnitName}.service ---\n" +
        ToSystemdService() +
        $"#\n# --- systemd: ~/.config/systemd/user/{SystemdUnitName}.timer ---\n" +
        ToSystemdTimer() +
        "#\n# Then: systemctl --user daemon-reload && systemctl --user enable --now " + SystemdUnitName + ".timer\n" +
        "# (loginctl enable-linger $USER keeps user timers running while you are logged out.)\n";

    public static string QuotePowerShell(string value) => "'" + Regex.Replace(value, "['\u2018\u2019\u201A\u201B]", m => m.Value + m.Value) + "'";

    /// <summary>Like <see cref="QuotePowerShell"/>, with each <c>%</c> written as <c>[char]37</c>: <c>('100'+[char]37+' white')</c>.</summary>
    public static string QuotePowerShellWithoutPercent(string value) =>
        value.IndexOf('%') < 0 ? QuotePowerShell(value) : "(" + string.Join("+[char]37+", value.Split('%').Select(QuotePowerShell)) + ")";

    public const string UnsafeTextId = "GeminiImage.UnsafeScheduleText";

    /// <summary>
    /// Schedule text is line-based (a crontab line, unit files) or a command line in XML: a line break or any other control
    /// character in a prompt or path could add a cron line or a unit directive, so none is accepted, in any field.
    /// </summary>
    public static string CheckText(string what, string value)
    {
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (char.IsControl(c) || c == '\u2028' || c == '\u2029')
                throw Unsafe($"{what} contains the control character U+{(int)c:X4} at position {i + 1}: a scheduled task cannot carry line breaks, tabs or other control characters. Remove it and register again.");
        }
        return value;
    }

    private static GeminiArgumentException Unsafe(string message) => new(UnsafeTextId, message);

    public static string QuoteSh(string value) =>
        value.Length > 0 && Regex.IsMatch(value, @"^[A-Za-z0-9_@%+=:,./-]+$") ? value : "'" + value.Replace("'", "'\\''") + "'";

    /// <summary>systemd command-line quoting: double quotes with C escapes; <c>$</c> and <c>%</c> doubled (systemd expands them).</summary>
    public static string QuoteSystemd(string value) =>
        "\"" + value.Replace("\\", "\\\\").Replace("\"", "\\\"").Replace("$", "$$").Replace("%", "%%") + "\"";

    public static string Describe(TimeSpan every) =>
        every.TotalDays >= 1 && every.Ticks % TimeSpan.TicksPerDay == 0 ? Plural((int)every.TotalDays, "day")
        : every.TotalHours >= 1 && every.Ticks % TimeSpan.TicksPerHour == 0 ? Plural((int)every.TotalHours, "hour")
        : Plural((int)every.TotalMinutes, "minute");

    private static string Plural(int n, string unit) => n == 1 ? unit : $"{n} {unit}s";
}

/// <summary>A registered watch task, as Get-GeminiFolderWatchTask shows it.</summary>
public sealed class FolderWatchTask
{
    public string Name { get; set; } = "";
    public string TaskPath { get; set; } = FolderWatchSchedule.TaskFolder;
    public TimeSpan? Every { get; set; }
    public string? State { get; set; }
    public string? NextRunTime { get; set; }
    public string? LastRunTime { get; set; }
    public string? LastResult { get; set; }
    public string? Description { get; set; }
    public string? Program { get; set; }
    public string? Arguments { get; set; }

    /// <summary>Reads what the task XML says (interval, command, description).</summary>
    public static FolderWatchTask FromXml(string name, string xml)
    {
        var doc = XDocument.Parse(xml);
        XNamespace t = doc.Root?.Name.Namespace ?? XNamespace.None;
        var interval = doc.Descendants(t + "Interval").FirstOrDefault()?.Value;
        return new FolderWatchTask
        {
            Name = name,
            Every = interval != null ? XmlConvert.ToTimeSpan(interval) : null,
            Description = doc.Descendants(t + "Description").FirstOrDefault()?.Value,
            Program = doc.Descendants(t + "Command").FirstOrDefault()?.Value,
            Arguments = doc.Descendants(t + "Arguments").FirstOrDefault()?.Value,
        };
    }
}
