using System.Text;
using GeminiImage.Engine.Api;
using GeminiImage.Engine.Cache;
using GeminiImage.Engine.Catalog;
using GeminiImage.Engine.Generation;
using GeminiImage.Engine.Ledger;
using GeminiImage.Tests.Ledger;
using Xunit;

namespace GeminiImage.Tests.Cache;

/// <summary>The key's exact layout, and the parts of a request that must (or must not) change it.</summary>
public sealed class CacheKeyLayoutTests
{
    private static ImageRequest Request() => new() { Prompt = "a red fox", Model = ModelCatalog.Default.Get(ModelCatalog.DefaultModelId) };

    [Fact]
    public void The_key_of_a_known_request_is_pinned()
    {
        // Entries on disk are found by this key, so its layout is a file format: a change must bump its version.
        // Expected value computed outside .NET from the documented layout (length-prefixed UTF-8 fields, -1 for null):
        // version, model id lowercased, prompt normalised, system instruction normalised, aspect ratio, image size
        // uppercased, temperature "R", seed, image count, (MIME lowercased, SHA-256 hex) per image, history, variant.
        var request = new ImageRequest
        {
            Prompt = "  a  red\tfox ",
            Model = new ModelInfo { Id = "GEMINI-2.5-Flash-Image" },
            SystemInstruction = " be \n bold",
            AspectRatio = "16:9",
            ImageSize = "2k",
            Temperature = 0.5,
            Seed = 42,
            InputImages = new[] { new InputImage(new byte[] { 1, 2, 3 }, "IMAGE/PNG") },
        };
        Assert.Equal("d7e1c21d1498b4d50ee9e2287068477deaaae9f5473285189cec9c889fc94d92", CacheKey.Compute(request, variant: 2));
    }

    [Fact]
    public void The_key_of_a_plain_request_writes_its_unset_fields_as_absent()
    {
        // Same layout as above, every optional field absent (-1), no images, no history, variant 0: an absent system
        // instruction is not an empty one, so keys of plain requests stay what they were.
        var request = new ImageRequest { Prompt = "a red fox", Model = new ModelInfo { Id = "gemini-2.5-flash-image" } };
        Assert.Equal("3cf64c8a90a7e78f6d66410df3008c69000063eedd1282c7182f1c69d8ec447a", CacheKey.Compute(request));
    }

    [Fact]
    public void A_blank_system_instruction_is_no_system_instruction()
    {
        var blank = Request();
        blank.SystemInstruction = " \t ";
        Assert.Equal(CacheKey.Compute(Request()), CacheKey.Compute(blank));
    }

    [Fact]
    public void Chat_history_changes_the_key()
    {
        static Content Turn(string role, string text) => new() { Role = role, Parts = new List<Part> { Part.FromText(text) } };
        var one = Request();
        one.History = new[] { Turn("user", "a cat"), Turn("model", "here it is") };
        var other = Request();
        other.History = new[] { Turn("user", "a dog"), Turn("model", "here it is") };
        Assert.NotEqual(CacheKey.Compute(Request()), CacheKey.Compute(one));
        Assert.NotEqual(CacheKey.Compute(one), CacheKey.Compute(other));
    }

    [Fact]
    public void Null_and_empty_prompts_normalise_to_nothing_and_a_request_is_required()
    {
        Assert.Equal("", CacheKey.NormalizePrompt(null));
        Assert.Equal("", CacheKey.NormalizePrompt(""));
        Assert.Equal("", CacheKey.NormalizePrompt(" \n "));
        Assert.Throws<ArgumentNullException>(() => CacheKey.Compute(null!));
    }
}

/// <summary>The cache's bound, its on-disk checks and what it reports.</summary>
public sealed class ResponseCacheRulesTests
{
    private static string Key(int n) => n.ToString("x64");

    private static readonly DateTime Created = new(2026, 1, 2, 3, 4, 5, DateTimeKind.Utc);

