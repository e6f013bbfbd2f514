using GeminiImage.Engine.Ledger;
using Microsoft.Data.Sqlite;
using Xunit;

namespace GeminiImage.Tests.Ledger;

/// <summary>The Endpoint column: stored, read back, grouped, and added to ledgers made before it existed.</summary>
public sealed class LedgerEndpointTests : IDisposable
{
    private static readonly DateTime s_day = new(2026, 11, 24, 10, 0, 0, DateTimeKind.Utc);
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Endpoint_round_trips_and_groups()
    {
        var ledger = Make.Ledger(_dir);
        var a = Make.Record(s_day); a.Endpoint = "gateway";
        var b = Make.Record(s_day); b.Endpoint = "vertex";
        var c = Make.Record(s_day); c.Endpoint = "vertex";
        foreach (var r in new[] { a, b, c, Make.Record(s_day) }) ledger.Append(r);
        Assert.Equal(new[] { "gateway", "vertex", "vertex", null }, ledger.Query(null).Select(r => r.Endpoint));
        var groups = ledger.Summarize(null, UsageGroupBy.Endpoint).Groups.ToDictionary(g => g.Key, g => g.Requests);
        Assert.Equal(2, groups["vertex"]);
        Assert.Equal(1, groups["gateway"]);
        Assert.Equal(1, groups["(none)"]);
    }

    [Fact]
    public void A_ledger_from_before_endpoints_gets_the_column_and_keeps_its_records()
    {
        var folder = _dir.Sub("old");
        Directory.CreateDirectory(folder);
        using (var connection = new SqliteConnection($"Data Source={Path.Combine(folder, "usage.db")};Pooling=False"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            // The version 1 schema as the first release wrote it.
            command.CommandText = @"CREATE TABLE usage (id INTEGER PRIMARY KEY AUTOINCREMENT, record_id TEXT NOT NULL UNIQUE, utc_time TEXT NOT NULL,
cmdlet TEXT NOT NULL, operation TEXT NOT NULL, model TEXT NOT NULL, input_tokens INTEGER NOT NULL DEFAULT 0, text_output_tokens INTEGER NOT NULL DEFAULT 0,
image_output_tokens INTEGER NOT NULL DEFAULT 0, thinking_tokens INTEGER NOT NULL DEFAULT 0, image_count INTEGER NOT NULL DEFAULT 0, cost_micros INTEGER NULL,
saved_micros INTEGER NULL, status TEXT NOT NULL, error_id TEXT NULL, tags TEXT NOT NULL DEFAULT '', batch_id TEXT NULL, row_id TEXT NULL, output_path TEXT NULL,
prompt TEXT NULL, machine_name TEXT NULL, user_name TEXT NULL, response_id TEXT NULL);
INSERT INTO usage (record_id, utc_time, cmdlet, operation, model, status) VALUES ('old1', '2026-11-01T10:00:00.0000000Z', 'New-GeminiImage', 'Generate', 'gemini-2.5-flash-image', 'Success');
PRAGMA user_version = 1;";
            command.ExecuteNonQuery();
        }
        var ledger = Make.Ledger(_dir, folder: folder);
        var r = Make.Record(s_day); r.Endpoint = "backup";
        ledger.Append(r);
        var all = ledger.Query(null);
        Assert.Equal(2, all.Count);
        Assert.Null(all[0].Endpoint);
        Assert.Equal("backup", all[1].Endpoint);
    }
}
