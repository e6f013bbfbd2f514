using GeminiImage.Engine.Cache;
using GeminiImage.Tests.Ledger;
using Xunit;

namespace GeminiImage.Tests.Cache;

public class ResponseCacheTests
{
    internal static string Key(int n) => n.ToString("x64");

    internal static CacheEntry Entry(string key, int size = 300, byte fill = 7) => new(
        key, DateTime.UtcNow, "gemini-2.5-flash-image", null, null, null, 0.039m, 0, 0, 0, null, "", null, null,
        new() { new CachedImage { MimeType = "image/png", Width = 1, Height = 1, Data = Enumerable.Repeat(fill, size).ToArray() } });

    [Fact]
    public void StoresAndServesTheExactBytes()
    {
        using var dir = new TempDir();
        var cache = new ResponseCache(dir.Path, 1 << 20);
        Assert.Null(cache.TryGet(Key(1)));
        var entry = Entry(Key(1));
        entry.Images.Add(new CachedImage { MimeType = "image/jpeg", Data = new byte[] { 9, 8, 7 } });
        Assert.True(cache.Put(entry));
        var hit = cache.TryGet(Key(1));
        Assert.NotNull(hit);
        Assert.Equal(0.039m, hit!.CostUsd);
        Assert.Equal(2, hit.Images.Count);
        Assert.Equal(Enumerable.Repeat((byte)7, 300), hit.Images[0].Data);
        Assert.Equal(new byte[] { 9, 8, 7 }, hit.Images[1].Data);
        Assert.Equal("image/jpeg", hit.Images[1].MimeType);
        Assert.Equal(1, cache.GetInfo().EntryCount);
    }

    [Fact]
    public void EvictsLeastRecentlyUsedFirst()
    {
        using var dir = new TempDir();
        var probe = new ResponseCache(dir.Sub("probe"), 1 << 20);
        probe.Put(Entry(Key(0)));
        var entrySize = probe.GetInfo().SizeBytes;

        var cache = new ResponseCache(dir.Path, entrySize * 3 + 50); // header lengths vary by a few bytes (timestamps)
        var t0 = DateTime.UtcNow.AddMinutes(-10);
        for (var i = 1; i <= 3; i++)
        {
            Assert.True(cache.Put(Entry(Key(i))));
            File.SetLastWriteTimeUtc(cache.EntryPath(Key(i)), t0.AddMinutes(i));
        }
        Assert.NotNull(cache.TryGet(Key(1))); // a use: 1 is now the newest, 2 the oldest
        Assert.True(cache.Put(Entry(Key(4))));
        Assert.False(File.Exists(cache.EntryPath(Key(2))));
        Assert.True(File.Exists(cache.EntryPath(Key(1))));
        Assert.True(File.Exists(cache.EntryPath(Key(3))));
        Assert.True(File.Exists(cache.EntryPath(Key(4))));
        Assert.True(cache.GetInfo().SizeBytes <= cache.MaxBytes);

        Assert.True(cache.Put(Entry(Key(5))));
        Assert.False(File.Exists(cache.EntryPath(Key(3))));
    }

    [Fact]
    public void AnEntryLargerThanTheBoundIsNotStored()
    {
        using var dir = new TempDir();
        var cache = new ResponseCache(dir.Path, 100);
        Assert.False(cache.Put(Entry(Key(1), size: 500)));
        Assert.Equal(0, cache.GetInfo().EntryCount);
    }

    [Fact]
    public void AHalfWrittenEntryIsNeverServed()
    {
        using var dir = new TempDir();
        var writer = new ResponseCache(dir.Path, 1 << 20);
        var reader = new ResponseCache(dir.Path, 1 << 20);
        using var headerWritten = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        writer.AfterHeaderWritten = () => { headerWritten.Set(); release.Wait(TimeSpan.FromSeconds(10)); };
        var put = Task.Run(() => writer.Put(Entry(Key(1))));
        Assert.True(headerWritten.Wait(TimeSpan.FromSeconds(10)));
        Assert.Null(reader.TryGet(Key(1)));
        Assert.Equal(1, reader.GetInfo().PendingWrites);
        release.Set();
        Assert.True(put.Result);
        Assert.NotNull(reader.TryGet(Key(1)));
    }