    // Created is fixed, so every entry of the same shape has the same length.
    private static CacheEntry Entry(string key, int size = 300, byte fill = 7, int images = 1) => new(
        key, Created, "gemini-2.5-flash-image", null, null, null, 0.039m, 0, 0, 0, null, "", null, null,
        Enumerable.Range(0, images).Select(_ => new CachedImage { MimeType = "image/png", Width = 1, Height = 1, Data = Enumerable.Repeat(fill, size).ToArray() }).ToList());

    private static long SizeOf(TempDir dir, CacheEntry entry)
    {
        var probe = new ResponseCache(dir.Sub("probe-" + Guid.NewGuid().ToString("N")), 1 << 20);
        Assert.True(probe.Put(entry));
        return probe.GetInfo().SizeBytes;
    }

    [Fact]
    public void The_bound_defaults_to_one_gigabyte_and_is_never_negative()
    {
        using var dir = new TempDir();
        Assert.Equal(1024L * 1024 * 1024, new ResponseCache(dir.Path).MaxBytes);
        Assert.Equal(ResponseCache.DefaultMaxBytes, new ResponseCache(dir.Path).MaxBytes);
        Assert.Equal(0, new ResponseCache(dir.Path, -5).MaxBytes);
        Assert.Equal(Path.Combine(dir.Path, "entries"), new ResponseCache(dir.Path).EntriesFolder);
        Assert.Equal(Path.Combine(dir.Path, "tmp"), new ResponseCache(dir.Path).TempFolder);
    }

    [Fact]
    public void An_entry_exactly_at_the_bound_is_stored_one_byte_more_is_not()
    {
        using var dir = new TempDir();
        var size = SizeOf(dir, Entry(Key(1)));
        Assert.True(new ResponseCache(dir.Sub("exact"), size).Put(Entry(Key(1))));
        var short_ = new ResponseCache(dir.Sub("short"), size - 1);
        Assert.False(short_.Put(Entry(Key(1))));
        Assert.Equal(0, short_.GetInfo().EntryCount);
    }

    [Fact]
    public void Evict_removes_the_least_recently_used_until_the_bound_holds_and_counts_them()
    {
        using var dir = new TempDir();
        var size = SizeOf(dir, Entry(Key(1)));
        var big = new ResponseCache(dir.Sub("c"), 1 << 20);
        var t0 = DateTime.UtcNow.AddHours(-1);
        for (var i = 1; i <= 4; i++)
        {
            Assert.True(big.Put(Entry(Key(i))));
            File.SetLastWriteTimeUtc(big.EntryPath(Key(i)), t0.AddMinutes(i));
        }
        Assert.Equal(0, big.Evict()); // within its bound: nothing goes

        var small = new ResponseCache(dir.Sub("c"), size * 2);
        Assert.Equal(2, small.Evict());
        Assert.Equal(new[] { Key(3), Key(4) }, small.EntryFiles().Select(f => Path.GetFileNameWithoutExtension(f.Name)));
        Assert.Equal(0, small.Evict());
        Assert.Equal(0, new ResponseCache(dir.Sub("never-used"), 10).Evict());
    }

    [Fact]
    public void A_fresh_temporary_file_is_left_to_its_writer()
    {
        using var dir = new TempDir();
        var cache = new ResponseCache(dir.Path, 1 << 20);
        Assert.True(cache.Put(Entry(Key(1))));
        var fresh = Path.Combine(cache.TempFolder, "y.2.tmp");
        File.WriteAllText(fresh, "being written");
        cache.Evict();
        Assert.True(File.Exists(fresh));
        Assert.Equal(1, cache.GetInfo().PendingWrites);
        Assert.Equal(1, cache.Clear());
        Assert.False(File.Exists(fresh));
    }

