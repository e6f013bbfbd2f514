using System.Xml;
using System.Xml.Linq;
using System.Xml.Schema;
using GeminiImage.Engine.Errors;
using GeminiImage.Engine.Watch;
using Xunit;

namespace GeminiImage.Tests.Watch;

public class ScheduleTests
{
    private static FolderWatchSchedule Make(TimeSpan every, string program = "/usr/bin/pwsh", string prompt = "it's 100% white") =>
        new FolderWatchSchedule("shots", every, program, "/opt/GeminiImage/GeminiImage.psd1", "/home/ann/gi", "/home/ann/gi/logs") { WatchedFolder = "/in" }
            .With("Path", "/in")
            .With("Prompt", prompt)
            .With("OutputDirectory", "/out")
            .With("Filter", new[] { "*.png", "*.jpg" })
            .With("Recurse", true)
            .With("NoPromptLogging", false);

    [Fact]
    public void The_command_sets_the_data_folder_imports_this_module_runs_once_logs_and_passes_the_exit_code()
    {
        Assert.Equal(
            "$env:GEMINI_IMAGE_HOME = '/home/ann/gi'; $null = [IO.Directory]::CreateDirectory('/home/ann/gi/logs'); " +
            "$LASTEXITCODE = 2; & { Import-Module '/opt/GeminiImage/GeminiImage.psd1'; Start-GeminiFolderWatch -Path '/in' -Prompt 'it''s 100% white' " +
            "-OutputDirectory '/out' -Filter '*.png','*.jpg' -Recurse -Once } *>&1 | " +
            "Out-File -LiteralPath (Join-Path '/home/ann/gi/logs' ('watch-in-86121f-' + (Get-Date -Format 'yyyy-MM-dd') + '.output.log')) -Append -Encoding utf8; exit $LASTEXITCODE",
            Make(TimeSpan.FromMinutes(5)).PowerShellCommand);
    }

    [Theory]
    [InlineData(1, "* * * * *", false)]
    [InlineData(5, "*/5 * * * *", false)]
    [InlineData(60, "0 * * * *", false)]
    [InlineData(360, "0 */6 * * *", false)]
    [InlineData(1440, "0 0 * * *", false)]
    [InlineData(7, "*/7 * * * *", true)]
    [InlineData(90, "0 */1 * * *", true)]
    public void Cron_schedules(int minutes, string expected, bool approximate)
    {
        Assert.Equal(expected, Make(TimeSpan.FromMinutes(minutes)).CronSchedule(out var note));
        Assert.Equal(approximate, note != null);
    }

    [Fact]
    public void The_crontab_line_quotes_for_sh_and_escapes_percent()
    {
        var lines = Make(TimeSpan.FromMinutes(5)).ToCrontab().Split('\n');
        Assert.StartsWith("# GeminiImage folder watch 'shots'", lines[0]);
        Assert.StartsWith("*/5 * * * * /usr/bin/pwsh -NoProfile -NonInteractive -Command '$env:GEMINI_IMAGE_HOME = '\\''/home/ann/gi'\\''; ", lines[1]);
        Assert.Contains("100\\% white", lines[1]);
        Assert.DoesNotContain("ExecutionPolicy", lines[1]);
    }

    [Fact]
    public void Systemd_units_escape_dollar_and_percent_and_repeat_on_the_interval()
    {
        var schedule = Make(TimeSpan.FromMinutes(15), "/opt/microsoft/powershell/7/pwsh");
        var service = schedule.ToSystemdService();
        Assert.Contains("Type=oneshot", service);
        Assert.Contains("ExecStart=\"/opt/microsoft/powershell/7/pwsh\" \"-NoProfile\"", service);
        Assert.Contains("$$env:GEMINI_IMAGE_HOME = '/home/ann/gi'", service);
        Assert.Contains("100%% white", service);
        Assert.Contains("exit $$LASTEXITCODE\"", service);
        var timer = schedule.ToSystemdTimer();
        Assert.Contains("OnUnitActiveSec=900s", timer);
        Assert.Contains("Unit=geminiimage-watch-shots.service", timer);
        Assert.Contains("WantedBy=timers.target", timer);
    }

    [Fact]
    public void The_task_xml_repeats_runs_the_same_powershell_and_round_trips()
    {
        var schedule = Make(TimeSpan.FromMinutes(5), @"C:\Program Files\PowerShell\7\pwsh.exe");
        var xml = schedule.ToTaskXml(@"CONTOSO\ann", new DateTime(2025, 1, 2, 3, 4, 5));
        var doc = XDocument.Parse(xml);
        XNamespace t = "http://schemas.microsoft.com/windows/2004/02/mit/task";
        Assert.Equal("PT5M", doc.Descendants(t + "Interval").Single().Value);
        Assert.Equal("2025-01-02T03:04:05", doc.Descendants(t + "StartBoundary").Single().Value);
        Assert.Equal(@"\GeminiImage\shots", doc.Descendants(t + "URI").Single().Value);
        Assert.Equal("IgnoreNew", doc.Descendants(t + "MultipleInstancesPolicy").Single().Value);
        Assert.Equal(@"CONTOSO\ann", doc.Descendants(t + "UserId").Single().Value);
        Assert.Equal(@"C:\Program Files\PowerShell\7\pwsh.exe", doc.Descendants(t + "Command").Single().Value);
        var args = doc.Descendants(t + "Arguments").Single().Value;
        Assert.StartsWith("-NoProfile -NonInteractive -ExecutionPolicy Bypass -Command \"$env:GEMINI_IMAGE_HOME = ", args);
        Assert.EndsWith("-Append -Encoding utf8; exit $LASTEXITCODE\"", args);

        var task = FolderWatchTask.FromXml("shots", xml);
        Assert.Equal(TimeSpan.FromMinutes(5), task.Every);
        Assert.Equal(args, task.Arguments);
        Assert.Contains("every 5 minutes", task.Description);
    }

