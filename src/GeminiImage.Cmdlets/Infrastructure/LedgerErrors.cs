namespace GeminiImage.Cmdlets.Infrastructure;

/// <summary>Error records of the ledger cmdlets.</summary>
internal static class LedgerErrors
{
    /// <summary>The ledger could not be read: a team ledger's own error, or GeminiImage.LedgerUnavailable (ReadError).</summary>
    public static System.Management.Automation.ErrorRecord Unavailable(Exception exception, string path) =>
        ErrorRecords.From(exception is LedgerException ? exception : LedgerUnavailableException.Unreadable(path, exception), path);
}
