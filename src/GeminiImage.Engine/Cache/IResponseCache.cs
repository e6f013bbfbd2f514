namespace GeminiImage.Engine.Cache;

/// <summary>
/// Where responses are kept by their <see cref="CacheKey"/>: the per-user folder (<see cref="ResponseCache"/>) or the
/// team's database (<see cref="SharedResponseCache"/>). Both store the same entry (<see cref="ResponseCache.Encode"/>)
/// and check it the same way on every read.
/// </summary>
public interface IResponseCache
{
    /// <summary>Where the entries are, for messages: a folder, or the team database (never a password).</summary>
    string Location { get; }

    /// <summary>The entry with its image bytes, or null (absent, or damaged and now deleted). A hit marks the entry used.</summary>
    CacheEntry? TryGet(string key);

    /// <summary>Stores an entry unless one with its key is there (the first writer wins), then evicts down to the size bound.</summary>
    /// <returns>true when the entry is in the cache afterwards (stored now, or by another writer first).</returns>
    bool Put(CacheEntry entry);

    /// <summary>How many entries, how big, how full.</summary>
    CacheInfo GetInfo();

    /// <summary>Deletes every entry; how many.</summary>
    int Clear();
}
