using GeminiImage.Engine.Ledger;
using Xunit;

namespace GeminiImage.Tests.Ledger;

/// <summary>The ledger's edges: periods, filters, normalisation, rounding, every operation and status.</summary>
public sealed class UsageLedgerRulesTests : IDisposable
{
    private static readonly DateTime s_day = new(2026, 11, 24, 10, 0, 0, DateTimeKind.Utc);
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Folders_and_files()
    {
        var ledger = Make.Ledger(_dir);
        Assert.Equal(_dir.Sub("data"), ledger.DataFolder);
        Assert.Equal(_dir.Sub("temp"), ledger.TempFolder);
        Assert.Equal(Path.Combine(_dir.Sub("data"), "usage.db"), ledger.DatabasePath);
        Assert.Equal(Path.Combine(_dir.Sub("data"), "usage-pending.jsonl"), ledger.PendingPath);
        Assert.Equal(Path.Combine(_dir.Sub("temp"), "usage-pending.jsonl"), ledger.TempPendingPath);
        Assert.Throws<ArgumentNullException>(() => ledger.Append(null!));
    }

    [Fact]
    public void Every_operation_and_status_round_trips()
    {
        var ledger = Make.Ledger(_dir);
        var operations = Enum.GetValues<UsageOperation>();
        var statuses = Enum.GetValues<UsageStatus>();
        for (var i = 0; i < operations.Length; i++)
        {
            var record = Make.Record(s_day.AddMinutes(i));
            record.Operation = operations[i];
            record.Status = statuses[i % statuses.Length];
            Assert.True(ledger.Append(record).Stored);
        }
        var read = ledger.Query();
        Assert.Equal(operations, read.Select(r => r.Operation));
        Assert.Equal(operations.Select((_, i) => statuses[i % statuses.Length]), read.Select(r => r.Status));
    }

    [Fact]
    public void Records_are_normalised_before_they_are_stored()
    {
        var ledger = Make.Ledger(_dir);
        var record = Make.Record(s_day, model: "models/gemini-2.5-flash-image");
        record.Tags = new List<string> { " a,b ", "", "  ", "c", "c" };
        record.Cmdlet = null!;
        record.RecordId = null!;
        ledger.Append(record);

        var read = Assert.Single(ledger.Query());
        Assert.Equal("gemini-2.5-flash-image", read.Model);
        Assert.Equal(new[] { "a b", "c" }, read.Tags);
        Assert.Equal("", read.Cmdlet);
        Assert.Matches("^[0-9a-f]{32}$", read.RecordId);
    }

    [Fact]
    public void Short_secrets_are_not_scrubbed_and_long_ones_are_everywhere()
    {
        var key = "AIzaSECRET-key-for-the-ledger-0001";
        var ledger = Make.Ledger(_dir, secrets: new[] { "a", "short", null, key, key });
        var record = Make.Record(s_day, tags: $"t-{key}");
        record.Prompt = $"a short prompt with {key}";
        record.ErrorId = key;
        record.BatchId = key;
        record.RowId = key;
        record.OutputPath = $"/o/{key}.png";
        record.MachineName = key;
        record.UserName = key;
        record.ResponseId = key;
        record.Cmdlet = key;
        ledger.Append(record);

        var read = Assert.Single(ledger.Query());
        Assert.Equal("a short prompt with ***", read.Prompt);
        Assert.Equal(new[] { "t-***" }, read.Tags);
        Assert.Equal("/o/***.png", read.OutputPath);
        Assert.All(new[] { read.ErrorId, read.BatchId, read.RowId, read.MachineName, read.UserName, read.ResponseId, read.Cmdlet }, v => Assert.Equal("***", v));
    }

    [Fact]
    public void Last_takes_the_newest_records_in_time_order()
    {
        var ledger = Make.Ledger(_dir);
        for (var i = 0; i < 5; i++) ledger.Append(Make.Record(s_day.AddHours(i), cost: i));
        Assert.Equal(new[] { 3m, 4m }, ledger.Query(new UsageFilter { Last = 2 }).Select(r => r.CostUsd!.Value));
        Assert.Empty(ledger.Query(new UsageFilter { Last = 0 }));
        Assert.Empty(ledger.Query(new UsageFilter { Last = -3 }));
        Assert.Equal(5, ledger.Query(new UsageFilter { Last = 50 }).Count);
    }