    [Fact]
    public void AWriterThatFailsMidWriteLeavesNoEntry()
    {
        using var dir = new TempDir();
        var cache = new ResponseCache(dir.Path, 1 << 20) { AfterHeaderWritten = () => throw new IOException("disk full") };
        Assert.False(cache.Put(Entry(Key(1))));
        Assert.Null(cache.TryGet(Key(1)));
        Assert.Equal(0, cache.GetInfo().PendingWrites);
    }

    [Fact]
    public void CrashLeftoversAreIgnoredAndDamagedEntriesAreDeleted()
    {
        using var dir = new TempDir();
        var cache = new ResponseCache(dir.Path, 1 << 20);
        Assert.True(cache.Put(Entry(Key(1))));
        var good = File.ReadAllBytes(cache.EntryPath(Key(1)));

        // A crash mid-write leaves a partial file in tmp/: never read.
        File.WriteAllBytes(Path.Combine(cache.TempFolder, Key(2) + ".deadbeef.tmp"), good.Take(good.Length / 2).ToArray());
        Assert.Null(cache.TryGet(Key(2)));

        // A truncated or altered entry (disk trouble, a copy gone wrong) is a miss and is removed.
        File.WriteAllBytes(cache.EntryPath(Key(3)), good.Take(good.Length - 10).ToArray());
        Assert.Null(cache.TryGet(Key(3)));
        Assert.False(File.Exists(cache.EntryPath(Key(3))));
        var flipped = (byte[])good.Clone();
        flipped[^1] ^= 0xff;
        File.WriteAllBytes(cache.EntryPath(Key(1)), flipped);
        Assert.Null(cache.TryGet(Key(1)));

        // An entry renamed to another key is not served for that key.
        File.WriteAllBytes(cache.EntryPath(Key(4)), good);
        Assert.Null(cache.TryGet(Key(4)));
    }

    [Fact]
    public void StaleTemporaryFilesAreSweptAndClearEmptiesEverything()
    {
        using var dir = new TempDir();
        var cache = new ResponseCache(dir.Path, 1 << 20);
        cache.Put(Entry(Key(1)));
        var stale = Path.Combine(cache.TempFolder, "x.1.tmp");
        File.WriteAllText(stale, "half");
        File.SetLastWriteTimeUtc(stale, DateTime.UtcNow.AddHours(-2));
        cache.Evict();
        Assert.False(File.Exists(stale));
        cache.Put(Entry(Key(2)));
        Assert.Equal(2, cache.Clear());
        Assert.Equal(0, cache.GetInfo().EntryCount);
        Assert.Null(cache.TryGet(Key(2)));
    }

    [Fact]
    public async Task ConcurrentWritersKeepTheBoundAndOnlyCompleteEntries()
    {
        using var dir = new TempDir();
        var probe = new ResponseCache(dir.Sub("probe"), 1 << 20);
        probe.Put(Entry(Key(0), size: 2000));
        var entrySize = probe.GetInfo().SizeBytes;
        var folder = dir.Sub("shared");
        // 8 writers (separate instances, as separate processes would be), 40 keys, each key written by two writers.
        await Task.WhenAll(Enumerable.Range(0, 8).Select(w => Task.Run(() =>
        {
            var cache = new ResponseCache(folder, entrySize * 10);
            for (var i = 0; i < 10; i++)
            {
                var n = (w / 2) * 10 + i;
                cache.Put(Entry(Key(n), size: 2000, fill: (byte)n));
                var hit = cache.TryGet(Key(n));
                if (hit != null) Assert.All(hit.Images[0].Data, b => Assert.Equal((byte)n, b));
            }
        })));
        var final = new ResponseCache(folder, entrySize * 10);
        final.Evict();
        var info = final.GetInfo();
        Assert.InRange(info.EntryCount, 1, 10);
        Assert.True(info.SizeBytes <= final.MaxBytes);
        Assert.Equal(0, info.PendingWrites);
        foreach (var file in final.EntryFiles())
            Assert.NotNull(final.TryGet(Path.GetFileNameWithoutExtension(file.Name)));
    }
}
