using GeminiImage.Emulator;
using GeminiImage.Engine.Api;
using GeminiImage.Engine.Batch;
using GeminiImage.Engine.Errors;
using GeminiImage.Engine.Generation;
using GeminiImage.Engine.Ledger;
using GeminiImage.Engine.Resilience;
using Xunit;

namespace GeminiImage.Tests.Batch;

/// <summary>
/// A local run that stops early (the failure circuit, a budget), and what an interrupted
/// run left behind, against the emulator with small images, one row at a time.
/// </summary>
public sealed class LocalBatchStopTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "gi-stop-" + Guid.NewGuid().ToString("N"));
    private readonly GeminiEmulator _emulator = GeminiEmulator.Start();

    private string Home => Path.Combine(_dir, "home");
    private string Output => Path.Combine(_dir, "out");

    public void Dispose()
    {
        _emulator.Stop();
        if (Directory.Exists(_dir)) Directory.Delete(_dir, true);
    }

    private GenerationService Service() => new(
        new GeminiClient(new GeminiClientOptions { BaseUri = _emulator.BaseUri, ApiKey = _emulator.ApiKey, MaxRetries = 0 }),
        new UsageContext { Operation = UsageOperation.Batch }, GenerationStores.InDataFolder(Home));

    private LocalBatchRun Prepare(params string[] prompts) =>
        LocalBatchRun.Prepare(BatchPlan.Validate(prompts.Select((p, i) => new BatchRow { RowNumber = i + 1, Id = "r" + (i + 1), Prompt = p }), new BatchDefaults(), ".", Output), Output);

    private static LocalBatchOptions Options(string output) => new() { OutputDirectory = output, ThrottleLimit = 1 };

    /// <summary>Every row of the run as its report lists it (rows never started reach only the report).</summary>
    private List<(string Id, BatchRowStatus Status, decimal? Cost, string? ErrorId)> ReportRows()
    {
        using var doc = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(Output, BatchReport.JsonFileName)));
        return doc.RootElement.GetProperty("rows").EnumerateArray().Select(r => System.Text.Json.JsonSerializer.Deserialize<BatchRowResult>(r, GeminiImage.Engine.Api.GeminiJson.Options)!)
            .Select(r => (r.Id, r.Status, r.Cost, r.ErrorId)).ToList();
    }

    [Fact]
    public async Task Five_service_failures_in_a_row_open_the_circuit_and_the_rest_are_not_run()
    {
        var run = Prepare(Enumerable.Range(1, 7).Select(i => $"[emulator:500] row {i}").ToArray());
        var outcome = await run.RunAsync(Service(), Options(Output), _ => { }, null, CancellationToken.None);

        var stop = Assert.IsType<CircuitOpenException>(outcome.StopError);
        Assert.Equal(2, outcome.ExitCode);
        Assert.Equal(5, _emulator.RequestCount);
        Assert.Equal(new[] { 5, 2 }, new[] { outcome.Totals.Failed, outcome.Totals.NotRun });
        var notRun = ReportRows().Where(r => r.Status == BatchRowStatus.NotRun).ToList();
        Assert.All(notRun, r => Assert.Equal(0m, r.Cost));
        Assert.Equal(new[] { "r6", "r7" }, notRun.Select(r => r.Id).OrderBy(id => id));
        Assert.Contains("5 consecutive", stop.Message);
    }

    [Fact]
    public async Task A_budget_reached_stops_the_run_before_the_row_is_sent()
    {
        var one = Service().Estimate(new ImageRequest { Prompt = "row 1" })!.Value;
        new BudgetSettings { Daily = one * 1.5m }.Save(Home);
        var run = Prepare("row 1", "row 2", "row 3");
        var outcome = await run.RunAsync(Service(), Options(Output), _ => { }, null, CancellationToken.None);

        Assert.IsType<BudgetExceededException>(outcome.StopError);
        Assert.Equal(1, _emulator.RequestCount);
        var byId = ReportRows().ToDictionary(r => r.Id);
        Assert.Equal(BatchRowStatus.Succeeded, byId["r1"].Status);
        // The refused row was not run (not a failure of the row), and nothing was charged for it.
        Assert.Equal((BatchRowStatus.NotRun, "GeminiImage.BudgetExceeded", 0m), (byId["r2"].Status, byId["r2"].ErrorId, byId["r2"].Cost));
        Assert.Equal(BatchRowStatus.NotRun, byId["r3"].Status);
        Assert.Equal((1, 0, 2), (outcome.Totals.Succeeded, outcome.Totals.Failed, outcome.Totals.NotRun));
        // A re-run does the refused rows again.
        Assert.Equal(new[] { "r2", "r3" }, Prepare("row 1", "row 2", "row 3").Todo.Select(i => i.Id));
    }

    [Fact]
    public async Task Half_written_files_of_an_interrupted_run_are_removed_and_a_resume_is_noted()
    {
        var first = Prepare("row 1");
        await first.RunAsync(Service(), Options(Output), _ => { }, null, CancellationToken.None);
        var thumbs = Path.Combine(Output, BatchThumbnails.FolderName);
        Directory.CreateDirectory(thumbs);
        var hex = new string('a', 32);
        var stale = new[] { Path.Combine(Output, $".r2.png.{hex}.tmp"), Path.Combine(thumbs, $".r2.jpg.{hex}.tmp") };
        var kept = new[] { Path.Combine(Output, ".notes.tmp"), Path.Combine(Output, $"r2.png.{hex}.tmp") };
        foreach (var f in stale.Concat(kept)) File.WriteAllText(f, "x");

        var notes = new List<string>();
        var run = Prepare("row 1", "row 2");
        Assert.True(run.HasJournal);
        var outcome = await run.RunAsync(Service(), Options(Output), _ => { }, notes.Add, CancellationToken.None);
        Assert.Equal(new[]
        {
            "1 row(s) were completed by an earlier run and are skipped.",
            "Removed 2 half-written file(s) left by an interrupted run.",
        }, notes);
        Assert.All(stale, f => Assert.False(File.Exists(f), f));
        Assert.All(kept, f => Assert.True(File.Exists(f), f));
        Assert.Equal((1, 1, 0m), (outcome.Totals.Resumed, outcome.Totals.Attempted, outcome.Totals.ResumedCost > 0 ? 0m : 1m));
        Assert.Equal(0, outcome.ExitCode);
    }
}