    [Theory]
    [InlineData("plain", "plain")]
    [InlineData("two words", "\"two words\"")]
    [InlineData("say \"hi\"", "\"say \\\"hi\\\"\"")]
    [InlineData(@"C:\dir\", "C:\\dir\\")]
    [InlineData(@"C:\my dir\", "\"C:\\my dir\\\\\"")]
    [InlineData("", "\"\"")]
    public void Windows_arguments_are_quoted_for_CommandLineToArgvW(string argument, string expected) =>
        Assert.Equal(expected, FolderWatchSchedule.QuoteWindows(argument));

    [Theory]
    [InlineData(0.5)]
    [InlineData(90.5)]
    [InlineData(60 * 24 * 32)]
    public void Intervals_cron_and_task_scheduler_cannot_run_are_refused(double minutes) =>
        Assert.Throws<ArgumentException>(() => Make(TimeSpan.FromMinutes(minutes)));

    [Fact]
    public void Schtasks_csv_is_split_with_quotes()
    {
        var rows = TaskSchedulerCli.ParseCsv("\"PC\",\"\\GeminiImage\\shots\",\"1/2/2025 3:05:00 AM\",\"Ready\",\"Interactive only\",\"N/A\",\"267011\"\r\n\"PC\",\"a \"\"b\"\", c\"\r\n");
        Assert.Equal(2, rows.Count);
        Assert.Equal(@"\GeminiImage\shots", rows[0][1]);
        Assert.Equal("267011", rows[0][6]);
        Assert.Equal("a \"b\", c", rows[1][1]);
    }

    // ---- Task Scheduler XML against the schema (issue 22) ------------------------------------------

    private static readonly XNamespace s_t = "http://schemas.microsoft.com/windows/2004/02/mit/task";

    private static void ValidateAgainstTaskSchema(string xml)
    {
        var schemas = new XmlSchemaSet();
        schemas.Add(s_t.NamespaceName, Path.Combine(TestData.Dir, "schemas", "task-scheduler-subset.xsd"));
        var errors = new List<string>();
        XDocument.Parse(xml).Validate(schemas, (_, e) => errors.Add(e.Message));
        Assert.True(errors.Count == 0, string.Join("\n", errors));
    }

    [Theory]
    [InlineData(@"C:\Windows\System32\WindowsPowerShell\v1.0\powershell.exe")]
    [InlineData(@"C:\Program Files\PowerShell\7\pwsh.exe")]
    public void The_task_xml_follows_the_task_scheduler_schema(string program) =>
        ValidateAgainstTaskSchema(Make(TimeSpan.FromMinutes(5), program).ToTaskXml(@"CONTOSO\ann", new DateTime(2025, 1, 2, 3, 4, 5)));

    [Fact]
    public void The_schema_check_rejects_a_trigger_in_the_wrong_order()
    {
        var doc = XDocument.Parse(Make(TimeSpan.FromMinutes(5)).ToTaskXml("ann", DateTime.Now));
        var trigger = doc.Descendants(s_t + "TimeTrigger").Single();
        var repetition = trigger.Element(s_t + "Repetition")!;
        repetition.Remove();
        trigger.AddFirst(repetition);
        Assert.ThrowsAny<Xunit.Sdk.XunitException>(() => ValidateAgainstTaskSchema(doc.ToString()));
    }

    [Fact]
    public void The_task_xml_has_no_percent_sign_and_powershell_still_gets_it()
    {
        var schedule = Make(TimeSpan.FromMinutes(5), @"C:\Program Files\PowerShell\7\pwsh.exe", "100% of %USERNAME%'s cat");
        var args = XDocument.Parse(schedule.ToTaskXml("ann", DateTime.Now)).Descendants(s_t + "Arguments").Single().Value;
        Assert.DoesNotContain("%", args);
        Assert.Contains("-Prompt ('100'+[char]37+' of '+[char]37+'USERNAME'+[char]37+'''s cat')", args);
        // cron and systemd keep their own escapes
        Assert.Contains(@"100\% of \%USERNAME\%", schedule.ToCrontab());
        Assert.Contains("100%% of %%USERNAME%%", schedule.ToSystemdService());
    }

    // ---- Control characters in schedule text (issue 21 point 7) ----------------------------------

    public static IEnumerable<object[]> ControlCharacters() =>
        new[] { "\n", "\r", "\t", "\0", "\u001b", "\u007f", "\u0085", "\u2028", "\u2029" }.Select(c => new object[] { c });

    [Theory]
    [MemberData(nameof(ControlCharacters))]
    public void Every_field_refuses_control_characters(string c)
    {
        var fields = new Action[]
        {
            () => Make(TimeSpan.FromMinutes(5), prompt: $"a cat{c}* * * * * touch /tmp/PWNED"),
            () => Make(TimeSpan.FromMinutes(5)).With("OutputDirectory", $"/out{c}x"),
            () => Make(TimeSpan.FromMinutes(5)).With("Filter", new[] { "*.png", $"*{c}.jpg" }),
            () => Make(TimeSpan.FromMinutes(5)).WatchedFolder = $"/in{c}",
            () => new FolderWatchSchedule("shots", TimeSpan.FromMinutes(5), $"/usr/bin/pwsh{c}", "/m.psd1", "/h", "/h/logs"),
            () => new FolderWatchSchedule("shots", TimeSpan.FromMinutes(5), "/usr/bin/pwsh", $"/m{c}.psd1", "/h", "/h/logs"),
            () => new FolderWatchSchedule("shots", TimeSpan.FromMinutes(5), "/usr/bin/pwsh", "/m.psd1", $"/h{c}", "/h/logs"),
            () => new FolderWatchSchedule("shots", TimeSpan.FromMinutes(5), "/usr/bin/pwsh", "/m.psd1", "/h", $"/h/logs{c}"),
            () => Make(TimeSpan.FromMinutes(5)).ToTaskXml($"ann{c}", DateTime.Now),
        };
        foreach (var field in fields)
            Assert.Equal(FolderWatchSchedule.UnsafeTextId, Assert.IsType<GeminiArgumentException>(Record.Exception(field)).ErrorId);
    }

    // ---- Which PowerShell the task runs (issue 22, issue 25 point 5) -----------------------------

    private sealed class Folder : IDisposable
    {
        public string Root { get; } = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "schedule-host-" + Guid.NewGuid().ToString("N"))).FullName;
        public string File(string relative)
        {
            var path = Path.Combine(Root, relative);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            System.IO.File.WriteAllText(path, "");
            return path;
        }
        public string Sub(string relative) => Directory.CreateDirectory(Path.Combine(Root, relative)).FullName;
        public void Dispose() => Directory.Delete(Root, recursive: true);
    }