    [Fact]
    public void The_first_writer_of_a_key_wins()
    {
        using var dir = new TempDir();
        var cache = new ResponseCache(dir.Path, 1 << 20);
        Assert.True(cache.Put(Entry(Key(1), fill: 1)));
        Assert.True(cache.Put(Entry(Key(1), fill: 2))); // in the cache afterwards: the earlier entry
        Assert.All(cache.TryGet(Key(1))!.Images[0].Data, b => Assert.Equal(1, b));
        Assert.Equal(0, cache.GetInfo().PendingWrites);
    }

    [Fact]
    public void Info_reports_count_size_and_the_oldest_and_newest_use()
    {
        using var dir = new TempDir();
        var cache = new ResponseCache(dir.Path, 3 * 1048576);
        var empty = cache.GetInfo();
        Assert.Equal((0, 0L, (DateTime?)null, (DateTime?)null), (empty.EntryCount, empty.SizeBytes, empty.OldestUtc, empty.NewestUtc));
        Assert.Equal(dir.Path, empty.Path);

        var t1 = new DateTime(2026, 3, 1, 0, 0, 0, DateTimeKind.Utc);
        var t3 = t1.AddDays(2);
        for (var i = 1; i <= 3; i++) Assert.True(cache.Put(Entry(Key(i))));
        File.SetLastWriteTimeUtc(cache.EntryPath(Key(2)), t1);
        File.SetLastWriteTimeUtc(cache.EntryPath(Key(1)), t1.AddDays(1));
        File.SetLastWriteTimeUtc(cache.EntryPath(Key(3)), t3);

        var info = cache.GetInfo();
        Assert.Equal(3, info.EntryCount);
        Assert.Equal(t1, info.OldestUtc);
        Assert.Equal(t3, info.NewestUtc);
        var total = Directory.GetFiles(cache.EntriesFolder).Sum(f => new FileInfo(f).Length);
        Assert.Equal(total, info.SizeBytes);
        Assert.Equal(3 * 1048576, info.MaxBytes);
        Assert.Equal(3.0, info.MaxMB);
        Assert.Equal(Math.Round(total / 1048576.0, 2), info.SizeMB);
        Assert.Equal(new[] { Key(2), Key(1), Key(3) }, cache.EntryFiles().Select(f => Path.GetFileNameWithoutExtension(f.Name)));
    }

    [Fact]
    public void A_hit_serves_every_image_in_order_and_marks_the_entry_used()
    {
        using var dir = new TempDir();
        var cache = new ResponseCache(dir.Path, 1 << 20);
        var entry = Entry(Key(1), size: 5000, images: 3);
        for (var i = 0; i < 3; i++) entry.Images[i].Data[0] = (byte)(10 + i);
        Assert.True(cache.Put(entry));
        Assert.Equal(5000, entry.Images[0].Length);
        Assert.Equal(64, entry.Images[0].Sha256.Length);
        var old = DateTime.UtcNow.AddDays(-3);
        File.SetLastWriteTimeUtc(cache.EntryPath(Key(1)), old);

        var hit = cache.TryGet(Key(1))!;
        Assert.Equal(new byte[] { 10, 11, 12 }, hit.Images.Select(i => i.Data[0]));
        Assert.All(hit.Images, i => Assert.Equal(5000, i.Data.Length));
        Assert.True(File.GetLastWriteTimeUtc(cache.EntryPath(Key(1))) > old.AddDays(1));
    }