    [Fact]
    public void Since_is_inclusive_until_is_exclusive_and_model_and_tag_match_whole_and_without_case()
    {
        var ledger = Make.Ledger(_dir);
        ledger.Append(Make.Record(s_day, model: "gemini-2.5-flash-image", tags: new[] { "Client-A", "draft" }));
        ledger.Append(Make.Record(s_day.AddHours(1), model: "gemini-3-pro-image", tags: "client-ab"));
        ledger.Append(Make.Record(s_day.AddHours(2)));

        Assert.Equal(2, ledger.Query(new UsageFilter { Since = s_day.AddHours(1) }).Count);
        Assert.Equal(2, ledger.Query(new UsageFilter { Until = s_day.AddHours(2) }).Count);
        Assert.Single(ledger.Query(new UsageFilter { Since = s_day.AddHours(1), Until = s_day.AddHours(2) }));
        Assert.Single(ledger.Query(new UsageFilter { Model = "models/GEMINI-3-pro-image" }));
        var tagged = Assert.Single(ledger.Query(new UsageFilter { Tag = " client-a " }));
        Assert.Equal(s_day, tagged.TimeUtc);
        Assert.Equal(3, ledger.Query(new UsageFilter { Model = "", Tag = "" }).Count);
    }

    [Fact]
    public void Spend_counts_only_its_period_and_unknown_costs_as_nothing()
    {
        var clock = new FixedClock(new DateTime(2026, 11, 30, 23, 30, 0, DateTimeKind.Utc));
        var ledger = Make.Ledger(_dir, clock);
        ledger.Append(Make.Record(new DateTime(2026, 11, 30, 0, 0, 0, DateTimeKind.Utc), cost: 1m));      // first tick of today
        ledger.Append(Make.Record(new DateTime(2026, 11, 29, 23, 59, 59, DateTimeKind.Utc), cost: 2m));   // yesterday
        ledger.Append(Make.Record(new DateTime(2026, 11, 1, 0, 0, 0, DateTimeKind.Utc), cost: 4m));       // first tick of the month
        ledger.Append(Make.Record(new DateTime(2026, 10, 31, 23, 59, 59, DateTimeKind.Utc), cost: 8m));   // last month
        ledger.Append(Make.Record(new DateTime(2026, 12, 1, 0, 0, 0, DateTimeKind.Utc), cost: 16m));      // next month
        ledger.Append(Make.Record(new DateTime(2026, 11, 30, 12, 0, 0, DateTimeKind.Utc), cost: null));  // unpriced

        Assert.Equal(1m, ledger.SpendToday());
        Assert.Equal(7m, ledger.SpendThisMonth());
        Assert.Equal(3m, ledger.Spend(new DateTime(2026, 11, 29, 23, 59, 59, DateTimeKind.Utc), new DateTime(2026, 12, 1, 0, 0, 0, DateTimeKind.Utc)));
        Assert.Equal(0m, ledger.Spend(new DateTime(2025, 1, 1), new DateTime(2025, 2, 1)));
    }

    [Fact]
    public void Local_times_are_stored_as_utc()
    {
        var ledger = Make.Ledger(_dir);
        var local = new DateTime(2026, 6, 1, 12, 0, 0, DateTimeKind.Local);
        ledger.Append(Make.Record(local));
        ledger.Append(Make.Record(new DateTime(2026, 6, 2, 12, 0, 0, DateTimeKind.Unspecified)));
        var read = ledger.Query();
        Assert.Equal(local.ToUniversalTime(), read[0].TimeUtc);
        Assert.Equal(new DateTime(2026, 6, 2, 12, 0, 0, DateTimeKind.Utc), read[1].TimeUtc);
    }

