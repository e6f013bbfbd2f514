using System.Net;
using System.Net.Sockets;
using GeminiImage.Engine.Ledger;
using Xunit;

namespace GeminiImage.Tests.Ledger;

/// <summary>The PostgreSQL ledger against a real server (tools/Start-TestPostgres.ps1), each test in its own database.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresLedgerTests : IDisposable
{
    private readonly PostgresServer _server;
    private readonly TempDir _dir = new();
    private readonly FixedClock _clock = new(new DateTime(2026, 11, 25, 12, 0, 0, DateTimeKind.Utc));
    private readonly string _database;

    public PostgresLedgerTests(PostgresServer server)
    {
        _server = server;
        _database = server.CreateDatabase();
    }

    public void Dispose() => _dir.Dispose();

    private PostgresLedger Ledger(string? user = null, string? database = null, IEnumerable<string?>? secrets = null) =>
        new(_server.ConnectionString(database ?? _database, user), Options(secrets));

    private UsageLedgerOptions Options(IEnumerable<string?>? secrets = null) => new()
    {
        DataFolder = _dir.Sub("data"),
        TempFolder = _dir.Sub("temp"),
        UtcNow = () => _clock.UtcNow,
        Secrets = secrets,
    };

    private static int ClosedPort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    [Fact]
    public void Records_round_trip_with_every_field_and_the_schema_is_versioned()
    {
        var ledger = Ledger(secrets: new[] { "AIzaSECRETSECRETSECRET" });
        var record = Make.Record(_clock.UtcNow.AddMinutes(-5), cost: 0.134001m, tags: new[] { "a", "b" });
        record.Project = "Apollo";
        record.Prompt = "a cat AIzaSECRETSECRETSECRET";
        record.Endpoint = "default";
        record.BatchId = "b1";
        record.RowId = "r1";
        Assert.True(ledger.Append(record).Stored);

        var back = Assert.Single(ledger.Query());
        Assert.Equal(record.RecordId, back.RecordId);
        Assert.Equal(record.TimeUtc, back.TimeUtc);
        Assert.Equal(DateTimeKind.Utc, back.TimeUtc.Kind);
        Assert.Equal(0.134001m, back.CostUsd);
        Assert.Equal(new[] { "a", "b" }, back.Tags);
        Assert.Equal("Apollo", back.Project);
        Assert.Equal(Environment.UserName, back.UserName);
        Assert.Equal(Environment.MachineName, back.MachineName);
        Assert.Equal("a cat ***", back.Prompt);
        Assert.Equal(("b1", "r1", "default"), (back.BatchId, back.RowId, back.Endpoint));
        Assert.Equal(PostgresSchema.CurrentVersion, Convert.ToInt32(_server.Scalar(_database, "SELECT MAX(version) FROM gemini_schema")));
        // The dashboard's view reads the same record in dollars.
        Assert.Equal(0.134001m, (decimal)_server.Scalar(_database, "SELECT cost_usd FROM gemini_usage_report")!);
    }

    [Fact]
    public void A_record_written_twice_counts_once_and_a_settled_record_is_never_replaced()
    {
        var ledger = Ledger();
        var record = Make.Record(_clock.UtcNow, cost: 0.039m);
        ledger.Append(record);
        ledger.Append(record);
        var retry = Make.Record(_clock.UtcNow, cost: 9m);
        retry.RecordId = record.RecordId;
        ledger.Append(retry);
        var only = Assert.Single(ledger.Query());
        Assert.Equal(0.039m, only.CostUsd);
        Assert.Equal(0.039m, ledger.SpendToday());
    }

    [Fact]
    public void Reservations_count_at_once_settle_to_the_real_cost_and_release()
    {
        var ledger = Ledger();
        var guard = new BudgetGuard(ledger, new BudgetSettings { Daily = 1m, WarnAt = null });
        var a = new UsageRecord { Cmdlet = "New-GeminiImage", Model = "gemini-2.5-flash-image", CostUsd = 0.05m, Project = "Apollo" };
        var b = new UsageRecord { Cmdlet = "New-GeminiImage", Model = "gemini-2.5-flash-image", CostUsd = 0.05m };
        guard.Reserve(new[] { a, b });
        Assert.Equal(0.10m, ledger.SpendToday());
        var actual = Make.Record(_clock.UtcNow, cost: 0.039m);
        Assert.True(ledger.Settle(a.RecordId, actual).Stored);
        ledger.Release(new[] { b.RecordId });
        var settled = Assert.Single(ledger.Query());
        Assert.Equal((UsageStatus.Success, 0.039m), (settled.Status, settled.CostUsd));
        Assert.Equal("Apollo", settled.Project); // the settlement had no project: the reservation's stays
    }

    [Fact]
    public void An_unreachable_server_sends_the_record_to_the_pending_file_and_the_next_good_write_replays_it()
    {
        var down = new PostgresLedger($"Host=127.0.0.1;Port={ClosedPort()};Database={_database};Username={_server.AdminUser};Timeout=2", Options());
        var lost = Make.Record(_clock.UtcNow, cost: 0.039m);
        var result = down.Append(lost);
        Assert.False(result.Stored);
        Assert.Equal(down.PendingPath, result.PendingPath);
        var error = Assert.IsType<LedgerException>(result.Error);
        Assert.Equal(LedgerException.UnreachableId, error.ErrorId);
        Assert.Equal(LedgerException.UnreachableId, Assert.Throws<LedgerException>(() => down.Query()).ErrorId);

        var up = Ledger();
        var next = up.Append(Make.Record(_clock.UtcNow, cost: 0.01m));
        Assert.Equal((true, 1), (next.Stored, next.FoldedIn));
        Assert.Contains(up.Query(), r => r.RecordId == lost.RecordId);
        Assert.Equal(0, new FileInfo(up.PendingPath).Length);
        // Replaying again adds nothing.
        Assert.Equal(0, up.Append(Make.Record(_clock.UtcNow)).FoldedIn);
        Assert.Equal(3, up.Query().Count);
    }

    [Fact]
    public void A_schema_from_a_newer_module_is_refused_with_its_own_id_and_records_stay_pending()
    {
        Ledger().Query(); // creates version 1
        _server.Sql(_database, "INSERT INTO gemini_schema (version, applied_by) VALUES (99, 'future')");
        var ledger = Ledger();
        var error = Assert.Throws<LedgerException>(() => ledger.Query());
        Assert.Equal(LedgerException.SchemaTooNewId, error.ErrorId);
        Assert.Contains("99", error.Message);
        var result = ledger.Append(Make.Record(_clock.UtcNow));
        Assert.False(result.Stored);
        Assert.Equal(LedgerException.SchemaTooNewId, Assert.IsType<LedgerException>(result.Error).ErrorId);
        Assert.True(File.Exists(result.PendingPath));
    }

    [Fact]
    public void A_user_without_rights_to_create_the_tables_gets_a_clear_error_and_may_use_them_once_made_and_granted()
    {
        var limited = Ledger(_server.LimitedUser);
        var error = Assert.Throws<LedgerException>(() => limited.Query());
        Assert.Equal(LedgerException.PermissionDeniedId, error.ErrorId);
        Assert.Contains("GRANT", error.RecommendedAction);
        Assert.False(limited.Append(Make.Record(_clock.UtcNow)).Stored);

        Ledger().Query(); // the owner creates the tables
        _server.Sql(_database, $"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {_server.LimitedUser}; GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO {_server.LimitedUser}");
        var granted = Ledger(_server.LimitedUser);
        var next = granted.Append(Make.Record(_clock.UtcNow));
        Assert.True(next.Stored);
        Assert.Equal(1, next.FoldedIn); // the record kept while it was refused
    }

    [Fact]
    public void A_wrong_login_and_a_missing_database_have_their_own_ids()
    {
        Assert.Equal(LedgerException.AuthenticationFailedId, Assert.Throws<LedgerException>(() => Ledger("nobody_here").Query()).ErrorId);
        Assert.Equal(LedgerException.UnreachableId, Assert.Throws<LedgerException>(() => Ledger(database: "no_such_db").Query()).ErrorId);
    }

    [Theory]
    [InlineData("Host=db;Database=x;Username=u;Password=hunter2")]
    [InlineData("this is not a connection string")]
    [InlineData("Database=x;Username=u")]
    public void A_bad_connection_string_is_refused_without_echoing_a_password(string connectionString)
    {
        var error = Assert.Throws<LedgerException>(() => LedgerSettings.Check(connectionString));
        Assert.Equal(LedgerException.InvalidConnectionStringId, error.ErrorId);
        Assert.DoesNotContain("hunter2", error.Message);
        // Used anyway (GEMINI_IMAGE_LEDGER), the record is not lost.
        var ledger = new PostgresLedger(connectionString, Options());
        Assert.False(ledger.Append(Make.Record(_clock.UtcNow)).Stored);
        Assert.DoesNotContain("hunter2", File.ReadAllText(ledger.PendingPath) + ledger.Location);
    }

    [Fact]
    public void Import_adds_a_sqlite_history_once()
    {
        var sqlite = Make.Ledger(_dir, _clock, folder: _dir.Sub("old"));
        for (var i = 0; i < 5; i++) sqlite.Append(Make.Record(_clock.UtcNow.AddDays(-i), cost: 0.01m * (i + 1)));
        var team = Ledger();
        team.Append(sqlite.Query()[0]); // one of them is already there
        Assert.Equal(4, team.Import(sqlite.Query()));
        Assert.Equal(0, team.Import(sqlite.Query()));
        Assert.Equal(sqlite.Query().Select(r => (r.RecordId, r.CostUsd, r.TimeUtc)), team.Query().Select(r => (r.RecordId, r.CostUsd, r.TimeUtc)));
    }

    [Fact]
    public void Filters_give_the_same_records_on_sqlite_and_postgresql()
    {
        var sqlite = Make.Ledger(_dir, _clock, folder: _dir.Sub("same"));
        var team = Ledger();
        var rows = new[]
        {
            (User: "alice", Project: "Apollo", Tag: "x_y", Model: "gemini-2.5-flash-image", Days: 0),
            (User: "Alice", Project: "apollo", Tag: "x%", Model: "gemini-3-pro-image-preview", Days: 1),
            (User: "bob", Project: (string?)null, Tag: "x", Model: "gemini-2.5-flash-image", Days: 2),
            (User: "carol", Project: "Zeus", Tag: "xay", Model: "gemini-2.5-flash-image", Days: 40),
        };
        foreach (var row in rows)
        {
            var record = Make.Record(_clock.UtcNow.AddDays(-row.Days), model: row.Model, tags: row.Tag);
            record.UserName = row.User;
            record.Project = row.Project;
            sqlite.Append(record);
            team.Import(new[] { record });
        }
        var filters = new[]
        {
            new UsageFilter(),
            new UsageFilter { User = "ALICE" },
            new UsageFilter { Project = "apollo" },
            new UsageFilter { Tag = "x_y" },
            new UsageFilter { Tag = "x" },
            new UsageFilter { Model = "models/GEMINI-2.5-flash-image" },
            new UsageFilter { Since = _clock.UtcNow.AddDays(-1.5), Until = _clock.UtcNow },
            new UsageFilter { Last = 2 },
        };
        foreach (var filter in filters)
        {
            var expected = sqlite.Query(filter).Select(r => r.RecordId).ToList();
            Assert.Equal(expected, team.Query(filter).Select(r => r.RecordId).ToList());
            Assert.NotEmpty(expected);
        }
        var byUser = UsageSummary.Create(team.Query(), UsageGroupBy.User);
        Assert.Equal(new[] { "alice", "bob", "carol" }, byUser.Groups.Select(g => g.Key.ToLowerInvariant()));
        Assert.Equal(new[] { "(none)", "apollo", "zeus" }, UsageSummary.Create(team.Query(), UsageGroupBy.Project).Groups.Select(g => g.Key.ToLowerInvariant()));
    }
}
