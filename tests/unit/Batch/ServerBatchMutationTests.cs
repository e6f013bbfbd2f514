using GeminiImage.Emulator;
using GeminiImage.Engine.Api;
using GeminiImage.Engine.Batch;
using GeminiImage.Engine.Errors;
using GeminiImage.Engine.Generation;
using GeminiImage.Engine.Ledger;
using Xunit;

namespace GeminiImage.Tests.Batch;

/// <summary>
/// Server batch jobs against the emulator: jobs that end without running their rows, line errors, receiving twice,
/// unknown jobs, budgets across a run's jobs and which earlier jobs cover a row. Jobs are held (no image is made)
/// where the test does not need results.
/// </summary>
public sealed class ServerBatchMutationTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "gi-server-" + Guid.NewGuid().ToString("N"));
    private readonly GeminiEmulator _emulator = GeminiEmulator.Start();

    // The data folder is handed to the engine, never set process-wide.
    private string Home => Path.Combine(_dir, "home");
    private string Output => Path.Combine(_dir, "out");

    public void Dispose()
    {
        _emulator.Stop();
        if (Directory.Exists(_dir)) Directory.Delete(_dir, true);
    }

    private GeminiClient Client() => new(new GeminiClientOptions { BaseUri = _emulator.BaseUri, ApiKey = _emulator.ApiKey, MaxRetries = 0 });

    private ServerBatchClient BatchClient() => new(Client(), Home);

    private GenerationService Service() =>
        new(Client(), new UsageContext { Operation = UsageOperation.BatchServer, BatchPricing = true }, GenerationStores.InDataFolder(Home));

    private static BatchPlan Plan(params (string Id, string Prompt, string? Model)[] rows) =>
        BatchPlan.Validate(rows.Select((r, i) => new BatchRow { RowNumber = i + 1, Id = r.Id, Prompt = r.Prompt, Model = r.Model }), new BatchDefaults(), ".", ".");

    private decimal Spend(GenerationService service) => service.Ledger.Spend(DateTime.UtcNow.AddDays(-1), DateTime.UtcNow.AddDays(1));

    private async Task<GeminiBatchJob> WaitDone(ServerBatchClient client, GeminiBatchJob job)
    {
        for (var i = 0; i < 200 && !job.Done; i++)
        {
            await Task.Delay(50);
            job = await client.GetAsync(job.Name, CancellationToken.None);
        }
        Assert.True(job.Done, $"the job is still {job.State}");
        return job;
    }

    private async Task<(GeminiBatchJob Job, GenerationService Service)> SubmitOne(ServerBatchReceiver receiver, BatchPlan plan)
    {
        var service = Service();
        var run = await ServerBatchRun.PrepareAsync(receiver, plan, Output, CancellationToken.None);
        GeminiBatchJob? job = null;
        Assert.True(await run.SubmitAsync(service, "t", (j, _) => job = j, (ex, _) => throw ex, CancellationToken.None));
        return (job!, service);
    }

    [Fact]
    public async Task A_cancelled_job_leaves_its_rows_unrun_and_unpaid_and_the_receipt_says_so()
    {
        _emulator.HoldBatches = true;
        var client = BatchClient();
        var receiver = new ServerBatchReceiver(client);
        var (job, service) = await SubmitOne(receiver, Plan(("a", "a kite", null), ("b", "a boat", null)));
        Assert.True(Spend(service) > 0); // both rows reserved before the upload

        var cancelled = await client.CancelAsync(job.Name, CancellationToken.None);
        Assert.Equal(("Cancelled", true), (cancelled.State, cancelled.Done));
        var results = new List<BatchRowResult>();
        var receipt = await receiver.ReceiveAsync(job.Name, BatchJobManifest.TryLoad(Home, job.Id)!, service, results.Add, CancellationToken.None);

        Assert.Equal(new[] { "a", "b" }, results.Select(r => r.Id));
        Assert.All(results, r =>
        {
            Assert.Equal(BatchRowStatus.NotRun, r.Status);
            Assert.Equal(0m, r.Cost);
            Assert.Equal("GeminiImage.BatchRowNotRun", r.ErrorId);
            Assert.Equal("The batch job ended as Cancelled without a result for this row.", r.Error);
            Assert.Equal(job.Id, r.BatchId);
        });
        var stop = Assert.IsType<GeminiOperationException>(receipt.StopError);
        Assert.Equal("GeminiImage.BatchJobNotCompleted", stop.ErrorId);
        Assert.Equal(ErrorKind.Stopped, stop.Kind);
        Assert.Equal($"The batch job {job.Name} ended as Cancelled; 2 row(s) were not run and nothing was charged for them.", stop.Message);
        Assert.Equal(2, receipt.ExitCode);
        // The reservations are released: nothing counts against a budget, nothing is in the ledger.
        Assert.Equal(0m, Spend(service));
        Assert.Empty(service.Ledger.Query());
        Assert.Empty(BatchJournal.Load(Output));
    }

    [Fact]
    public async Task A_job_still_running_keeps_its_reservations_and_is_no_stop_error()
    {
        _emulator.HoldBatches = true;
        var client = BatchClient();
        var receiver = new ServerBatchReceiver(client);
        var (job, service) = await SubmitOne(receiver, Plan(("a", "a kite", null)));
        var reserved = Spend(service);

        var results = new List<BatchRowResult>();
        var receipt = await receiver.ReceiveAsync(job.Name, BatchJobManifest.TryLoad(Home, job.Id)!, service, results.Add, CancellationToken.None);
        Assert.Equal(BatchRowStatus.NotRun, Assert.Single(results).Status);
        Assert.Equal("The batch job ended as Pending without a result for this row.", results[0].Error);
        Assert.Null(receipt.StopError);
        Assert.Equal(reserved, Spend(service));
    }

    [Fact]
    public async Task A_failed_job_names_its_error_on_each_unrun_row()
    {
        var client = BatchClient();
        var receiver = new ServerBatchReceiver(client);
        var (job, service) = await SubmitOne(receiver, Plan(("a", "[emulator:batchfail] a kite", null)));
        job = await WaitDone(client, job);
        Assert.Equal("Failed", job.State);
        Assert.StartsWith("code 13: Batch job failed", job.Error);

        var results = new List<BatchRowResult>();
        var receipt = await receiver.ReceiveAsync(job.Name, BatchJobManifest.TryLoad(Home, job.Id)!, service, results.Add, CancellationToken.None);
        var row = Assert.Single(results);
        Assert.Equal($"The batch job ended as Failed without a result for this row ({job.Error}).", row.Error);
        Assert.Contains("ended as Failed; 1 row(s) were not run", receipt.StopError!.Message);
        Assert.Equal(0m, Spend(service));
    }

    [Fact]
    public async Task Line_errors_keep_their_status_and_receiving_twice_saves_and_records_nothing_twice()
    {
        var client = BatchClient();
        var receiver = new ServerBatchReceiver(client);
        var (job, service) = await SubmitOne(receiver, Plan(("ok", "a kite", null), ("blocked", "[emulator:block] a boat", null),
            ("down", "[emulator:503] a cart", null), ("bad", "[emulator:400] a cat", null), ("broken", "[emulator:500] a dog", null)));
        Assert.Equal("Inline", job.InputMode);
        job = await WaitDone(client, job);
        Assert.Equal("Succeeded", job.State);

        var manifest = BatchJobManifest.TryLoad(Home, job.Id)!;
        var first = new List<BatchRowResult>();
        var receipt = await receiver.ReceiveAsync(job.Name, manifest, service, first.Add, CancellationToken.None);
        Assert.Null(receipt.StopError);
        Assert.Equal(1, receipt.ExitCode);
        var byId = first.ToDictionary(r => r.Id);
        Assert.Equal(BatchRowStatus.Succeeded, byId["ok"].Status);
        Assert.True(byId["ok"].Cost > 0);
        Assert.Equal(BatchRowStatus.Blocked, byId["blocked"].Status);
        Assert.Equal((BatchRowStatus.Failed, "GeminiImage.ServiceUnavailable"), (byId["down"].Status, byId["down"].ErrorId));
        Assert.Equal((BatchRowStatus.Failed, "GeminiImage.BadRequest"), (byId["bad"].Status, byId["bad"].ErrorId));
        Assert.Equal((BatchRowStatus.Failed, "GeminiImage.ServiceError"), (byId["broken"].Status, byId["broken"].ErrorId));
        Assert.Equal(503, Assert.IsType<GeminiApiException>(byId["down"].Exception).HttpStatus);
        Assert.Equal("UNAVAILABLE", ((GeminiApiException)byId["down"].Exception!).ApiStatus);
        Assert.Equal("The model is overloaded. Please try again later.", byId["down"].Error);
        Assert.All(first.Where(r => r.Status != BatchRowStatus.Succeeded), r => Assert.Equal(0m, r.Cost));
        Assert.All(first, r => Assert.Equal(job.Id, r.BatchId));
        Assert.All(first, r => Assert.False(r.FromJournal));
        var ledger = service.Ledger.Query();
        Assert.Equal(5, ledger.Count);
        Assert.Equal(3, ledger.Count(r => r.Status == UsageStatus.Failed));
        var saved = File.ReadAllBytes(Path.Combine(Output, "ok.png"));

        // The job's results are final: the second receipt reads every row, even the failed ones, from the journal.
        var second = new List<BatchRowResult>();
        await receiver.ReceiveAsync(job.Name, manifest, service, second.Add, CancellationToken.None);
        Assert.Equal(5, second.Count);
        Assert.All(second, r => Assert.True(r.FromJournal, r.Id));
        Assert.Equal(first.Select(r => (r.Id, r.Status)).OrderBy(r => r.Id), second.Select(r => (r.Id, r.Status)).OrderBy(r => r.Id));
        Assert.Equal(5, service.Ledger.Query().Count);
        Assert.Equal(saved, File.ReadAllBytes(Path.Combine(Output, "ok.png")));
    }

    [Fact]
    public async Task Unknown_jobs_are_named_in_the_error()
    {
        var client = BatchClient();
        var get = await Assert.ThrowsAsync<GeminiNotFoundException>(() => client.GetAsync("nope", CancellationToken.None));
        Assert.Equal("GeminiImage.BatchJobNotFound", get.ErrorId);
        Assert.StartsWith("The service has no batch job 'batches/nope' (it answered 404)", get.Message);
        Assert.IsType<GeminiApiException>(get.InnerException);
        var cancel = await Assert.ThrowsAsync<GeminiNotFoundException>(() => client.CancelAsync("batches/nope", CancellationToken.None));
        Assert.Equal("GeminiImage.BatchJobNotFound", cancel.ErrorId);
        Assert.Contains("'batches/nope'", cancel.Message);
    }

    [Fact]
    public async Task Submitting_checks_the_rows_and_the_jobs_are_listed()
    {
        _emulator.HoldBatches = true;
        var client = BatchClient();
        var plan = Plan(("a", "a kite", null), ("b", "a boat", "gemini-2.5-flash-image"));
        await Assert.ThrowsAsync<ArgumentException>(() => client.SubmitAsync(Array.Empty<BatchItem>(), "x", CancellationToken.None));
        await Assert.ThrowsAsync<ArgumentException>(() => client.SubmitAsync(plan.Items, "x", CancellationToken.None));
        Assert.Equal(0, _emulator.RequestCount);

        var one = await client.SubmitAsync(plan.Items.Take(1).ToList(), "first", CancellationToken.None);
        var two = await client.SubmitAsync(plan.Items.Skip(1).ToList(), "second", CancellationToken.None);
        Assert.Equal(("first", "Pending", "Inline"), (one.DisplayName, one.State, one.InputMode));
        Assert.Equal("gemini-2.5-flash-image", two.Model);
        var listed = await client.ListAsync(CancellationToken.None);
        Assert.Equal(new[] { one.Name, two.Name }.OrderBy(n => n), listed.Select(j => j.Name).OrderBy(n => n));
    }

    [Fact]
    public async Task A_body_just_under_the_inline_limit_goes_inline_and_one_at_it_through_a_file()
    {
        _emulator.HoldBatches = true;
        var client = BatchClient();
        var items = Plan(("a", "a kite", null)).Items;
        // The JSONL line of this row, as the client writes it (the limit counts 4 KB for the envelope).
        var line = System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(new { key = "a", request = items[0].CreateRequest(null).ToWireRequest() }, GeminiJson.Options);
        var size = line.Length + 1 + 4096;
        client.InlineLimit = size + 1;
        Assert.Equal("Inline", (await client.SubmitAsync(items, "under", CancellationToken.None)).InputMode);
        client.InlineLimit = size;
        Assert.Equal("File", (await client.SubmitAsync(items, "at", CancellationToken.None)).InputMode);
    }

    [Fact]
    public async Task A_budget_refusal_stops_the_run_and_a_failed_submission_releases_its_reservation()
    {
        _emulator.HoldBatches = true;
        var client = BatchClient();
        var receiver = new ServerBatchReceiver(client);
        // Three jobs, one per model: cheap, expensive, middle. The budget takes the first and the third, not the second.
        var plan = Plan(("a", "a kite", "gemini-2.5-flash-image"), ("b", "a boat", "gemini-3-pro-image"), ("c", "a cart", "gemini-3.1-flash-image"));
        var estimates = plan.Items.Select(i => i.Estimate(true)!.Value).ToList();
        Assert.True(estimates[1] > estimates[2]);
        new BudgetSettings { Daily = estimates[0] + estimates[2] + 0.001m }.Save(Home);
        var service = Service();
        var run = await ServerBatchRun.PrepareAsync(receiver, plan, Output, CancellationToken.None);
        Assert.Equal(3, run.Jobs.Count);
        var submitted = new List<GeminiBatchJob>();
        var failed = new List<(GeminiImageException Error, string Model)>();
        Assert.False(await run.SubmitAsync(service, "nightly", (j, _) => submitted.Add(j), (ex, m) => failed.Add((ex, m)), CancellationToken.None));
        Assert.Equal("nightly gemini-2.5-flash-image", Assert.Single(submitted).DisplayName);
        var refusal = Assert.Single(failed);
        Assert.IsType<BudgetExceededException>(refusal.Error);
        Assert.Equal("gemini-3-pro-image", refusal.Model);
        Assert.Equal(estimates[0], Spend(service));

        // A submission the service refuses (the model was retired) gives back what was reserved for it; the others go on.
        File.Delete(Path.Combine(Home, BudgetSettings.FileName));
        service = Service(); // without a budget
        _emulator.RetiredModels = new[] { "gemini-3-pro-image" };
        var rest = Plan(("b", "a boat", "gemini-3-pro-image"), ("c", "a cart", "gemini-3.1-flash-image"));
        var rerun = await ServerBatchRun.PrepareAsync(receiver, rest, Path.Combine(_dir, "rest"), CancellationToken.None);
        failed.Clear();
        Assert.False(await rerun.SubmitAsync(service, null, (j, _) => submitted.Add(j), (ex, m) => failed.Add((ex, m)), CancellationToken.None));
        Assert.Equal("gemini-3-pro-image", Assert.Single(failed).Model);
        Assert.IsNotType<BudgetExceededException>(failed[0].Error);
        Assert.Equal(2, submitted.Count);
        Assert.StartsWith("GeminiImage ", submitted[1].DisplayName);
        Assert.EndsWith(" gemini-3.1-flash-image", submitted[1].DisplayName);
        Assert.Equal(estimates[0] + estimates[2], Spend(service));
    }

    [Fact]
    public async Task Rows_of_failed_deleted_or_unreadable_jobs_are_not_covered_and_received_rows_are()
    {
        var client = BatchClient();
        var receiver = new ServerBatchReceiver(client);
        var plan = Plan(("a", "a kite", null), ("b", "[emulator:batchfail] a boat", "gemini-2.5-flash-image"));
        var service = Service();
        var run = await ServerBatchRun.PrepareAsync(receiver, plan, Output, CancellationToken.None);
        var jobs = new List<GeminiBatchJob>();
        await run.SubmitAsync(service, "t", (j, _) => jobs.Add(j), (ex, _) => throw ex, CancellationToken.None);
        var ok = await WaitDone(client, jobs.Single(j => j.Model == ModelCatalogDefault));
        Assert.Equal("Failed", (await WaitDone(client, jobs.Single(j => j.Model != ModelCatalogDefault))).State);

        // Before receiving: "a" is held by its succeeded job, "b" by nothing (its job failed).
        var covered = await receiver.FindCoveredAsync(plan.Items, Output, CancellationToken.None);
        var held = Assert.Single(covered);
        Assert.Equal(("a", ok.Name), (held.Item.Id, held.Job!.Name));
        Assert.Null(held.Previous);

        // Received and complete: covered by the journal, not by the job.
        await receiver.ReceiveAsync(ok.Name, BatchJobManifest.TryLoad(Home, ok.Id)!, service, _ => { }, CancellationToken.None);
        held = Assert.Single(await receiver.FindCoveredAsync(plan.Items, Output, CancellationToken.None));
        Assert.Equal(("a", BatchRowStatus.Succeeded), (held.Item.Id, held.Previous!.Status));
        Assert.Null(held.Job);

        // A job the service no longer knows, and a manifest that cannot be read, cover nothing.
        var other = Path.Combine(_dir, "other");
        Directory.CreateDirectory(other);
        var gone = new BatchJobManifest { Name = "batches/gone", Model = ModelCatalogDefault, OutputDirectory = other, Rows = { BatchJobManifest.RowOf(plan.Items[0]) } };
        gone.Save(Home);
        File.WriteAllText(Path.Combine(other, BatchJobManifest.FilePrefix + "torn.json"), "{ torn");
        Assert.Empty(await receiver.FindCoveredAsync(plan.Items, other, CancellationToken.None));
        Assert.Empty(await receiver.FindCoveredAsync(plan.Items, Path.Combine(_dir, "never-made"), CancellationToken.None));
    }

    private static string ModelCatalogDefault => Engine.Catalog.ModelCatalog.DefaultModelId;
}
