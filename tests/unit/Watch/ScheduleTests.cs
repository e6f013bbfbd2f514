using System.Xml.Linq;
using GeminiImage.Engine.Watch;
using Xunit;

namespace GeminiImage.Tests.Watch;

public class ScheduleTests
{
    private static FolderWatchSchedule Make(TimeSpan every, string program = "/usr/bin/pwsh", string[]? leading = null) =>
        new FolderWatchSchedule("shots", every, program, leading ?? Array.Empty<string>(), "/opt/GeminiImage/GeminiImage.psd1") { WatchedFolder = "/in" }
            .With("Path", "/in")
            .With("Prompt", "it's 100% white")
            .With("OutputDirectory", "/out")
            .With("Filter", new[] { "*.png", "*.jpg" })
            .With("Recurse", true)
            .With("NoPromptLogging", false);

    [Fact]
    public void The_command_imports_this_module_runs_once_and_passes_the_exit_code()
    {
        Assert.Equal(
            "Import-Module '/opt/GeminiImage/GeminiImage.psd1' -ErrorAction Stop; Start-GeminiFolderWatch -Path '/in' -Prompt 'it''s 100% white' " +
            "-OutputDirectory '/out' -Filter '*.png','*.jpg' -Recurse -Once; exit $LASTEXITCODE",
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
        Assert.StartsWith("*/5 * * * * /usr/bin/pwsh -NoProfile -NonInteractive -Command 'Import-Module '\\''/opt/", lines[1]);
        Assert.Contains("100\\% white", lines[1]);
        Assert.DoesNotContain("ExecutionPolicy", lines[1]);
    }

    [Fact]
    public void Systemd_units_escape_dollar_and_percent_and_repeat_on_the_interval()
    {
        var schedule = Make(TimeSpan.FromMinutes(15), "/usr/share/dotnet/dotnet", new[] { "/tools/pwsh.dll" });
        var service = schedule.ToSystemdService();
        Assert.Contains("Type=oneshot", service);
        Assert.Contains("ExecStart=\"/usr/share/dotnet/dotnet\" \"/tools/pwsh.dll\" \"-NoProfile\"", service);
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
        Assert.StartsWith("-NoProfile -NonInteractive -ExecutionPolicy Bypass -Command \"Import-Module ", args);
        Assert.EndsWith("-Once; exit $LASTEXITCODE\"", args);

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
}
