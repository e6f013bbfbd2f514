namespace GeminiImage.Engine.Ledger;

/// <summary>A budget is set but the ledger cannot be written, so the spend cannot be reserved: nothing is sent.</summary>
public sealed class LedgerUnavailableException : GeminiImageException
{
    /// <summary>Creates the exception for the ledger at <paramref name="databasePath"/>.</summary>
    public LedgerUnavailableException(string databasePath, Exception inner)
        : base($"A budget is set, but the usage ledger '{databasePath}' cannot be written ({inner.Message}), so the cost cannot be reserved; nothing was sent.", inner)
        => DatabasePath = databasePath;

    /// <summary>The ledger file.</summary>
    public string DatabasePath { get; }

    /// <inheritdoc />
    public override string ErrorId => "GeminiImage.LedgerUnavailable";

    /// <inheritdoc />
    public override ErrorKind Kind => ErrorKind.ResourceUnavailable;

    /// <inheritdoc />
    public override string? RecommendedAction => "Make the data folder writable (or wait for the process that locks usage.db), then run again.";
}
