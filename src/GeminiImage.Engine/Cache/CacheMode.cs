namespace GeminiImage.Engine.Cache;

/// <summary>How a generating call uses the response cache.</summary>
public enum CacheMode
{
    /// <summary>Never look, never store (the default: people usually want a fresh image).</summary>
    Off,
    /// <summary>Serve hits, but do not store new responses.</summary>
    ReadOnly,
    /// <summary>Serve hits and store every successful response.</summary>
    ReadWrite,
    /// <summary>
    /// Serve hits and store every successful response in the team's cache (the team ledger's PostgreSQL database):
    /// a request answered anywhere in the team costs nothing again, from New, Edit, batches and workers alike.
    /// </summary>
    Shared,
}