    [Fact]
    public void Costs_are_kept_to_the_micro_dollar_rounding_half_away_from_zero()
    {
        var ledger = Make.Ledger(_dir);
        ledger.Append(Make.Record(s_day, cost: 0.0000005m));
        ledger.Append(Make.Record(s_day.AddMinutes(1), cost: 0.0000004m));
        ledger.Append(Make.Record(s_day.AddMinutes(2), cost: 0.039m));
        var read = ledger.Query();
        Assert.Equal(0.000001m, read[0].CostUsd);
        Assert.Equal(0m, read[1].CostUsd);
        Assert.Equal("0.039", read[2].CostUsd!.Value.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public void An_append_reports_how_many_pending_records_it_folded_in()
    {
        var ledger = Make.Ledger(_dir);
        Directory.CreateDirectory(ledger.DataFolder);
        Directory.CreateDirectory(ledger.TempFolder);
        var pending = Make.Record(s_day, cost: 0.5m);
        File.WriteAllText(ledger.PendingPath, System.Text.Json.JsonSerializer.Serialize(pending) + "\n" + "not a record\n\n");
        File.WriteAllText(ledger.TempPendingPath, "");

        var result = ledger.Append(Make.Record(s_day.AddMinutes(1)));
        Assert.True(result.Stored);
        Assert.True(result.Saved);
        Assert.Equal(1, result.FoldedIn);
        Assert.Null(result.Error);
        Assert.Equal(2, ledger.Query().Count);
        Assert.Equal("not a record\n", File.ReadAllText(ledger.PendingPath)); // what could not be read is kept
        Assert.Equal(0, ledger.Append(Make.Record(s_day.AddMinutes(2))).FoldedIn);
    }
}

/// <summary>Groupings, averages and totals of a summary.</summary>
public sealed class UsageSummaryRulesTests
{
    private static UsageRecord Record(DateTime time, decimal? cost, int images = 1, decimal? saved = null, string cmdlet = "New-GeminiImage", params string[] tags)
    {
        var r = Make.Record(time, cost: cost, images: images, tags: tags);
        r.SavedCostUsd = saved;
        r.Cmdlet = cmdlet;
        r.ThinkingTokens = 5;
        return r;
    }

    [Fact]
    public void Weeks_start_on_monday()
    {
        var records = new[]
        {
            Record(new DateTime(2026, 11, 23, 0, 0, 0, DateTimeKind.Utc), 1m),  // Monday
            Record(new DateTime(2026, 11, 29, 23, 0, 0, DateTimeKind.Utc), 1m), // Sunday of the same week
            Record(new DateTime(2026, 11, 30, 1, 0, 0, DateTimeKind.Utc), 1m),  // the next Monday
        };
        var weeks = UsageSummary.Create(records, UsageGroupBy.Week);
        Assert.Equal(UsageGroupBy.Week, weeks.GroupBy);
        Assert.Equal(new[] { ("2026-11-23", 2), ("2026-11-30", 1) }, weeks.Groups.Select(g => (g.Key, g.Requests)));
    }

    [Fact]
    public void Groups_add_up_every_counter_and_totals_count_each_record_once()
    {
        var day = new DateTime(2026, 11, 24, 9, 0, 0, DateTimeKind.Utc);
        var records = new[]
        {
            Record(day, 0.1m, images: 2, saved: 0.5m, cmdlet: "New-GeminiImage", tags: new[] { "a", "A", "b" }),
            Record(day, null, images: 1, cmdlet: "Edit-GeminiImage"),
            Record(day, 0.2m, images: 0, cmdlet: "new-geminiimage", tags: "b"),
        };
        var byTag = UsageSummary.Create(records, UsageGroupBy.Tag);
        Assert.Equal(new[] { ("(none)", 1), ("a", 1), ("b", 2) }, byTag.Groups.Select(g => (g.Key, g.Requests)));
        var total = byTag.Total;
        Assert.Equal(("Total", 3, 3L), (total.Key, total.Requests, total.Images));
        Assert.Equal((30L, 36L + 1290L * 3, 15L), (total.InputTokens, total.OutputTokens, total.ThinkingTokens));
        Assert.Equal((0.3m, 0.5m, 1), (total.CostUsd, total.SavedCostUsd, total.UnpricedRequests));
        Assert.Equal(0.1m, total.AverageCostPerImage);

        var byCmdlet = UsageSummary.Create(records, UsageGroupBy.Cmdlet);
        Assert.Equal(new[] { ("Edit-GeminiImage", 1), ("New-GeminiImage", 2) }, byCmdlet.Groups.Select(g => (g.Key, g.Requests)));
    }

    [Fact]
    public void Average_cost_per_image_is_rounded_and_absent_without_images()
    {
        Assert.Null(new UsageGroup { CostUsd = 1m }.AverageCostPerImage);
        Assert.Equal(0.333333m, new UsageGroup { CostUsd = 1m, Images = 3 }.AverageCostPerImage);
    }

    [Fact]
    public void An_unknown_grouping_is_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => UsageSummary.Create(new[] { Record(DateTime.UtcNow, 1m) }, (UsageGroupBy)99));
    }
}

