using GeminiImage.Engine.Ledger;
using Microsoft.Data.Sqlite;
using Xunit;

namespace GeminiImage.Tests.Ledger;

public sealed class UsageLedgerTests : IDisposable
{
    private static readonly DateTime s_day = new(2026, 11, 24, 10, 0, 0, DateTimeKind.Utc);
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Append_then_query_round_trips_every_field()
    {
        var ledger = Make.Ledger(_dir);
        var record = new UsageRecord
        {
            TimeUtc = s_day.AddTicks(1234567),
            Cmdlet = "Edit-GeminiImage",
            Operation = UsageOperation.BatchServer,
            Model = "models/gemini-3-pro-image",
            InputTokens = 1119, TextOutputTokens = 51, ImageOutputTokens = 2000, ThinkingTokens = 240, ImageCount = 1,
            CostUsd = 0.123456m, SavedCostUsd = 0.5m,
            Status = UsageStatus.Blocked, ErrorId = "GeminiImage.ContentBlocked",
            Tags = new List<string> { "client-a", "draft" },
            BatchId = "batches/123", RowId = "row-7", OutputPath = "/out/cat.png", Prompt = "a ginger cat",
            MachineName = "box", UserName = "ann", ResponseId = "Xb3k",
        };

        var result = ledger.Append(record);

        Assert.True(result.Stored);
        Assert.Null(result.PendingPath);
        var read = Assert.Single(ledger.Query());
        Assert.Equal(record.Id, read.Id);
        Assert.Equal(record.RecordId, read.RecordId);
        Assert.Equal(record.TimeUtc, read.TimeUtc);
        Assert.Equal(DateTimeKind.Utc, read.TimeUtc.Kind);
        Assert.Equal(("Edit-GeminiImage", UsageOperation.BatchServer, "gemini-3-pro-image"), (read.Cmdlet, read.Operation, read.Model));
        Assert.Equal((1119, 51, 2000, 240, 1), (read.InputTokens, read.TextOutputTokens, read.ImageOutputTokens, read.ThinkingTokens, read.ImageCount));
        Assert.Equal((0.123456m, 0.5m), (read.CostUsd, read.SavedCostUsd));
        Assert.Equal((UsageStatus.Blocked, "GeminiImage.ContentBlocked"), (read.Status, read.ErrorId));
        Assert.Equal(new[] { "client-a", "draft" }, read.Tags);
        Assert.Equal(("batches/123", "row-7", "/out/cat.png", "a ginger cat"), (read.BatchId, read.RowId, read.OutputPath, read.Prompt));
        Assert.Equal(("box", "ann", "Xb3k"), (read.MachineName, read.UserName, read.ResponseId));
    }

    [Fact]
    public void Unknown_cost_and_missing_prompt_stay_null_and_names_are_filled()
    {
        var ledger = Make.Ledger(_dir);
        ledger.Append(Make.Record(s_day, model: "my-model", cost: null));

        var read = Assert.Single(ledger.Query());
        Assert.Null(read.CostUsd);
        Assert.Null(read.Prompt);
        Assert.Equal(Environment.MachineName, read.MachineName);
        Assert.Equal(Environment.UserName, read.UserName);
    }

