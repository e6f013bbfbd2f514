using GeminiImage.Engine.Watch;

namespace GeminiImage.Cmdlets.Commands;

/// <summary>Get-GeminiFolderWatchTask: the watch tasks in the \GeminiImage\ Task Scheduler folder (Windows).</summary>
[Cmdlet(VerbsCommon.Get, "GeminiFolderWatchTask")]
[OutputType(typeof(FolderWatchTask))]
public sealed class GetGeminiFolderWatchTaskCommand : PSCmdlet
{
    [Parameter(Position = 0)]
    [SupportsWildcards]
    public string Name { get; set; } = "*";

    protected override void EndProcessing()
    {
        FolderWatchTaskPlatform.ThrowIfNotWindows(this);
        var pattern = WildcardPattern.Get(Name, WildcardOptions.IgnoreCase);
        try
        {
            foreach (var task in TaskSchedulerCli.Query())
                if (pattern.IsMatch(task.Name)) WriteObject(task);
        }
        catch (InvalidOperationException ex)
        {
            WriteError(ErrorRecords.From(new GeminiOperationException("GeminiImage.TaskQueryFailed", ErrorKind.InvalidOperation, ex.Message, ex), Name));
        }
    }
}
