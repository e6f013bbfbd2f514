namespace GeminiImage.Engine.Ledger;

/// <summary>
/// The usage ledger cannot be used: written before a paid call while a budget is set (nothing is sent), or read for a
/// report (<see cref="Unreadable"/>).
/// </summary>
public sealed class LedgerUnavailableException : GeminiImageException
{
    /// <summary>The id of both flavours.</summary>
    public const string Id = "GeminiImage.LedgerUnavailable";

    /// <summary>A budget is set but the ledger at <paramref name="databasePath"/> cannot be written: nothing was sent.</summary>
    public LedgerUnavailableException(string databasePath, Exception inner)
        : this(databasePath, inner, ErrorKind.ResourceUnavailable,
            $"A budget is set, but the usage ledger '{databasePath}' cannot be written ({inner.Message}), so the cost cannot be reserved; nothing was sent.",
            "Make the data folder writable (or wait for the process that locks usage.db), then run again.") { }

    private LedgerUnavailableException(string databasePath, Exception inner, ErrorKind kind, string message, string recommendedAction)
        : base(Id, kind, message, inner, recommendedAction) => DatabasePath = databasePath;

    /// <summary>The ledger could not be read (locked past the busy timeout, unreadable or damaged file).</summary>
    public static LedgerUnavailableException Unreadable(string databasePath, Exception inner) => new(databasePath, inner, ErrorKind.ReadError,
        $"The usage ledger '{databasePath}' could not be read: {inner.Message}",
        "Try again when other GeminiImage processes have finished writing; check that the data folder (GEMINI_IMAGE_HOME) is readable.");

    /// <summary>The ledger file.</summary>
    public string DatabasePath { get; }
}
