namespace GeminiImage.Cmdlets.Infrastructure;

/// <summary>Error records of the ledger cmdlets.</summary>
internal static class LedgerErrors
{
    /// <summary>The ledger could not be read (locked past the busy timeout, unreadable or damaged file; a team ledger's own error).</summary>
    public static System.Management.Automation.ErrorRecord Unavailable(Exception exception, string path) => exception is LedgerException
        ? ErrorRecords.From(exception, path)
        : new(new System.IO.IOException($"The usage ledger '{path}' could not be read: {exception.Message}", exception),
            "GeminiImage.LedgerUnavailable", System.Management.Automation.ErrorCategory.ReadError, path)
        {
            ErrorDetails = new System.Management.Automation.ErrorDetails($"The usage ledger '{path}' could not be read: {exception.Message}")
            {
                RecommendedAction = "Try again when other GeminiImage processes have finished writing; check that the data folder (GEMINI_IMAGE_HOME) is readable.",
            },
        };
}
