using GeminiImage.Engine.Generation;

namespace GeminiImage.Engine.Watch;

public enum WatchItemStatus
{
    /// <summary>Edited; the output is saved and the source moved to the processed folder.</summary>
    Succeeded,
    /// <summary>Not sent again: its output already existed (an earlier run saved it). The source moved to the processed folder.</summary>
    Skipped,
    /// <summary>Moved to the failed folder with a <c>.error.txt</c> beside it.</summary>
    Failed,
    /// <summary>Left in place for a later attempt: the service (not the file) failed.</summary>
    Deferred,
}

/// <summary>What happened to one file: the object Start-GeminiFolderWatch emits per file.</summary>
public sealed class FolderWatchResult
{
    public DateTime Time { get; set; } = DateTime.Now;
    public WatchItemStatus Status { get; set; }
    /// <summary>Where the file was found.</summary>
    public string SourcePath { get; set; } = "";
    public string Name => System.IO.Path.GetFileName(SourcePath);
    /// <summary>Where the source is now (processed or failed folder); null when it was left in place.</summary>
    public string? MovedTo { get; set; }
    /// <summary>The edited image.</summary>
    public string? OutputPath { get; set; }
    /// <summary>The edited image, as <see cref="OutputPath"/>: one name for a file across the module, so results pipe into the image cmdlets.</summary>
    public string? Path => OutputPath;
    public IReadOnlyList<GeminiImageResult> Images { get; set; } = Array.Empty<GeminiImageResult>();
    public decimal? Cost { get; set; }
    public TimeSpan Duration { get; set; }
    public string? ErrorId { get; set; }
    public string? Error { get; set; }
    /// <summary>The exception behind <see cref="Error"/>, for the cmdlet's error record.</summary>
    public Exception? Exception { get; set; }

    public override string ToString() => $"{Status} {SourcePath}";
}

/// <summary>Why a watch returned.</summary>
public enum WatchStopReason
{
    /// <summary>-Once: everything present was handled.</summary>
    Completed,
    Timeout,
    /// <summary>The budget was reached; remaining files wait in the folder.</summary>
    BudgetReached,
    /// <summary>The service kept failing (see <see cref="Resilience.FailureCircuit"/>).</summary>
    ServiceFailing,
    /// <summary>The output folder cannot be written; stopped before paying for more.</summary>
    OutputUnavailable,
    /// <summary>Stopped by Ctrl+C or a termination signal (SIGTERM).</summary>
    Stopped,
}

/// <summary>Totals of one run, and the process exit code a scheduled task should report.</summary>
public sealed class FolderWatchSummary
{
    public int Succeeded { get; set; }
    public int Skipped { get; set; }
    public int Failed { get; set; }
    public int Deferred { get; set; }
    public WatchStopReason StopReason { get; set; }
    /// <summary>How often a continuous watch paused for an outage or the budget and resumed.</summary>
    public int Pauses { get; set; }
    /// <summary>What the edits of this run cost (USD, known prices only).</summary>
    public decimal Cost { get; set; }
    public DateTime StartedUtc { get; set; } = DateTime.UtcNow;
    /// <summary>The error that stopped the run early (budget, service failing).</summary>
    public Exception? StopError { get; set; }

    /// <summary>0: every file handled; 1: a file failed or was deferred; 2: the run stopped early (budget, service failing, output folder, stopped).</summary>
    public int ExitCode => StopReason is WatchStopReason.BudgetReached or WatchStopReason.ServiceFailing or WatchStopReason.OutputUnavailable or WatchStopReason.Stopped
        ? 2 : Failed + Deferred > 0 ? 1 : 0;
}
