using GeminiImage.Emulator;
using GeminiImage.Engine.Api;
using GeminiImage.Engine.Batch;
using GeminiImage.Engine.Generation;
using GeminiImage.Engine.Ledger;
using GeminiImage.Engine.Resilience;
using Xunit;

namespace GeminiImage.Tests.Batch;

/// <summary>
/// The local run's orchestration in the engine (issue 14): the resume split, NotRun rows, the summary and the report,
/// against the emulator, with the ledger and prices in a folder of the test's own (no GEMINI_IMAGE_HOME).
/// </summary>
public sealed class LocalBatchRunTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "localrun-" + Guid.NewGuid().ToString("N"));
    private readonly GeminiEmulator _emulator = GeminiEmulator.Start();

    public void Dispose()
    {
        _emulator.Stop();
        if (Directory.Exists(_dir)) Directory.Delete(_dir, true);
    }

    private GenerationService Service(string batchId) => new(
        new GeminiClient(new GeminiClientOptions { BaseUri = _emulator.BaseUri, ApiKey = _emulator.ApiKey, MaxRetries = 0 }),
        new UsageContext { Operation = UsageOperation.Batch, BatchId = batchId },
        GenerationStores.InDataFolder(Path.Combine(_dir, "home")));

    private static BatchPlan Plan(string output, params string[] prompts) =>
        BatchPlan.Validate(prompts.Select((p, i) => new BatchRow { RowNumber = i + 1, Id = "r" + (i + 1), Prompt = p }), new BatchDefaults(), ".", output);

    [Fact]
    public async Task RunsReportsAndResumes()
    {
        var output = Path.Combine(_dir, "out");
        var plan = Plan(output, "one", "two", "[emulator:500] three", "");
        var run = LocalBatchRun.Prepare(plan, output);
        Assert.False(run.HasJournal);
        Assert.Single(run.Invalid);
        Assert.Equal(3, run.Todo.Count);
        var options = new LocalBatchOptions { OutputDirectory = output, ThrottleLimit = 2 };
        var seen = new List<BatchRowResult>();
        var summary = await run.RunAsync(Service("b1"), options, r => { lock (seen) seen.Add(r); }, null, CancellationToken.None);

        Assert.Equal(4, seen.Count);
        Assert.Equal(BatchRowStatus.Invalid, seen[0].Status);
        Assert.Equal(new[] { 2, 1, 1, 0 }, new[] { summary.Totals.Succeeded, summary.Totals.Failed, summary.Totals.Invalid, summary.Totals.NotRun });
        Assert.Equal(1, summary.ExitCode);
        Assert.Null(summary.StopError);
        Assert.StartsWith("local-", options.BatchId);
        Assert.True(File.Exists(Path.Combine(output, BatchReport.HtmlFileName)));
        Assert.Contains("2 succeeded, 1 failed", summary.Report);

        // A second run skips what the first completed, and reports it from the journal.
        var again = LocalBatchRun.Prepare(plan, output);
        Assert.True(again.HasJournal);
        Assert.Equal(new[] { "r1", "r2" }, again.Resumed.Select(r => r.Id).OrderBy(id => id));
        Assert.All(again.Resumed, r => Assert.True(r.FromJournal));
        Assert.Equal(new[] { "r3" }, again.Todo.Select(i => i.Id));
    }

    [Fact]
    public async Task ARunKeepsNoRowsInMemoryAndReportsEveryRowWithItsThumbnailInRowOrder()
    {
        var output = Path.Combine(_dir, "many");
        var prompts = Enumerable.Range(1, 24).Select(i => i % 8 == 0 ? "" : i % 6 == 0 ? "[emulator:500] fails" : "picture " + (i % 3)).ToArray();
        var plan = Plan(output, prompts);
        var options = new LocalBatchOptions { OutputDirectory = output, ThrottleLimit = 4, Thumbnails = true };
        var seen = new List<BatchRowResult>();
        var outcome = await LocalBatchRun.Prepare(plan, output).RunAsync(Service("b3"), options, r => { lock (seen) seen.Add(r); }, null, CancellationToken.None);
        // A second run into the folder: the completed rows come from the journal, the failed ones run again.
        var again = await LocalBatchRun.Prepare(plan, output).RunAsync(Service("b4"), new LocalBatchOptions { OutputDirectory = output, ThrottleLimit = 4 }, _ => { }, null, CancellationToken.None);

        foreach (var (run, resumed) in new[] { (outcome, 0), (again, 18) })
        {
            // The run's rows went to its caller; none are kept to the end of a run.
            Assert.Empty(run.Results);
            Assert.Equal((24, 18, 3, 3, resumed), (run.Totals.Total, run.Totals.Succeeded, run.Totals.Failed, run.Totals.Invalid, run.Totals.Resumed));
            Assert.Equal(1, run.ExitCode);
        }
        using var report = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Directory.GetFiles(output, "batch-report-*.json").OrderBy(f => f).First()));
        var rows = report.RootElement.GetProperty("rows").EnumerateArray().ToList();
        Assert.Equal(Enumerable.Range(1, 24), rows.Select(r => r.GetProperty("rowNumber").GetInt32()));
        // Each row as it went to the caller, with the thumbnail made after it did.
        foreach (var row in rows)
        {
            var sent = seen.Single(r => r.Id == row.GetProperty("id").GetString());
            Assert.Equal(System.Text.Json.JsonSerializer.Serialize(sent, GeminiJson.Options), System.Text.Json.JsonSerializer.Serialize(row, GeminiJson.Options));
            Assert.Equal(sent.Status == BatchRowStatus.Succeeded, sent.Thumbnail != null && File.Exists(Path.Combine(output, sent.Thumbnail)));
        }
        Assert.Empty(Directory.GetFiles(output, ".*.tmp"));
    }

    [Fact]
    public async Task ACancelledRunWritesItsReportWithTheRowsNeverStartedAsNotRun()
    {
        var output = Path.Combine(_dir, "cancelled");
        var run = LocalBatchRun.Prepare(Plan(output, "one", "two"), output);
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            run.RunAsync(Service("b2"), new LocalBatchOptions { OutputDirectory = output }, _ => { }, null, cancelled.Token));
        var report = File.ReadAllText(Path.Combine(output, BatchReport.JsonFileName));
        Assert.Contains("\"notRun\": 2", report);
        Assert.Equal(0, _emulator.RequestCount);
    }

    [Fact]
    public void ARunNeedingMoreInFlightThanTheSessionGetsItsOwnLimiterAndTheSessionsIsUntouched()
    {
        var session = new RequestLimiter(120, 4);
        Assert.Same(session, LocalBatchRun.LimiterFor(session, 4));
        var own = LocalBatchRun.LimiterFor(session, 16);
        Assert.NotSame(session, own);
        Assert.Equal(16, own.MaxConcurrency);
        Assert.Equal(120, own.RequestsPerMinute);
        Assert.Equal(4, session.MaxConcurrency);
    }
}