/// <summary>The budget's messages and settings file.</summary>
public sealed class BudgetMessagesTests : IDisposable
{
    private readonly TempDir _dir = new();
    private readonly FixedClock _clock = new(new DateTime(2026, 11, 25, 12, 0, 0, DateTimeKind.Utc));

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Messages_name_the_budget_the_spend_and_the_estimate()
    {
        var ledger = Make.Ledger(_dir, _clock);
        ledger.Append(Make.Record(_clock.UtcNow, cost: 0.7m));

        var warning = new BudgetGuard(ledger, new BudgetSettings { Daily = 1m }).Check(0.15m);
        Assert.Equal("Spending is near the daily budget of $1.00: $0.70 spent so far, this request is estimated at $0.15.", warning.Message);

        var exceeded = new BudgetGuard(ledger, new BudgetSettings { Monthly = 0.8m }).Check(0.15m);
        Assert.Equal("The monthly budget of $0.80 would be exceeded: $0.70 spent so far, this request is estimated at $0.15.", exceeded.Message);
        Assert.EndsWith("month (UTC).", new BudgetExceededException(exceeded).RecommendedAction);

        // Money as the views write it ($5.5337), not the ledger's micro-dollars ($5.533684).
        ledger.Append(Make.Record(_clock.UtcNow, cost: 4.833684m));
        var precise = new BudgetGuard(ledger, new BudgetSettings { Daily = 5m }).Check(0.039m);
        Assert.Equal("The daily budget of $5.00 would be exceeded: $5.5337 spent so far, this request is estimated at $0.039.", precise.Message);

        var daily = new BudgetGuard(ledger, new BudgetSettings { Daily = 0.8m }).Check(0.15m);
        Assert.EndsWith("day (UTC).", new BudgetExceededException(daily).RecommendedAction);

        var allowed = new BudgetGuard(ledger, new BudgetSettings { Daily = 100m }).Check(0.15m);
        Assert.Equal((BudgetStatus.Allowed, "Within budget.", 0.15m), (allowed.Status, allowed.Message, allowed.Estimated));
        Assert.Null(allowed.Period);
        Assert.Null(allowed.Limit);
    }

    [Fact]
    public void Without_a_warning_level_nothing_is_warned()
    {
        var ledger = Make.Ledger(_dir, _clock);
        ledger.Append(Make.Record(_clock.UtcNow, cost: 0.95m));
        Assert.Equal(BudgetStatus.Allowed, new BudgetGuard(ledger, new BudgetSettings { Daily = 1m, WarnAt = null }).Check(0.01m).Status);
        Assert.False(File.Exists(Path.Combine(ledger.DataFolder, BudgetGuard.StateFileName)));
    }

    [Fact]
    public void Settings_default_to_no_limits_and_a_warning_at_eighty_percent()
    {
        var fresh = BudgetSettings.Load(_dir.Sub("none"));
        Assert.Equal(((decimal?)null, (decimal?)null, (decimal?)0.8m), (fresh.Daily, fresh.Monthly, fresh.WarnAt));
        var folder = _dir.Sub("deep/er");
        new BudgetSettings { Monthly = 3m, WarnAt = null }.Save(folder);
        var loaded = BudgetSettings.Load(folder);
        Assert.Equal(((decimal?)null, (decimal?)3m, (decimal?)null), (loaded.Daily, loaded.Monthly, loaded.WarnAt));
        File.WriteAllText(Path.Combine(folder, BudgetSettings.FileName), "null");
        Assert.Null(BudgetSettings.Load(folder).Monthly);
    }
}

/// <summary>The spend report's chart geometry, labels and tables.</summary>
public sealed class SpendReportLayoutTests
{
    private static UsageRecord Record(int day, decimal cost) => Make.Record(new DateTime(2026, 11, day, 9, 0, 0, DateTimeKind.Utc), cost: cost);

