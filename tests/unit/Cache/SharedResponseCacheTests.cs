using GeminiImage.Engine.Cache;
using GeminiImage.Tests.Ledger;
using Xunit;

namespace GeminiImage.Tests.Cache;

/// <summary>The team-shared response cache against a real PostgreSQL server, each test in its own database.</summary>
[Collection(PostgresCollection.Name)]
public sealed class SharedResponseCacheTests
{
    private readonly PostgresServer _server;
    private readonly string _database;

    public SharedResponseCacheTests(PostgresServer server)
    {
        _server = server;
        _database = server.CreateDatabase();
    }

    private SharedResponseCache Cache(long maxBytes = 1 << 24) => SharedResponseCache.Open(_server.ConnectionString(_database), maxBytes);

    private static string Key(int n) => ResponseCacheTests.Key(n);

    private static CacheEntry Entry(string key, int size = 300, byte fill = 7) => ResponseCacheTests.Entry(key, size, fill);

    private long Rows(string where = "TRUE") => Convert.ToInt64(_server.Scalar(_database, $"SELECT count(*) FROM gemini_cache WHERE {where}"));

    [Fact]
    public void A_second_machine_gets_the_exact_entry_the_first_stored()
    {
        var first = Cache();
        Assert.Null(first.TryGet(Key(1)));
        var entry = Entry(Key(1));
        entry.Images.Add(new CachedImage { MimeType = "image/jpeg", Data = new byte[] { 9, 8, 7 } });
        Assert.True(first.Put(entry));

        var hit = Cache().TryGet(Key(1));
        Assert.NotNull(hit);
        Assert.Equal(0.039m, hit!.CostUsd);
        Assert.Equal(Enumerable.Repeat((byte)7, 300), hit.Images[0].Data);
        Assert.Equal(new byte[] { 9, 8, 7 }, hit.Images[1].Data);
        var info = first.GetInfo();
        Assert.Equal(1, info.EntryCount);
        Assert.Contains("PostgreSQL", info.Path);
        Assert.Equal(39000L, Convert.ToInt64(_server.Scalar(_database, "SELECT cost_micros FROM gemini_cache")));
    }

    [Fact]
    public void Two_machines_storing_one_key_at_once_leave_the_first_writers_entry_whole()
    {
        var caches = Enumerable.Range(0, 6).Select(_ => Cache()).ToList();
        var stored = new bool[caches.Count];
        Parallel.For(0, caches.Count, i => stored[i] = caches[i].Put(Entry(Key(5), size: 200_000, fill: (byte)(i + 1))));

        Assert.All(stored, Assert.True);
        Assert.Equal(1, Rows());
        var hit = Cache().TryGet(Key(5));
        Assert.NotNull(hit);
        var fill = hit!.Images[0].Data[0];
        Assert.InRange(fill, (byte)1, (byte)caches.Count);
        Assert.All(hit.Images[0].Data, b => Assert.Equal(fill, b)); // one writer's bytes, not a mixture
    }

    [Fact]
    public void A_damaged_or_emptied_entry_is_a_miss_and_is_deleted_not_an_error()
    {
        var cache = Cache();
        Assert.True(cache.Put(Entry(Key(1), size: 5000)));
        Assert.True(cache.Put(Entry(Key(2))));
        // One byte of the image changed; the other entry's bytes gone.
        _server.Sql(_database, $"UPDATE gemini_cache SET entry = set_byte(entry, length(entry) - 10, (get_byte(entry, length(entry) - 10) + 1) % 256) WHERE key = '{Key(1)}'");
        _server.Sql(_database, $"UPDATE gemini_cache SET entry = '\\x' WHERE key = '{Key(2)}'");

        Assert.Null(cache.TryGet(Key(1)));
        Assert.Null(cache.TryGet(Key(2)));
        Assert.Equal(0, Rows());
        Assert.True(cache.Put(Entry(Key(1), size: 5000)));
        Assert.NotNull(cache.TryGet(Key(1)));
    }

    [Fact]
    public void Evicts_the_least_recently_used_entries_beyond_the_bound()
    {
        var size = ResponseCache.Encode(Entry(Key(0))).LongLength;
        var cache = Cache(size * 3 + 50); // header lengths vary by a few bytes (timestamps)
        for (var i = 1; i <= 3; i++)
        {
            Assert.True(cache.Put(Entry(Key(i))));
            _server.Sql(_database, $"UPDATE gemini_cache SET last_used_utc = now() - interval '{10 - i} minutes' WHERE key = '{Key(i)}'");
        }
        Assert.NotNull(cache.TryGet(Key(1))); // a use: 1 is now the newest, 2 the oldest
        Assert.True(cache.Put(Entry(Key(4))));

        Assert.Equal(0, Rows($"key = '{Key(2)}'"));
        Assert.Equal(3, Rows());
        Assert.True(cache.GetInfo().SizeBytes <= cache.MaxBytes);
        // An entry bigger than the whole bound is not stored at all.
        Assert.False(Cache(size / 2).Put(Entry(Key(9))));
        Assert.Equal(0, Rows($"key = '{Key(9)}'"));
    }

    [Fact]
    public void Clear_deletes_every_entry()
    {
        var cache = Cache();
        cache.Put(Entry(Key(1)));
        cache.Put(Entry(Key(2)));
        Assert.Equal(2, cache.Clear());
        Assert.Equal(0, cache.GetInfo().EntryCount);
    }
    [Fact]
    public void An_entry_exactly_at_the_bound_is_stored_with_its_size_writer_and_time_of_use()
    {
        var entry = Entry(Key(1));
        var size = ResponseCache.Encode(entry).LongLength;
        var cache = Cache(size);
        var empty = cache.GetInfo();
        Assert.Null(empty.OldestUtc);
        Assert.Null(empty.NewestUtc);

        var before = DateTime.UtcNow.AddMinutes(-5);
        Assert.True(cache.Put(entry));
        var info = cache.GetInfo();
        Assert.Equal(size, info.SizeBytes);
        Assert.Equal(size, Convert.ToInt64(_server.Scalar(_database, "SELECT size_bytes FROM gemini_cache")));
        Assert.Equal(DateTimeKind.Utc, info.OldestUtc!.Value.Kind);
        Assert.InRange(info.OldestUtc.Value, before, DateTime.UtcNow.AddMinutes(5)); // the server runs on this machine
        Assert.Equal(info.OldestUtc, info.NewestUtc);
        // Who stored an entry, for a team asking where an image came from.
        Assert.Equal(Environment.UserName + "@" + Environment.MachineName, _server.Scalar(_database, "SELECT created_by FROM gemini_cache"));
    }
}
