namespace GeminiImage.Cmdlets.Infrastructure;

/// <summary>The work queues of the team database for the queue cmdlets; a database that cannot be used stops the cmdlet.</summary>
internal static class QueueAccess
{
    /// <summary>The queues (the ledger's PostgreSQL server); a terminating error with <paramref name="target"/> when the ledger is SQLite or the settings are wrong.</summary>
    public static JobQueue Open(Cmdlet cmdlet, object? target)
    {
        try
        {
            return JobQueue.Open();
        }
        catch (GeminiImageException ex)
        {
            cmdlet.ThrowTerminatingError(ErrorRecords.From(ex, target));
            throw;
        }
    }
}