    [Fact]
    public void Damaged_files_are_misses()
    {
        using var dir = new TempDir();
        var cache = new ResponseCache(dir.Path, 1 << 20);
        Assert.True(cache.Put(Entry(Key(1))));
        var good = File.ReadAllBytes(cache.EntryPath(Key(1)));
        Assert.NotNull(ResponseCache.Decode(good, Key(1)));
        var headerLength = BitConverter.ToInt32(good, 8);

        byte[] With(Action<byte[]> change) { var b = (byte[])good.Clone(); change(b); return b; }
        Assert.Null(ResponseCache.Decode(good.Concat(new byte[] { 0 }).ToArray(), Key(1)));             // trailing bytes
        Assert.Null(ResponseCache.Decode(With(b => b[0] = (byte)'X'), Key(1)));                         // wrong magic
        Assert.Null(ResponseCache.Decode(good.Take(10).ToArray(), Key(1)));                             // no room for a header
        Assert.Null(ResponseCache.Decode(With(b => BitConverter.GetBytes(0).CopyTo(b, 8)), Key(1)));    // empty header
        Assert.Null(ResponseCache.Decode(With(b => BitConverter.GetBytes(-1).CopyTo(b, 8)), Key(1)));   // negative header
        Assert.Null(ResponseCache.Decode(With(b => BitConverter.GetBytes(good.Length).CopyTo(b, 8)), Key(1))); // header past the end
        Assert.Null(ResponseCache.Decode(With(b => b[12] = (byte)'!'), Key(1)));                        // header not JSON
        Assert.Null(ResponseCache.Decode(good.Take(12 + headerLength).ToArray(), Key(1)));               // image missing

        // An entry that claims no images, or an image of no bytes, is not a response.
        var header = Encoding.UTF8.GetString(good, 12, headerLength);
        Assert.Null(ResponseCache.Decode(Rebuild(header.Replace("\"length\":300", "\"length\":0"), good.Skip(12 + headerLength)), Key(1)));
        Assert.Null(ResponseCache.Decode(Rebuild("{\"key\":\"" + Key(1) + "\"}", Array.Empty<byte>()), Key(1)));
        var noImages = new CacheEntry(Key(9), default, "m", null, null, null, null, 0, 0, 0, null, "", null, null, new());
        Assert.True(cache.Put(noImages));
        Assert.Null(cache.TryGet(Key(9)));
        Assert.False(File.Exists(cache.EntryPath(Key(9))));
    }

    [Fact]
    public void An_entry_too_big_for_the_bound_is_refused_before_it_evicts_anything()
    {
        using var dir = new TempDir();
        var big = Entry(Key(2), size: 400);
        var bound = SizeOf(dir, Entry(Key(2), size: 400)) - 1;
        var cache = new ResponseCache(dir.Sub("c"), bound);
        Assert.True(cache.Put(Entry(Key(1), size: 100)));
        File.SetLastWriteTimeUtc(cache.EntryPath(Key(1)), DateTime.UtcNow.AddHours(-1)); // the first to go if anything went

        Assert.False(cache.Put(big));
        Assert.NotNull(cache.TryGet(Key(1)));
        Assert.Equal(1, cache.GetInfo().EntryCount);
    }

    [Fact]
    public void Entries_used_at_the_same_moment_are_evicted_in_name_order()
    {
        using var dir = new TempDir();
        var size = SizeOf(dir, Entry(Key(1)));
        var cache = new ResponseCache(dir.Sub("c"), 1 << 20);
        var same = DateTime.UtcNow.AddMinutes(-5);
        foreach (var i in new[] { 3, 1, 2 })
        {
            Assert.True(cache.Put(Entry(Key(i))));
            File.SetLastWriteTimeUtc(cache.EntryPath(Key(i)), same);
        }
        Assert.Equal(1, new ResponseCache(dir.Sub("c"), size * 2).Evict());
        Assert.Equal(new[] { Key(2), Key(3) }, cache.EntryFiles().Select(f => Path.GetFileNameWithoutExtension(f.Name)).OrderBy(k => k, StringComparer.Ordinal));
    }

    [Fact]
    public void An_image_of_no_bytes_is_never_served()
    {
        using var dir = new TempDir();
        var cache = new ResponseCache(dir.Path, 1 << 20);
        var empty = Entry(Key(1));
        empty.Images[0].Data = Array.Empty<byte>();
        cache.Put(empty); // stored with a correct checksum of nothing
        Assert.Null(cache.TryGet(Key(1)));
        Assert.False(File.Exists(cache.EntryPath(Key(1))));
        Assert.Throws<ArgumentNullException>(() => cache.Put(null!));
    }

