namespace GeminiImage.Cmdlets.Infrastructure;

/// <summary>Helpers shared by the ledger cmdlets.</summary>
internal static class LedgerParameters
{
    /// <summary>
    /// A -Since/-Until value as UTC. A date typed without a zone ([datetime]'2025-06-01', Kind Unspecified) is local
    /// time, as everywhere else in PowerShell.
    /// </summary>
    public static DateTime? ToUtc(DateTime? value) => value switch
    {
        null => null,
        { Kind: DateTimeKind.Utc } v => v,
        { Kind: DateTimeKind.Local } v => v.ToUniversalTime(),
        var v => DateTime.SpecifyKind(v.Value, DateTimeKind.Local).ToUniversalTime(),
    };

    /// <summary>The ledger in effect (Set-GeminiConfig -Ledger), or null for a SQLite ledger never written (so a query creates nothing).</summary>
    public static IUsageLedger? OpenExisting()
    {
        var ledger = LedgerSettings.Open(new UsageLedgerOptions { DataFolder = DataFolder.Default });
        return ledger.Exists ? ledger : null;
    }
}