    [Fact]
    public void Schema_is_versioned_and_uses_wal()
    {
        var ledger = Make.Ledger(_dir);
        ledger.Append(Make.Record(s_day));

        using var connection = new SqliteConnection($"Data Source={ledger.DatabasePath};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA user_version;";
        Assert.Equal(1L, command.ExecuteScalar());
        command.CommandText = "PRAGMA journal_mode;";
        Assert.Equal("wal", command.ExecuteScalar());
    }

    [Fact]
    public void KeepOpen_holds_the_file_for_a_run_and_closes_it_at_the_end()
    {
        var ledger = Make.Ledger(_dir);
        var wal = ledger.DatabasePath + "-wal";
        using (ledger.KeepOpen())
        {
            using (ledger.KeepOpen()) ledger.Append(Make.Record(s_day));
            // Still held by the outer hold: no checkpoint on every close (the write-ahead log stays).
            ledger.Append(Make.Record(s_day.AddMinutes(1)));
            Assert.True(File.Exists(wal));
            Assert.Equal(2, ledger.Query().Count);
        }
        // The last hold closed every connection: SQLite checkpointed and removed the log.
        Assert.False(File.Exists(wal));
        Assert.Equal(2, Make.Ledger(_dir).Query().Count);
    }

    [Fact]
    public void Query_filters_by_time_model_tag_and_last()
    {
        var ledger = Make.Ledger(_dir);
        for (var i = 0; i < 6; i++)
            ledger.Append(Make.Record(s_day.AddDays(i), model: i % 2 == 0 ? "gemini-2.5-flash-image" : "gemini-3-pro-image", tags: i < 3 ? new[] { "Client-A", "x" } : new[] { "client-ab" }));

        Assert.Equal(3, ledger.Query(new UsageFilter { Since = s_day.AddDays(2), Until = s_day.AddDays(5) }).Count);
        Assert.Equal(3, ledger.Query(new UsageFilter { Model = "models/GEMINI-3-pro-image" }).Count);
        Assert.Equal(3, ledger.Query(new UsageFilter { Tag = "client-a" }).Count); // whole tags only: "client-ab" does not match
        var last = ledger.Query(new UsageFilter { Last = 2 });
        Assert.Equal(new[] { s_day.AddDays(4), s_day.AddDays(5) }, last.Select(r => r.TimeUtc));
        Assert.Single(ledger.Query(new UsageFilter { Tag = "x", Model = "gemini-3-pro-image" }));
    }

    [Fact]
    public void Summarize_groups_by_day_model_tag_week_and_month()
    {
        var ledger = Make.Ledger(_dir);
        ledger.Append(Make.Record(s_day, tags: new[] { "a", "b" }));
        ledger.Append(Make.Record(s_day.AddHours(5), model: "gemini-3-pro-image", cost: 0.134m, images: 2, tags: "a"));
        ledger.Append(Make.Record(s_day.AddDays(1), model: "unknown-model", cost: null));
        ledger.Append(new UsageRecord { TimeUtc = s_day.AddDays(7), Cmdlet = "New-GeminiImage", Operation = UsageOperation.CacheHit, Model = "gemini-2.5-flash-image", Status = UsageStatus.CacheHit, CostUsd = 0m, SavedCostUsd = 0.039m, ImageCount = 1 });

        var byDay = ledger.Summarize(null, UsageGroupBy.Day);
        Assert.Equal(new[] { "2026-11-24", "2026-11-25", "2026-12-01" }, byDay.Groups.Select(g => g.Key));
        Assert.Equal((2, 3L, 0.173m), (byDay.Groups[0].Requests, byDay.Groups[0].Images, byDay.Groups[0].CostUsd));
        Assert.Equal(1, byDay.Groups[1].UnpricedRequests);
        Assert.Equal((4, 0.173m, 0.039m, 5L), (byDay.Total.Requests, byDay.Total.CostUsd, byDay.Total.SavedCostUsd, byDay.Total.Images));
        Assert.Equal(Math.Round(0.173m / 3, 6), byDay.Groups[0].AverageCostPerImage);

        var byModel = ledger.Summarize(null, UsageGroupBy.Model);
        Assert.Equal(new[] { "gemini-2.5-flash-image", "gemini-3-pro-image", "unknown-model" }, byModel.Groups.Select(g => g.Key));
        Assert.Equal(2, byModel.Groups[0].Requests);

        var byTag = ledger.Summarize(null, UsageGroupBy.Tag);
        Assert.Equal(new[] { "(none)", "a", "b" }, byTag.Groups.Select(g => g.Key));
        Assert.Equal((2, 2, 1), (byTag.Groups[0].Requests, byTag.Groups[1].Requests, byTag.Groups[2].Requests));
        Assert.Equal(4, byTag.Total.Requests); // a record with two tags is counted once in the total

        Assert.Equal(new[] { "2026-11-23", "2026-11-30" }, ledger.Summarize(null, UsageGroupBy.Week).Groups.Select(g => g.Key));
        Assert.Equal(new[] { "2026-11", "2026-12" }, ledger.Summarize(null, UsageGroupBy.Month).Groups.Select(g => g.Key));
        Assert.Equal(2, ledger.Summarize(new UsageFilter { Tag = "a" }, UsageGroupBy.Cmdlet).Total.Requests);
    }

    [Fact]
    public void Sums_are_exact_decimals()
    {
        var ledger = Make.Ledger(_dir);
        var expected = 0m;
        for (var i = 0; i < 300; i++)
        {
            var cost = i % 3 == 0 ? 0.1m : i % 3 == 1 ? 0.000001m : 0.038733m;
            expected += cost;
            ledger.Append(Make.Record(s_day.AddSeconds(i), cost: cost));
        }

        Assert.Equal(expected, ledger.Summarize(null, UsageGroupBy.Day).Total.CostUsd);
        Assert.Equal(expected, ledger.Spend(s_day, s_day.AddDays(1)));
        Assert.Equal(13.8734m, expected); // 100 × (0.1 + 0.000001 + 0.038733), no binary floating point drift
    }

    [Fact]
    public void Spend_today_and_this_month_use_utc_periods()
    {
        var clock = new FixedClock(new DateTime(2026, 11, 25, 0, 30, 0, DateTimeKind.Utc));
        var ledger = Make.Ledger(_dir, clock);
        ledger.Append(Make.Record(new DateTime(2026, 10, 31, 23, 0, 0, DateTimeKind.Utc), cost: 5m));
        ledger.Append(Make.Record(new DateTime(2026, 11, 24, 23, 59, 59, DateTimeKind.Utc), cost: 1m));
        ledger.Append(Make.Record(new DateTime(2026, 11, 25, 0, 0, 0, DateTimeKind.Utc), cost: 0.25m));
        ledger.Append(Make.Record(new DateTime(2026, 11, 25, 0, 10, 0, DateTimeKind.Utc), model: "x", cost: null));

        Assert.Equal(0.25m, ledger.SpendToday());
        Assert.Equal(1.25m, ledger.SpendThisMonth());
    }

    [Fact]
    public async Task Concurrent_writers_with_separate_connections_lose_nothing()
    {
        var folder = _dir.Sub("shared");
        var tasks = Enumerable.Range(0, 4).Select(t => Task.Run(() =>
        {
            // One ledger per task, as separate processes would have.
            var ledger = Make.Ledger(_dir, folder: folder);
            return Enumerable.Range(0, 50).Select(i => ledger.Append(Make.Record(s_day.AddSeconds(t * 100 + i), cost: 0.001m))).ToList();
        })).ToArray();

        var results = (await Task.WhenAll(tasks)).SelectMany(r => r).ToList();

        Assert.All(results, r => Assert.True(r.Stored, r.Error?.ToString()));
        var all = Make.Ledger(_dir, folder: folder).Query();
        Assert.Equal(200, all.Count);
        Assert.Equal(200, all.Select(r => r.RecordId).Distinct().Count());
        Assert.Equal(0.2m, Make.Ledger(_dir, folder: folder).Summarize(null, UsageGroupBy.Model).Total.CostUsd);
    }

    [Fact]
    public void Unwritable_database_goes_to_pending_file_and_is_folded_in_exactly_once()
    {
        var folder = _dir.Sub("data");
        Directory.CreateDirectory(Path.Combine(folder, UsageLedger.DatabaseFileName)); // a folder where the database file should be
        var ledger = Make.Ledger(_dir);

        var first = ledger.Append(Make.Record(s_day, cost: 1m));
        var second = ledger.Append(Make.Record(s_day.AddMinutes(1), cost: 2m));

        Assert.False(first.Stored);
        Assert.True(first.Saved);
        Assert.NotNull(first.Error);
        Assert.Equal(ledger.PendingPath, first.PendingPath);
        Assert.Equal(2, File.ReadAllLines(ledger.PendingPath).Length);

        Directory.Delete(Path.Combine(folder, UsageLedger.DatabaseFileName));
        var saved = File.ReadAllText(ledger.PendingPath);
        var third = ledger.Append(Make.Record(s_day.AddMinutes(2), cost: 4m));

        Assert.True(third.Stored);
        Assert.Equal(2, third.FoldedIn);
        Assert.Equal(0, new FileInfo(ledger.PendingPath).Length);
        Assert.Equal(7m, ledger.Summarize(null, UsageGroupBy.Day).Total.CostUsd);

        // A process that died after committing but before truncating leaves the lines behind: folding them again adds nothing.
        File.WriteAllText(ledger.PendingPath, saved);
        var fourth = ledger.Append(Make.Record(s_day.AddMinutes(3), cost: 8m));
        Assert.Equal(0, fourth.FoldedIn);
        Assert.Equal(4, ledger.Query().Count);
        Assert.Equal(15m, ledger.Spend(s_day, s_day.AddDays(1)));
    }

    [Fact]
    public void Unwritable_data_folder_falls_back_to_temp_folder_and_folds_in_later()
    {
        var notAFolder = _dir.Sub("file");
        File.WriteAllText(notAFolder, "this is a file, not a folder");
        var broken = Make.Ledger(_dir, folder: notAFolder);

        var result = broken.Append(Make.Record(s_day, cost: 1m));

        Assert.False(result.Stored);
        Assert.Equal(broken.TempPendingPath, result.PendingPath);

        var healthy = Make.Ledger(_dir); // same temp folder, writable data folder
        var next = healthy.Append(Make.Record(s_day.AddMinutes(1), cost: 2m));
        Assert.Equal(1, next.FoldedIn);
        Assert.Equal(3m, healthy.Spend(s_day, s_day.AddDays(1)));
    }

    [Fact]
    public void Database_locked_past_the_busy_timeout_goes_to_pending_file()
    {
        var ledger = Make.Ledger(_dir, busy: TimeSpan.FromMilliseconds(200));
        ledger.Append(Make.Record(s_day));
        using (var blocker = new SqliteConnection($"Data Source={ledger.DatabasePath};Pooling=False"))
        {
            blocker.Open();
            using var command = blocker.CreateCommand();
            command.CommandText = "BEGIN EXCLUSIVE;";
            command.ExecuteNonQuery();

            var blocked = ledger.Append(Make.Record(s_day.AddMinutes(1)));

            Assert.False(blocked.Stored);
            Assert.Equal(ledger.PendingPath, blocked.PendingPath);
        }
        Assert.Equal(1, ledger.Append(Make.Record(s_day.AddMinutes(2))).FoldedIn);
        Assert.Equal(3, ledger.Query().Count);
    }

    [Fact]
    public void Api_key_is_scrubbed_from_database_and_pending_file()
    {
        const string key = "AIzaSyD-EXAMPLE-KEY-0123456789abcdefghi";
        var ledger = Make.Ledger(_dir, secrets: new[] { key, null, "" });
        var record = Make.Record(s_day);
        record.Prompt = $"use key {key} please";
        record.OutputPath = $"/tmp/{key}.png";
        record.Tags = new List<string> { key };

        ledger.Append(record);

        var read = Assert.Single(ledger.Query());
        Assert.Equal("use key *** please", read.Prompt);
        Assert.Equal("/tmp/***.png", read.OutputPath);
        Assert.Equal(new[] { "***" }, read.Tags);
        Assert.DoesNotContain(key, File.ReadAllText(ledger.DatabasePath) + ReadWal(ledger));

        var brokenFolder = _dir.Sub("broken");
        Directory.CreateDirectory(Path.Combine(brokenFolder, UsageLedger.DatabaseFileName));
        var broken = Make.Ledger(_dir, folder: brokenFolder, secrets: new[] { key });
        var pending = broken.Append(new UsageRecord { Prompt = key, Model = "m" });
        Assert.DoesNotContain(key, File.ReadAllText(pending.PendingPath!));
    }

    [Fact]
    public void Bundled_native_library_is_found_under_the_runtime_identifier_folder()
    {
        var rid = Engine.Ledger.SqliteNativeLoader.CurrentRid();
        Assert.Matches("^(win|osx|linux|linux-musl)-[a-z0-9]+$", rid);
        var found = Engine.Ledger.SqliteNativeLoader.FindBundledLibrary(AppContext.BaseDirectory);
        Assert.NotNull(found);
        Assert.EndsWith(Path.Combine("runtimes", rid, "native", Engine.Ledger.SqliteNativeLoader.NativeFileName()), found);
    }

    private static string ReadWal(UsageLedger ledger)
    {
        var wal = ledger.DatabasePath + "-wal";
        if (!File.Exists(wal)) return "";
        using var stream = new FileStream(wal, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        return new StreamReader(stream).ReadToEnd();
    }
}
