namespace GeminiImage.Engine.Cache;

/// <summary>Which response cache a <see cref="CacheMode"/> uses.</summary>
public static class ResponseCaches
{
    /// <summary>
    /// The team's (<see cref="SharedResponseCache"/>, in the team ledger's database) for <see cref="CacheMode.Shared"/>,
    /// else the per-user folder's; bounded by <paramref name="maxBytes"/>. Shared with the SQLite ledger in effect is a
    /// <see cref="Ledger.LedgerException"/> (TeamLedgerRequired).
    /// </summary>
    public static IResponseCache Open(CacheMode mode, long maxBytes) =>
        mode == CacheMode.Shared ? SharedResponseCache.Open(maxBytes) : new ResponseCache(null, maxBytes);
}