    [Fact]
    public void A_hit_while_another_process_reads_the_same_entry()
    {
        using var dir = new TempDir();
        var cache = new ResponseCache(dir.Path, 1 << 20);
        Assert.True(cache.Put(Entry(Key(1))));
        // Another reader holds the file open as TryGet does (a shared lock); this reader must not need it alone.
        using var other = new FileStream(cache.EntryPath(Key(1)), FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        Assert.NotNull(cache.TryGet(Key(1)));
    }

    [Fact]
    public async Task An_evictor_waits_for_another_process_s_eviction_then_evicts()
    {
        using var dir = new TempDir();
        var size = SizeOf(dir, Entry(Key(1)));
        var cache = new ResponseCache(dir.Sub("c"), 1 << 20);
        for (var i = 1; i <= 3; i++) Assert.True(cache.Put(Entry(Key(i))));
        var held = new FileStream(Path.Combine(cache.Folder, "evict.lock"), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        var evicting = Task.Run(() => new ResponseCache(dir.Sub("c"), size).Evict());
        // Released well within the evictor's wait (5 s); under load the evictor may simply find it free.
        var release = Task.Delay(300).ContinueWith(_ => held.Dispose());
        Assert.Equal(2, await evicting);
        await release;
        Assert.Equal(1, cache.GetInfo().EntryCount);
    }

    private static byte[] Rebuild(string header, IEnumerable<byte> images)
    {
        var h = Encoding.UTF8.GetBytes(header);
        return Encoding.ASCII.GetBytes("GICACHE1").Concat(BitConverter.GetBytes(h.Length)).Concat(h).Concat(images).ToArray();
    }
}

/// <summary>The default cache folder follows the data folder.</summary>
public sealed class ResponseCacheFolderTests
{
    [Fact]
    public void Without_a_folder_the_cache_lives_in_the_data_folder()
    {
        Assert.Equal(Path.Combine(DataFolder.Default, "cache"), ResponseCache.DefaultFolder);
        Assert.Equal(Path.Combine(DataFolder.Default, "cache"), new ResponseCache().Folder);
        // A data folder handed to the engine (never set process-wide) holds the cache too.
        using var dir = new TempDir();
        Assert.Equal(Path.Combine(dir.Path, "cache"), GenerationStores.InDataFolder(dir.Path).OpenCache().Folder);
        Assert.Equal(Path.GetFullPath(dir.Path), DataFolder.From(dir.Path));
        Assert.Equal("GeminiImage", Path.GetFileName(DataFolder.From(" ")));
    }
}

/// <summary>Which cache a cache mode opens: the team's for Shared, never the per-user folder's.</summary>
public sealed class ResponseCachesTests
{
    [Theory]
    [InlineData(CacheMode.ReadOnly)]
    [InlineData(CacheMode.ReadWrite)]
    public void A_local_mode_opens_the_per_user_folder_with_the_bound(CacheMode mode)
    {
        var cache = Assert.IsType<ResponseCache>(ResponseCaches.Open(mode, 12345));
        Assert.Equal(ResponseCache.DefaultFolder, cache.Folder);
        Assert.Equal(12345, cache.MaxBytes);
    }

    [Fact]
    public void Shared_never_falls_back_to_the_per_user_folder()
    {
        // Where the ledger in effect is the SQLite file (a test machine), Shared is refused; with a team ledger it is
        // the team's cache. Serving another user's per-user entries as "shared" (or the reverse) is never right.
        try
        {
            Assert.IsType<SharedResponseCache>(ResponseCaches.Open(CacheMode.Shared, 12345));
        }
        catch (LedgerException e)
        {
            Assert.Equal(LedgerException.TeamLedgerRequiredId, e.ErrorId);
            Assert.StartsWith("Shared response caches live in a team ledger", e.Message);
        }
    }
}
