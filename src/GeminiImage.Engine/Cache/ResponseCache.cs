using System.Security.Cryptography;
using GeminiImage.Engine.Ledger;

namespace GeminiImage.Engine.Cache;

/// <summary>
/// The response cache: one file per response under <c>&lt;data folder&gt;/cache</c>, bounded by size.
/// </summary>
/// <remarks>
/// <para>Layout: <c>cache/entries/&lt;key&gt;.entry</c> (complete entries) and <c>cache/tmp/</c> (entries being written).
/// An entry is "GICACHE1", a 4-byte little-endian header length, the JSON header (<see cref="CacheEntry"/>), then the
/// image bytes in order.</para>
/// <para>Several processes: a writer writes the whole entry to <c>tmp/</c> (write-through), then renames it into
/// <c>entries/</c> without overwriting; a rename is atomic, so a reader sees a complete entry or none, and when two
/// processes store the same key the first one wins. A crash leaves only a file in <c>tmp/</c>, which is never read and
/// is deleted after an hour. Every read checks the lengths and the SHA-256 of every image; a damaged entry is a miss and
/// is deleted.</para>
/// <para>Size bound: after each store, entries are deleted least recently used first (a hit counts as a use) until
/// the total is at most <see cref="MaxBytes"/>; one process evicts at a time (evict.lock).</para>
/// </remarks>
public sealed class ResponseCache : IResponseCache
{
    public const long DefaultMaxBytes = 1024L * 1024 * 1024;
    private const string EntryExtension = ".entry";
    private static readonly byte[] s_magic = Encoding.ASCII.GetBytes("GICACHE1");
    private static readonly JsonSerializerOptions s_json = new() { PropertyNamingPolicy = JsonNamingPolicy.CamelCase };
    private static readonly TimeSpan s_staleTemp = TimeSpan.FromHours(1);

    /// <param name="folder">Default: <c>cache</c> in <see cref="DataFolder.Default"/>.</param>
    /// <param name="maxBytes">Default: <see cref="DefaultMaxBytes"/> (1 GB).</param>
    public ResponseCache(string? folder = null, long? maxBytes = null)
    {
        Folder = Path.GetFullPath(folder ?? DefaultFolder);
        MaxBytes = Math.Max(0, maxBytes ?? DefaultMaxBytes);
    }

    public static string DefaultFolder => Path.Combine(DataFolder.Default, "cache");

    public string Folder { get; }
    public long MaxBytes { get; }
    /// <inheritdoc />
    public string Location => Folder;
    public string EntriesFolder => Path.Combine(Folder, "entries");
    public string TempFolder => Path.Combine(Folder, "tmp");

    /// <summary>Test hook: called after the header of a new entry is written, before the images.</summary>
    internal Action? AfterHeaderWritten { get; set; }

    public string EntryPath(string key) => Path.Combine(EntriesFolder, key + EntryExtension);

