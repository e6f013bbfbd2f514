using System.Diagnostics;

namespace GeminiImage.Engine.Watch;

/// <summary>
/// Windows Task Scheduler through schtasks.exe (present on every Windows since Vista, in Windows PowerShell and
/// PowerShell 7 alike). Watch tasks live in the <c>\GeminiImage\</c> task folder.
/// </summary>
public static class TaskSchedulerCli
{
    /// <summary>Creates (or with <paramref name="force"/> replaces) the task from its XML.</summary>
    public static void Register(string name, string taskXml, bool force)
    {
        var file = Path.Combine(Path.GetTempPath(), $"geminiimage-task-{Guid.NewGuid():N}.xml");
        try
        {
            // schtasks reads the XML as the encoding it declares (UTF-16).
            File.WriteAllText(file, taskXml, Encoding.Unicode);
            var args = new List<string> { "/Create", "/TN", FolderWatchSchedule.TaskFolder + name, "/XML", file };
            if (force) args.Add("/F");
            Run(args);
        }
        finally
        {
            try { File.Delete(file); } catch (IOException) { }
        }
    }

    public static void Unregister(string name) => Run(new[] { "/Delete", "/TN", FolderWatchSchedule.TaskFolder + name, "/F" });

    /// <summary>The watch tasks, with their state and last/next run as schtasks shows them (local formats).</summary>
    public static IReadOnlyList<FolderWatchTask> Query()
    {
        var tasks = new List<FolderWatchTask>();
        foreach (var row in ParseCsv(Run(new[] { "/Query", "/V", "/FO", "CSV", "/NH" })))
        {
            // Columns (fixed order, localized values): HostName, TaskName, Next Run Time, Status, Logon Mode, Last Run Time, Last Result, ...
            if (row.Count < 7 || !row[1].StartsWith(FolderWatchSchedule.TaskFolder, StringComparison.OrdinalIgnoreCase)) continue;
            var name = row[1].Substring(FolderWatchSchedule.TaskFolder.Length);
            if (tasks.Any(t => t.Name == name)) continue; // one row per trigger
            var task = FolderWatchTask.FromXml(name, Run(new[] { "/Query", "/TN", row[1], "/XML" }));
            task.NextRunTime = row[2];
            task.State = row[3];
            task.LastRunTime = row[5];
            task.LastResult = row[6];
            tasks.Add(task);
        }
        return tasks;
    }

    /// <summary>Splits schtasks CSV output: quoted fields, doubled quotes inside.</summary>
    public static IReadOnlyList<IReadOnlyList<string>> ParseCsv(string text)
    {
        var rows = new List<IReadOnlyList<string>>();
        foreach (var line in text.Split(new[] { '\r', '\n' }, StringSplitOptions.RemoveEmptyEntries))
        {
            var fields = new List<string>();
            var field = new StringBuilder();
            var quoted = false;
            for (var i = 0; i < line.Length; i++)
            {
                var c = line[i];
                if (quoted && c == '"' && i + 1 < line.Length && line[i + 1] == '"') { field.Append('"'); i++; }
                else if (c == '"') quoted = !quoted;
                else if (c == ',' && !quoted) { fields.Add(field.ToString()); field.Clear(); }
                else field.Append(c);
            }
            fields.Add(field.ToString());
            rows.Add(fields);
        }
        return rows;
    }

    private static string Run(IEnumerable<string> arguments)
    {
        var info = new ProcessStartInfo("schtasks.exe", FolderWatchSchedule.JoinWindows(arguments))
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            CreateNoWindow = true,
        };
        using var process = Process.Start(info)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"schtasks.exe failed (exit code {process.ExitCode}): {(stderr.Result + stdout).Trim()}");
        return stdout;
    }
}
