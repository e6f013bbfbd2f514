namespace GeminiImage.Engine.Ledger;

/// <summary>Settings of a <see cref="UsageLedger"/>; the defaults suit the module.</summary>
public sealed class UsageLedgerOptions
{
    /// <summary>Folder of usage.db and usage-pending.jsonl; default <see cref="Ledger.DataFolder.Default"/>.</summary>
    public string? DataFolder { get; set; }

    /// <summary>Folder for the pending file when the data folder cannot be written; default <see cref="Ledger.DataFolder.Temp"/>.</summary>
    public string? TempFolder { get; set; }

    /// <summary>Strings that must never reach the ledger (the API key); any occurrence in a record's text becomes "***".</summary>
    public IEnumerable<string?>? Secrets { get; set; }

    /// <summary>How long a write waits for another process's lock before the record goes to the pending file.</summary>
    public TimeSpan BusyTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Clock (UTC) for "today" and "this month"; default <see cref="DateTime.UtcNow"/>. A delegate rather than
    /// TimeProvider, whose netstandard2.0 package type differs from the one in PowerShell 7's runtime.
    /// </summary>
    public Func<DateTime>? UtcNow { get; set; }
}
