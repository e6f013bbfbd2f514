using GeminiImage.Emulator;
using GeminiImage.Engine.Api;
using GeminiImage.Engine.Batch;
using GeminiImage.Engine.Generation;
using GeminiImage.Engine.Ledger;
using Xunit;

namespace GeminiImage.Tests.Batch;

/// <summary>The runner and the server client against the emulator, with the ledger and manifests in a temporary data folder.</summary>
public sealed class BatchRunTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "batchrun-" + Guid.NewGuid().ToString("N"));
    private readonly GeminiEmulator _emulator = GeminiEmulator.Start();

    // The data folder is handed to the engine, never set process-wide.
    private string Home => Path.Combine(_dir, "home");

    public void Dispose()
    {
        _emulator.Stop();
        if (Directory.Exists(_dir)) Directory.Delete(_dir, true);
    }

    private GeminiClient Client() => new(new GeminiClientOptions { BaseUri = _emulator.BaseUri, ApiKey = _emulator.ApiKey, MaxRetries = 0 });

    private static BatchPlan Plan(params string[] prompts) =>
        BatchPlan.Validate(prompts.Select((p, i) => new BatchRow { RowNumber = i + 1, Id = "r" + (i + 1), Prompt = p }), new BatchDefaults(), ".", ".");

    [Fact]
    public async Task LocalRunJournalsEveryRowAndAResumeSkipsCompletedOnes()
    {
        var output = Path.Combine(_dir, "out");
        var plan = Plan("one", "two", "[emulator:500] three", "four");
        var service = new GenerationService(Client(), new UsageContext { Operation = UsageOperation.Batch, BatchId = "t1" }, GenerationStores.InDataFolder(Home));
        var seen = new List<BatchRowResult>();
        using (var journal = BatchJournal.Open(output))
            await new LocalBatchRunner(service).RunAsync(plan.Items, new LocalBatchOptions { OutputDirectory = output, ThrottleLimit = 2, Thumbnails = true }, journal, r => { lock (seen) seen.Add(r); }, CancellationToken.None);

        Assert.Equal(4, seen.Count);
        Assert.Equal(BatchRowStatus.Failed, seen.Single(r => r.Id == "r3").Status);
        Assert.True(File.Exists(Path.Combine(output, "r1.png")));
        Assert.True(File.Exists(Path.Combine(output, "thumbnails", "r1.jpg")));
        var journaled = BatchJournal.Load(output);
        Assert.Equal(3, journaled.Values.Count(r => r.IsComplete));

        // What a re-run sends: only the row that did not complete.
        var todo = plan.Items.Where(i => !(journaled.TryGetValue(i.Id, out var r) && r.IsComplete)).Select(i => i.Id);
        Assert.Equal(new[] { "r3" }, todo);
        var ledger = service.Ledger.Query(new UsageFilter()).ToList();
        Assert.Equal(4, ledger.Count);
        Assert.All(ledger, r => Assert.Equal("t1", r.BatchId));
    }

    [Fact]
    public async Task ServerJobThroughAnUploadedJsonlFileIsReceivedAtTheBatchPrice()
    {
        var output = Path.Combine(_dir, "server");
        var plan = Plan("a lighthouse", "[emulator:500] fails", "a teapot");
        var client = new ServerBatchClient(Client(), Home) { InlineLimit = 0 }; // force the Files API path
        var receiver = new ServerBatchReceiver(client);
        var job = await receiver.SubmitAsync(plan.Items, "file job", output, CancellationToken.None);
        Assert.Equal("File", job.InputMode);
        Assert.Contains(_emulator.Requests, r => r.Path == "/upload/v1beta/files");

        for (var i = 0; i < 50 && !(job = await client.GetAsync(job.Name, CancellationToken.None)).Done; i++) await Task.Delay(100);
        Assert.Equal("Succeeded", job.State);
        Assert.StartsWith("files/", job.ResponsesFile);

        var manifest = BatchJobManifest.TryLoad(Home, job.Id)!;
        var service = new GenerationService(Client(), new UsageContext { Operation = UsageOperation.BatchServer, BatchPricing = true, BatchId = job.Id }, GenerationStores.InDataFolder(Home));
        var results = new List<BatchRowResult>();
        var receipt = await receiver.ReceiveAsync(job.Name, manifest, service, results.Add, CancellationToken.None);
        Assert.Equal(results, receipt.Results);
        Assert.Null(receipt.StopError);
        Assert.True(File.Exists(Path.Combine(output, BatchReport.HtmlFileName)), receipt.Report);

        Assert.Equal(new[] { "r1", "r2", "r3" }, results.Select(r => r.Id));
        Assert.Equal(new[] { BatchRowStatus.Succeeded, BatchRowStatus.Failed, BatchRowStatus.Succeeded }, results.Select(r => r.Status));
        Assert.Equal(Path.Combine(output, "r1.png"), results[0].Path);
        var ledger = service.Ledger.Query(new UsageFilter()).OrderBy(r => r.RowId).ToList();
        Assert.Equal(3, ledger.Count);
        Assert.All(ledger, r => Assert.Equal(UsageOperation.BatchServer, r.Operation));
        var r1 = ledger.Single(r => r.RowId == "r1");
        var usage = new Engine.Pricing.TokenUsage { InputTokens = r1.InputTokens, TextOutputTokens = r1.TextOutputTokens, ImageOutputTokens = r1.ImageOutputTokens, ThinkingTokens = r1.ThinkingTokens };
        var fullPrice = Engine.Pricing.PriceTable.FromCatalog().Compute(r1.Model, usage, batch: false);
        Assert.True(r1.CostUsd > 0);
        // Half price, rounded to the micro-dollar like every ledger cost.
        Assert.Equal(Engine.Pricing.PriceTable.FromCatalog().Compute(r1.Model, usage, batch: true), r1.CostUsd);
        Assert.InRange(r1.CostUsd!.Value, fullPrice!.Value / 2 - 0.000001m, fullPrice.Value / 2 + 0.000001m);
        Assert.Equal(UsageStatus.Failed, ledger.Single(r => r.RowId == "r2").Status);
    }

    [Fact]
    public async Task A_server_run_submits_one_job_per_model_and_a_rerun_into_the_folder_submits_nothing_again()
    {
        var output = Path.Combine(_dir, "rerun");
        var plan = BatchPlan.Validate(new[]
        {
            new BatchRow { RowNumber = 1, Id = "a", Prompt = "a kite" },
            new BatchRow { RowNumber = 2, Id = "b", Prompt = "a boat", Model = "gemini-2.5-flash-image" },
            new BatchRow { RowNumber = 3, Id = "c", Prompt = "a cart" },
        }, new BatchDefaults(), ".", ".");
        var receiver = new ServerBatchReceiver(new ServerBatchClient(Client(), Home));
        var service = new GenerationService(Client(), new UsageContext { Operation = UsageOperation.BatchServer, BatchPricing = true }, GenerationStores.InDataFolder(Home));

        var run = await ServerBatchRun.PrepareAsync(receiver, plan, output, CancellationToken.None);
        Assert.Empty(run.Covered);
        Assert.Equal(2, run.Jobs.Count);
        var submitted = new List<(GeminiBatchJob Job, int Rows)>();
        Assert.True(await run.SubmitAsync(service, "nightly", (job, rows) => submitted.Add((job, rows)), (ex, _) => throw ex, CancellationToken.None));
        Assert.Equal(new[] { 2, 1 }, submitted.Select(s => s.Rows).OrderByDescending(n => n));
        Assert.All(submitted, s => Assert.StartsWith("nightly ", s.Job.DisplayName));
        Assert.Equal(2, _emulator.Requests.Count(r => r.Path.EndsWith(":batchGenerateContent")));

        var again = await ServerBatchRun.PrepareAsync(receiver, plan, output, CancellationToken.None);
        Assert.Empty(again.Todo);
        Assert.Equal(3, again.Covered.Count);
        Assert.Equal(submitted.Select(s => s.Job.Name).OrderBy(n => n), again.CoveringJobs.Select(j => j.Name).OrderBy(n => n));
    }
}