    [Fact]
    public void Bars_scale_to_the_most_expensive_day_and_sit_on_the_axis()
    {
        var html = SpendReport.BuildHtml(UsageSummary.Create(new[] { Record(24, 1m), Record(25, 0.5m) }, UsageGroupBy.Day), title: "Q4 <spend>");
        // 760x240 chart, 40 px margins: 680 px for two slots of 340, bars 80 % of a slot, plot height 160.
        Assert.Contains("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"760\" height=\"240\"", html);
        Assert.Contains("<line x1=\"40\" y1=\"200\" x2=\"720\" y2=\"200\" stroke=\"#888\"/>", html);
        Assert.Contains("<text x=\"4\" y=\"32\">max $1.00</text>", html);
        Assert.Contains("<rect class=\"bar\" x=\"74\" y=\"40\" width=\"272\" height=\"160\"><title>2026-11-24: $1.00</title></rect>", html);
        Assert.Contains("<rect class=\"bar\" x=\"414\" y=\"120\" width=\"272\" height=\"80\"><title>2026-11-25: $0.50</title></rect>", html);
        Assert.Contains("<text x=\"74\" y=\"214\">2026-11-24</text>", html);
        Assert.Contains("<text x=\"414\" y=\"214\">2026-11-25</text>", html);
        Assert.Contains("<title>Q4 &lt;spend&gt;</title>", html);
        Assert.Contains("<h1>Q4 &lt;spend&gt;</h1>", html);
        Assert.Contains("<h2>By day</h2>", html);
        Assert.Contains("<th>Day</th><th>Requests</th>", html);
        Assert.Contains("<tr><td>2026-11-24</td><td>1</td><td>1</td><td>10</td><td>1302</td><td>1.00</td><td>0.00</td><td>1.00</td></tr>", html);
        Assert.Contains("<tfoot><tr><td>Total</td><td>2</td><td>2</td><td>20</td><td>2604</td><td>1.50</td><td>0.00</td><td>0.75</td></tr>", html);
        Assert.EndsWith("</body></html>\n", html);
    }

    [Fact]
    public void Long_ranges_label_every_nth_day_and_the_last()
    {
        var days = Enumerable.Range(1, 12).Select(d => Record(d, d)).ToArray();
        var html = SpendReport.BuildHtml(UsageSummary.Create(days, UsageGroupBy.Day));
        Assert.Equal(12, html.Split("<rect class=\"bar\"").Length - 1);
        var labels = html.Split("y=\"214\">").Skip(1).Select(s => s.Substring(0, 10)).ToList();
        Assert.Equal(new[] { "2026-11-01", "2026-11-03", "2026-11-05", "2026-11-07", "2026-11-09", "2026-11-11", "2026-11-12" }, labels);
    }

    [Fact]
    public void Free_days_draw_flat_bars_and_a_missing_summary_is_an_error()
    {
        var html = SpendReport.BuildHtml(UsageSummary.Create(new[] { Record(24, 0m) }, UsageGroupBy.Day));
        Assert.Contains("height=\"0\"><title>2026-11-24: $0.00</title>", html);
        Assert.Contains("max $0.000001", html);
        Assert.Throws<ArgumentNullException>(() => SpendReport.BuildHtml(null!));
        var empty = SpendReport.BuildHtml(UsageSummary.Create(Array.Empty<UsageRecord>(), UsageGroupBy.Day));
        Assert.Contains("<text x=\"40\" y=\"120\">No spending recorded.</text></svg>", empty);
        Assert.Contains("<td></td></tr>", empty); // no images, no average
    }
}

/// <summary>Budget rules at their edges: the warning threshold, the monthly limit, reservations, the warning state.</summary>
public sealed class BudgetEdgeTests : IDisposable
{
    private static readonly DateTime s_day = new(2026, 11, 24, 10, 0, 0, DateTimeKind.Utc);
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private static UsageRecord Intent(decimal cost, UsageOperation operation = UsageOperation.Generate) => new()
    {
        Cmdlet = "New-GeminiImage", Operation = operation, Model = "gemini-2.5-flash-image", ImageCount = 1, CostUsd = cost,
    };