    [Fact]
    public void Windows_PowerShell_runs_powershell_exe_from_PSHOME_whatever_the_host()
    {
        using var f = new Folder();
        var psHome = f.Sub("WindowsPowerShell/v1.0");
        f.File("WindowsPowerShell/v1.0/powershell_ise.exe");
        var expected = f.File("WindowsPowerShell/v1.0/powershell.exe");
        Assert.Equal(expected, ScheduleHost.Select("Desktop", psHome, windows: true, path: f.Sub("bin")));
    }

    [Fact]
    public void A_host_that_cannot_run_a_task_is_refused()
    {
        using var f = new Folder();
        var noPowerShell = f.Sub("customhost");
        Assert.Equal(ScheduleHost.UnavailableId, Assert.IsType<GeminiArgumentException>(Record.Exception(() => ScheduleHost.Select("Desktop", noPowerShell, true, null))).ErrorId);
        Assert.Equal(ScheduleHost.UnavailableId, Assert.IsType<GeminiArgumentException>(Record.Exception(() => ScheduleHost.Select(null, noPowerShell, false, null))).ErrorId);
    }

    [Fact]
    public void PowerShell_7_runs_the_installed_pwsh_on_PATH_not_the_package_cache()
    {
        using var f = new Folder();
        var cache = f.Sub(".nuget/packages/powershell/7.6.9/tools/net10.0/any/unix");
        f.File(".nuget/packages/powershell/7.6.9/tools/net10.0/any/unix/pwsh");
        var installed = f.File("usr/local/bin/pwsh");
        var path = f.Sub("empty") + Path.PathSeparator + Path.GetDirectoryName(installed);
        Assert.Equal(installed, ScheduleHost.Select("Core", cache, windows: false, path));
        Assert.Equal(ScheduleHost.UnavailableId, Assert.IsType<GeminiArgumentException>(Record.Exception(() => ScheduleHost.Select("Core", cache, false, f.Sub("empty")))).ErrorId);
        var toolStore = f.File(".dotnet/tools/.store/powershell/7.6.9/pwsh");
        Assert.Equal(ScheduleHost.UnavailableId, Assert.IsType<GeminiArgumentException>(Record.Exception(() => ScheduleHost.Select("Core", Path.GetDirectoryName(toolStore)!, false, null))).ErrorId);
    }

    [Fact]
    public void PowerShell_7_falls_back_to_an_installed_PSHOME()
    {
        using var f = new Folder();
        var pwsh = f.File("opt/microsoft/powershell/7/pwsh");
        Assert.Equal(pwsh, ScheduleHost.Select("Core", Path.GetDirectoryName(pwsh)!, windows: false, path: null));
    }
}