    /// <summary>The entry with its image bytes, or null (absent, or damaged and now deleted). A hit marks the entry used.</summary>
    public CacheEntry? TryGet(string key)
    {
        var path = EntryPath(key);
        byte[] bytes;
        try
        {
            if (!File.Exists(path)) return null;
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            bytes = new byte[stream.Length];
            var read = 0;
            while (read < bytes.Length)
            {
                var n = stream.Read(bytes, read, bytes.Length - read);
                if (n == 0) break;
                read += n;
            }
            if (read != bytes.Length) return null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }

        var entry = Decode(bytes, key);
        if (entry == null)
        {
            TryDelete(path);
            return null;
        }
        try { File.SetLastWriteTimeUtc(path, DateTime.UtcNow); }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException) { }
        return entry;
    }

    /// <summary>Stores an entry (images with their <see cref="CachedImage.Data"/>), then evicts down to the bound.</summary>
    /// <returns>true when the entry is in the cache afterwards (stored now, or by another process first).</returns>
    public bool Put(CacheEntry entry)
    {
        var prefix = Prefix(entry);
        var total = prefix.LongLength + entry.Images.Sum(i => i.Data.LongLength);
        if (total > MaxBytes) return false;

        Directory.CreateDirectory(EntriesFolder);
        Directory.CreateDirectory(TempFolder);
        var target = EntryPath(entry.Key);
        var temp = Path.Combine(TempFolder, $"{entry.Key}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 81920, FileOptions.WriteThrough))
            {
                stream.Write(prefix, 0, prefix.Length);
                AfterHeaderWritten?.Invoke();
                foreach (var image in entry.Images) stream.Write(image.Data, 0, image.Data.Length);
                stream.Flush(true);
            }
            try
            {
                File.Move(temp, target); // no overwrite: an existing entry (another writer's) wins
            }
            catch (IOException) when (File.Exists(target))
            {
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false;
        }
        finally
        {
            TryDelete(temp);
        }
        Evict();
        return File.Exists(target);
    }

    /// <summary>Deletes least recently used entries until the total size is at most <see cref="MaxBytes"/>, and stale temporary files.</summary>
    /// <returns>How many entries were deleted.</returns>
    public int Evict()
    {
        if (!Directory.Exists(EntriesFolder)) return 0;
        using var gate = TryLock(TimeSpan.FromSeconds(5));
        if (gate == null) return 0; // another process is evicting; it will see our entry or the next store will
        var removed = 0;
        var entries = Entries().OrderBy(f => f.LastWriteTimeUtc).ThenBy(f => f.Name, StringComparer.Ordinal).ToList();
        var total = entries.Sum(f => f.Length);
        foreach (var file in entries)
        {
            if (total <= MaxBytes) break;
            if (TryDelete(file.FullName)) removed++;
            total -= file.Length;
        }
        foreach (var file in Temps().Where(f => DateTime.UtcNow - f.LastWriteTimeUtc > s_staleTemp)) TryDelete(file.FullName);
        return removed;
    }

    /// <summary>Deletes every entry (and every temporary file no writer holds open).</summary>
    /// <returns>How many entries were deleted.</returns>
    public int Clear()
    {
        var removed = Entries().Count(f => TryDelete(f.FullName));
        foreach (var file in Temps()) TryDelete(file.FullName);
        return removed;
    }

    public CacheInfo GetInfo()
    {
        var entries = Entries().ToList();
        return new CacheInfo
        {
            Path = Folder,
            EntryCount = entries.Count,
            SizeBytes = entries.Sum(f => f.Length),
            MaxBytes = MaxBytes,
            OldestUtc = entries.Count == 0 ? null : entries.Min(f => f.LastWriteTimeUtc),
            NewestUtc = entries.Count == 0 ? null : entries.Max(f => f.LastWriteTimeUtc),
            PendingWrites = Temps().Count(),
        };
    }

    /// <summary>The entries' files, oldest use first.</summary>
    public IReadOnlyList<FileInfo> EntryFiles() => Entries().OrderBy(f => f.LastWriteTimeUtc).ToList();

    /// <summary>
    /// An entry as every cache stores it: "GICACHE1", the header length, the JSON header, then the image bytes in order
    /// (the images' lengths and SHA-256 are filled in first).
    /// </summary>
    public static byte[] Encode(CacheEntry entry)
    {
        var prefix = Prefix(entry);
        var bytes = new byte[prefix.LongLength + entry.Images.Sum(i => i.Data.LongLength)];
        Buffer.BlockCopy(prefix, 0, bytes, 0, prefix.Length);
        var offset = prefix.Length;
        foreach (var image in entry.Images)
        {
            Buffer.BlockCopy(image.Data, 0, bytes, offset, image.Data.Length);
            offset += image.Data.Length;
        }
        return bytes;
    }

    /// <summary>The stored bytes before the images: magic, header length, header (the images' lengths and SHA-256 filled in).</summary>
    private static byte[] Prefix(CacheEntry entry)
    {
        if (entry == null) throw new ArgumentNullException(nameof(entry));
        using (var sha = SHA256.Create())
        {
            foreach (var image in entry.Images)
            {
                image.Length = image.Data.LongLength;
                image.Sha256 = CacheKey.Hex(sha.ComputeHash(image.Data));
            }
        }
        var header = JsonSerializer.SerializeToUtf8Bytes(entry, s_json);
        var prefix = new byte[s_magic.Length + 4 + header.Length];
        Buffer.BlockCopy(s_magic, 0, prefix, 0, s_magic.Length);
        Buffer.BlockCopy(BitConverter.GetBytes(header.Length), 0, prefix, s_magic.Length, 4);
        Buffer.BlockCopy(header, 0, prefix, s_magic.Length + 4, header.Length);
        return prefix;
    }

    /// <summary>The entry stored as <paramref name="bytes"/> when it is complete, intact (every image's SHA-256) and for <paramref name="key"/>; else null.</summary>
    public static CacheEntry? Decode(byte[] bytes, string key)
    {
        try
        {
            if (bytes.Length < s_magic.Length + 4 || !bytes.Take(s_magic.Length).SequenceEqual(s_magic)) return null;
            var headerLength = BitConverter.ToInt32(bytes, s_magic.Length);
            var offset = s_magic.Length + 4;
            if (headerLength <= 0 || headerLength > bytes.Length - offset) return null;
            var entry = JsonSerializer.Deserialize<CacheEntry>(new ReadOnlySpan<byte>(bytes, offset, headerLength), s_json);
            if (entry?.Images is not { Count: > 0 } || !string.Equals(entry.Key, key, StringComparison.Ordinal)) return null;
            offset += headerLength;
            using var sha = SHA256.Create();
            foreach (var image in entry.Images)
            {
                if (image.Length <= 0 || image.Length > bytes.Length - offset) return null;
                image.Data = new byte[image.Length];
                Buffer.BlockCopy(bytes, offset, image.Data, 0, (int)image.Length);
                offset += (int)image.Length;
                if (!string.Equals(CacheKey.Hex(sha.ComputeHash(image.Data)), image.Sha256, StringComparison.OrdinalIgnoreCase)) return null;
            }
            return offset == bytes.Length ? entry : null;
        }
        catch (Exception ex) when (ex is JsonException or ArgumentException or NotSupportedException)
        {
            return null;
        }
    }

    private IEnumerable<FileInfo> Entries() => Files(EntriesFolder, "*" + EntryExtension);

    private IEnumerable<FileInfo> Temps() => Files(TempFolder, "*.tmp");

    private static IEnumerable<FileInfo> Files(string folder, string pattern)
    {
        if (!Directory.Exists(folder)) return Array.Empty<FileInfo>();
        var list = new List<FileInfo>();
        try
        {
            foreach (var file in new DirectoryInfo(folder).EnumerateFiles(pattern))
            {
                try { _ = file.Length; list.Add(file); }
                catch (FileNotFoundException) { } // deleted meanwhile by another process
            }
        }
        catch (DirectoryNotFoundException) { }
        return list;
    }

    private IDisposable? TryLock(TimeSpan wait)
    {
        var deadline = DateTime.UtcNow + wait;
        Directory.CreateDirectory(Folder);
        while (true)
        {
            try
            {
                return new FileStream(Path.Combine(Folder, "evict.lock"), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                Thread.Sleep(20);
            }
            catch (IOException)
            {
                return null;
            }
        }
    }

    private static bool TryDelete(string path)
    {
        try
        {
            if (!File.Exists(path)) return false;
            File.Delete(path);
            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }
}