    [Fact]
    public void Near_limit_warns_from_exactly_the_threshold_of_spend_plus_estimate()
    {
        var settings = new BudgetSettings { Daily = 10m, Monthly = 100m, WarnAt = 0.8m };
        var daily = BudgetGuard.NearLimit(settings, 7m, 0m, 1m, "team")!;
        Assert.Equal((BudgetStatus.Warning, BudgetPeriod.Daily, 10m, 7m, 1m, "team"),
            (daily.Status, daily.Period, daily.Limit, daily.Spent, daily.Estimated, daily.Scope));
        Assert.Null(BudgetGuard.NearLimit(settings, 6.99m, 79.99m - 1m, 1m));

        var monthlyOnly = new BudgetSettings { Monthly = 100m, WarnAt = 0.8m };
        var monthly = BudgetGuard.NearLimit(monthlyOnly, 0m, 79m, 1m)!;
        Assert.Equal((BudgetPeriod.Monthly, 100m, 79m), (monthly.Period, monthly.Limit, monthly.Spent));
        Assert.Null(BudgetGuard.NearLimit(new BudgetSettings { Daily = 10m, WarnAt = null }, 9m, 0m, 1m));
    }

    [Fact]
    public void Spending_exactly_the_monthly_budget_is_allowed_a_cent_more_is_not()
    {
        var settings = new BudgetSettings { Monthly = 1m };
        Assert.Null(BudgetGuard.Evaluate(settings, 0m, 0.6m, 0.4m));
        Assert.Equal(BudgetPeriod.Monthly, BudgetGuard.Evaluate(settings, 0m, 0.6m, 0.41m)!.Period);
    }

    [Fact]
    public void A_reservation_counts_what_was_spent_earlier_in_the_month()
    {
        var clock = new FixedClock(s_day);
        var ledger = Make.Ledger(_dir, clock);
        ledger.Append(Make.Record(new DateTime(2026, 11, 2, 9, 0, 0, DateTimeKind.Utc), cost: 0.9m));
        var guard = new BudgetGuard(ledger, new BudgetSettings { Monthly = 1m, WarnAt = null });
        var error = Assert.Throws<BudgetExceededException>(() => guard.Reserve(new[] { Intent(0.2m) }));
        Assert.Equal(BudgetPeriod.Monthly, error.Check.Period);
        Assert.Equal(0.9m, error.Check.Spent);
    }

    [Fact]
    public void A_reservation_warns_on_the_sum_of_its_intents()
    {
        var ledger = Make.Ledger(_dir, new FixedClock(s_day));
        var guard = new BudgetGuard(ledger, new BudgetSettings { Daily = 1m, WarnAt = 0.5m });
        // Each intent alone stays under the 0.50 threshold; together they reach it.
        var result = guard.Reserve(new[] { Intent(0.3m), Intent(0.3m) });
        Assert.Equal(BudgetStatus.Warning, result.Status);
        Assert.Equal(0.6m, result.Estimated);
    }

    [Fact]
    public void Reservations_left_open_expire_after_their_lifetime_batch_jobs_later()
    {
        var clock = new FixedClock(s_day);
        var ledger = Make.Ledger(_dir, clock);
        var none = new BudgetSettings();
        ledger.Reserve(new[] { Intent(0.1m) }, none);
        ledger.Reserve(new[] { Intent(0.1m, UsageOperation.BatchServer) }, none);

        clock.UtcNow = s_day + UsageLedger.ReservationLifetime + TimeSpan.FromMinutes(1);
        // A new ledger (the next process) expires stale reservations on its first reservation.
        Make.Ledger(_dir, clock).Reserve(new[] { Intent(0.1m) }, none);
        var statuses = ledger.Query().Select(r => (r.Operation, r.Status)).ToList();
        Assert.Contains((UsageOperation.Generate, UsageStatus.Unanswered), statuses);
        Assert.Contains((UsageOperation.BatchServer, UsageStatus.Pending), statuses);
        Assert.Contains((UsageOperation.Generate, UsageStatus.Pending), statuses);
    }

