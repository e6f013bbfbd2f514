namespace GeminiImage.Engine.Ledger;

/// <summary>Outcome of <see cref="UsageLedger.Append"/>; appending never throws for storage problems.</summary>
public sealed class AppendResult
{
    internal AppendResult(bool stored, string? pendingPath, int foldedIn, Exception? error)
    {
        Stored = stored;
        PendingPath = pendingPath;
        FoldedIn = foldedIn;
        Error = error;
    }

    /// <summary>True when the record is in the database.</summary>
    public bool Stored { get; }

    /// <summary>The JSON-lines file the record went to instead, when the database could not be written.</summary>
    public string? PendingPath { get; }

    /// <summary>How many earlier pending records this append moved into the database.</summary>
    public int FoldedIn { get; }

    /// <summary>Why the database could not be written (or why even the pending file failed).</summary>
    public Exception? Error { get; }

    /// <summary>False only when the record could be written nowhere at all.</summary>
    public bool Saved => Stored || PendingPath != null;
}