    [Fact]
    public void A_damaged_warning_state_means_one_more_warning_not_an_error()
    {
        var ledger = Make.Ledger(_dir, new FixedClock(s_day));
        Directory.CreateDirectory(ledger.DataFolder);
        var state = Path.Combine(ledger.DataFolder, BudgetGuard.StateFileName);
        File.WriteAllText(state, "{ not json");
        var guard = new BudgetGuard(ledger, new BudgetSettings { Daily = 1m, WarnAt = 0.5m });
        Assert.Equal(BudgetStatus.Warning, guard.Check(0.6m).Status);
        Assert.Equal(BudgetStatus.Allowed, guard.Check(0.6m).Status); // the repaired state remembers the warning

        // A state that cannot be written (a folder in its place) is not an error either: it warns again.
        File.Delete(state);
        Directory.CreateDirectory(state);
        Assert.Equal(BudgetStatus.Warning, guard.Check(0.6m).Status);
        Assert.Equal(BudgetStatus.Warning, guard.Check(0.6m).Status);
    }

    [Fact]
    public void Reservations_and_settlements_need_their_arguments()
    {
        var ledger = Make.Ledger(_dir);
        Assert.Throws<ArgumentNullException>(() => ledger.Reserve(null!, new BudgetSettings()));
        Assert.Throws<ArgumentNullException>(() => ledger.Reserve(new List<UsageRecord>(), null!));
        Assert.Throws<ArgumentNullException>(() => ledger.Settle("0123456789abcdef0123456789abcdef", null!));
    }

    [Fact]
    public void A_secret_of_eight_characters_is_scrubbed()
    {
        var ledger = Make.Ledger(_dir, secrets: new[] { "k3y-8chr" });
        var record = Make.Record(s_day);
        record.Prompt = "use k3y-8chr here";
        ledger.Append(record);
        Assert.Equal("use *** here", Assert.Single(ledger.Query()).Prompt);
    }
}

/// <summary>Which pending records are plausible enough to fold in: the bounds of every rule.</summary>
public sealed class PendingPlausibilityTests : IDisposable
{
    private static readonly DateTime s_day = new(2026, 11, 24, 10, 0, 0, DateTimeKind.Utc);
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private static string Line(string id, string cost = "0.01", string saved = "null", int images = 1, string model = "gemini-2.5-flash-image") =>
        $"{{\"RecordId\":\"{id}\",\"TimeUtc\":\"{s_day:o}\",\"Model\":\"{model}\",\"CostUsd\":{cost},\"SavedCostUsd\":{saved},\"ImageCount\":{images},\"Status\":\"Success\"}}";

    private static string Id() => Guid.NewGuid().ToString("N");

    [Fact]
    public void Bounds_are_inclusive_and_ids_are_32_lowercase_hex_characters()
    {
        var ledger = Make.Ledger(_dir);
        Directory.CreateDirectory(ledger.DataFolder);
        File.WriteAllLines(ledger.PendingPath, new[]
        {
            Line(Id(), cost: "0"),                                           // free: plausible
            Line(Id(), cost: "1000", saved: "0"),                            // the most a record may claim
            Line(Id(), saved: "1000", images: 1000, model: "models/gemini-2.5-flash-image"),
            Line(new string('0', 31)),                                       // id one short
            Line(new string('0', 31) + "g"),                                 // not hex
            Line(Id(), saved: "-1"),
            Line(Id(), saved: "1000.01"),
            Line(Id(), images: 1001),
            Line(Id(), images: -1),
        });

        var result = ledger.Append(Make.Record(s_day, cost: 0.04m));

        Assert.Equal(3, result.FoldedIn);
        Assert.Equal(1000.05m, ledger.Spend(s_day.Date, s_day.Date.AddDays(1)));
        Assert.All(ledger.Query(), r => Assert.Equal("gemini-2.5-flash-image", r.Model)); // folded records are normalised too
        Assert.Equal(6, File.ReadAllLines(Path.Combine(ledger.DataFolder, UsageLedger.RejectedFileName)).Length);
    }

    [Fact]
    public void Nothing_rejected_writes_no_rejected_file()
    {
        var ledger = Make.Ledger(_dir);
        Directory.CreateDirectory(ledger.DataFolder);
        File.WriteAllLines(ledger.PendingPath, new[] { Line(Id()) });
        Assert.Equal(1, ledger.Append(Make.Record(s_day)).FoldedIn);
        Assert.False(File.Exists(Path.Combine(ledger.DataFolder, UsageLedger.RejectedFileName)));
    }
}
