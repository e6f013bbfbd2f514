using System.Text.Json;
using GeminiImage.Emulator;
using GeminiImage.Engine.Api;
using GeminiImage.Engine.Cache;
using GeminiImage.Engine.Catalog;
using GeminiImage.Engine.Errors;
using GeminiImage.Engine.Generation;
using GeminiImage.Engine.Ledger;
using GeminiImage.Engine.Pricing;
using GeminiImage.Tests.Imaging;
using Xunit;

namespace GeminiImage.Tests.Generation;

/// <summary>Everything a request is checked for before it is paid for, and the body it becomes.</summary>
public sealed class ImageRequestRulesTests
{
    private static readonly ModelInfo Flash = ModelCatalog.Default.Get("gemini-2.5-flash-image");
    private static readonly ModelInfo Pro = ModelCatalog.Default.Get("gemini-3-pro-image");

    private static string ErrorOf(ImageRequest request) => Assert.Throws<GeminiArgumentException>(request.Validate).ErrorId;

    private static IReadOnlyList<InputImage> Images(int count) =>
        Enumerable.Range(0, count).Select(i => new InputImage(new byte[] { (byte)i }, "image/png")).ToList();

    [Fact]
    public void A_plain_request_is_valid()
    {
        new ImageRequest { Prompt = "a fox", Model = Pro, AspectRatio = "16:9", ImageSize = "2K", Temperature = 1, InputImages = Images(2) }.Validate();
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public void An_empty_prompt_is_refused(string prompt) =>
        Assert.Equal("GeminiImage.EmptyPrompt", ErrorOf(new ImageRequest { Prompt = prompt }));

    [Fact]
    public void Aspect_ratio_and_size_must_be_the_model_s()
    {
        var ratio = Assert.Throws<GeminiArgumentException>(new ImageRequest { Prompt = "x", Model = Flash, AspectRatio = "7:3" }.Validate);
        Assert.Equal("GeminiImage.InvalidAspectRatio", ratio.ErrorId);
        Assert.Contains("16:9", ratio.Message); // lists what is supported

        var fixedSize = Assert.Throws<GeminiArgumentException>(new ImageRequest { Prompt = "x", Model = Flash, ImageSize = "1K" }.Validate);
        Assert.Equal("GeminiImage.InvalidImageSize", fixedSize.ErrorId);
        Assert.Contains("fixed output size", fixedSize.Message);

        var unknownSize = Assert.Throws<GeminiArgumentException>(new ImageRequest { Prompt = "x", Model = Pro, ImageSize = "8K" }.Validate);
        Assert.Equal("GeminiImage.InvalidImageSize", unknownSize.ErrorId);
        Assert.Contains("4K", unknownSize.Message);
    }

    [Fact]
    public void Input_images_up_to_the_model_s_maximum()
    {
        new ImageRequest { Prompt = "x", Model = Flash, InputImages = Images(Flash.MaxInputImages) }.Validate();
        var e = Assert.Throws<GeminiArgumentException>(new ImageRequest { Prompt = "x", Model = Flash, InputImages = Images(Flash.MaxInputImages + 1) }.Validate);
        Assert.Equal("GeminiImage.TooManyImages", e.ErrorId);
        Assert.Contains($"at most {Flash.MaxInputImages}", e.Message);
    }

    [Theory]
    [InlineData(0.0, true)]
    [InlineData(2.0, true)]
    [InlineData(-0.01, false)]
    [InlineData(2.01, false)]
    public void Temperature_between_zero_and_two(double temperature, bool valid)
    {
        var request = new ImageRequest { Prompt = "x", Temperature = temperature };
        if (valid) request.Validate();
        else Assert.Equal("GeminiImage.InvalidTemperature", ErrorOf(request));
    }

    [Fact]
    public void The_body_has_history_then_prompt_then_images_and_the_settings()
    {
        var history = new[] { new Content { Role = "user", Parts = new List<Part> { Part.FromText("earlier") } } };
        var wire = new ImageRequest
        {
            Prompt = "now", Model = Pro, AspectRatio = "1:1", ImageSize = "2K", Temperature = 0.4, Seed = 9, SystemInstruction = "be brief",
            InputImages = new[] { new InputImage(new byte[] { 1 }, "image/png"), new InputImage(new byte[] { 2 }, "image/jpeg") },
            History = history,
        }.ToWireRequest();

        Assert.Equal(2, wire.Contents.Count);
        Assert.Equal("earlier", wire.Contents[0].Parts![0].Text);
        var turn = wire.Contents[1];
        Assert.Equal("user", turn.Role);
        Assert.Equal("now", turn.Parts![0].Text);
        Assert.Equal(new[] { "image/png", "image/jpeg" }, turn.Parts.Skip(1).Select(p => p.InlineData!.MimeType));
        Assert.Equal("be brief", wire.SystemInstruction!.Parts![0].Text);
        Assert.Equal(new[] { "TEXT", "IMAGE" }, wire.GenerationConfig!.ResponseModalities);
        Assert.Equal(("1:1", "2K"), (wire.GenerationConfig.ImageConfig!.AspectRatio, wire.GenerationConfig.ImageConfig.ImageSize));
        Assert.Equal(0.4, wire.GenerationConfig.Temperature);
        Assert.Equal(9, wire.GenerationConfig.Seed);
        Assert.Single(history[0].Parts!); // the caller's history is not changed
    }

    [Fact]
    public void Unset_settings_are_left_out_of_the_body()
    {
        var wire = new ImageRequest { Prompt = "now", SystemInstruction = "  " }.ToWireRequest();
        Assert.Null(wire.SystemInstruction);
        Assert.Null(wire.GenerationConfig!.ImageConfig);
        Assert.Null(wire.GenerationConfig.Temperature);
        Assert.Null(wire.GenerationConfig.Seed);
        Assert.Equal("16:9", new ImageRequest { Prompt = "x", AspectRatio = "16:9" }.ToWireRequest().GenerationConfig!.ImageConfig!.AspectRatio);
        Assert.Equal("2K", new ImageRequest { Prompt = "x", ImageSize = "2K" }.ToWireRequest().GenerationConfig!.ImageConfig!.ImageSize);
    }

    [Fact]
    public void The_estimate_counts_images_in_the_chat_history_too()
    {
        var history = new[]
        {
            new Content { Role = "user", Parts = new List<Part> { Part.FromText("a"), Part.FromImage(new byte[] { 1 }, "image/png") } },
            new Content { Role = "model", Parts = new List<Part> { Part.FromImage(new byte[] { 2 }, "image/png") } },
            new Content { Role = "model" },
        };
        var request = new ImageRequest { Prompt = "12345678", Model = Flash, InputImages = Images(1), History = history };
        Assert.Equal(8 / 4 + 1 + 3 * 1290, request.EstimateUsage().InputTokens);
        Assert.Equal(1290, request.EstimateUsage().ImageOutputTokens);
    }
}

/// <summary>Output names: explicit files, stems (edits, batch rows) and automatic names.</summary>
public sealed class OutputPlanRulesTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "gi-plan-" + Guid.NewGuid().ToString("N"));
    private static readonly DateTime Noon = new(2026, 5, 6, 12, 0, 0);

    public OutputPlanRulesTests() => Directory.CreateDirectory(_dir);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void A_stem_numbers_later_images_and_taken_names_unless_forced()
    {
        var plan = new OutputPlan { Directory = _dir, Stem = "photo-edited" };
        Assert.Equal(Path.Combine(_dir, "photo-edited.png"), plan.PathFor("p", "image/png", 0, Noon));
        Assert.Equal(Path.Combine(_dir, "photo-edited-2.jpg"), plan.PathFor("p", "image/jpeg", 1, Noon));
        File.WriteAllText(Path.Combine(_dir, "photo-edited.png"), "taken");
        Assert.Equal(Path.Combine(_dir, "photo-edited-2.png"), plan.PathFor("p", "image/png", 0, Noon));
        plan.Force = true;
        Assert.Equal(Path.Combine(_dir, "photo-edited.png"), plan.PathFor("p", "image/png", 0, Noon));
    }

    [Fact]
    public void Automatic_names_come_from_the_name_hint_when_there_is_one()
    {
        Assert.Equal(Path.Combine(_dir, "a-red-fox-20260506-120000.png"), new OutputPlan { Directory = _dir }.PathFor("A red fox", "image/png", 0, Noon));
        Assert.Equal(Path.Combine(_dir, "fox-20260506-120000-2.png"), new OutputPlan { Directory = _dir, NameHint = "fox" }.PathFor("a long expanded style template", "image/png", 1, Noon));
    }

    [Fact]
    public void An_explicit_file_keeps_a_matching_extension_in_any_case()
    {
        var plan = new OutputPlan { Directory = _dir, OutFile = Path.Combine(_dir, "cover.JPEG") };
        Assert.Equal(Path.Combine(_dir, "cover.JPEG"), plan.PathFor("p", "image/jpeg", 0, Noon));
        Assert.Equal(Path.Combine(_dir, "cover.png"), plan.PathFor("p", "image/png", 0, Noon));
        plan.SavedSoFar = 2;
        Assert.Equal(Path.Combine(_dir, "cover-3.JPEG"), plan.PathFor("p", "image/jpeg", 0, Noon));
    }

    [Fact]
    public void Names_and_types()
    {
        Assert.Equal("image/jpeg", OutputWriter.MimeTypeFor(".JPG"));
        Assert.Equal("image/jpeg", OutputWriter.MimeTypeFor(".jpeg"));
        Assert.Equal("image/webp", OutputWriter.MimeTypeFor(".webp"));
        Assert.Equal("image/png", OutputWriter.MimeTypeFor(".png"));
        Assert.Equal("", OutputWriter.MimeTypeFor(".gif"));
        Assert.Equal(".heic", OutputWriter.ExtensionFor("image/heic"));
        Assert.Equal(".heif", OutputWriter.ExtensionFor("image/heif"));
        Assert.Equal(".gif", OutputWriter.ExtensionFor("image/gif"));
        Assert.Equal(".jpg", OutputWriter.ExtensionFor("IMAGE/JPG"));
        Assert.Equal("abcde", OutputWriter.Slug("abcde-fghij", maxLength: 6));
        Assert.Equal("image", OutputWriter.Slug("!!!"));
    }

    [Fact]
    public void Forced_writes_replace_and_leave_no_temporary_file()
    {
        var path = Path.Combine(_dir, "out.png");
        File.WriteAllText(path, "old");
        Assert.Equal(path, OutputWriter.WriteAtomic(new byte[] { 1, 2 }, path, force: true));
        Assert.Equal(new byte[] { 1, 2 }, File.ReadAllBytes(path));
        Assert.Equal(new[] { "out.png" }, Directory.GetFiles(_dir).Select(Path.GetFileName));
        Assert.Throws<OutputExistsException>(() => OutputWriter.WriteAtomic(new byte[] { 3 }, path, force: false));
        Assert.Equal(new[] { "out.png" }, Directory.GetFiles(_dir).Select(Path.GetFileName));
        var nested = Path.Combine(_dir, "new", "deeper", "x.png");
        Assert.Equal(nested, OutputWriter.WriteAtomic(new byte[] { 4 }, nested, force: false)); // folders are created
    }

    [Fact]
    public void The_header_gives_the_size_and_garbage_gives_none()
    {
        var size = ImageHeader.ReadSize(File.ReadAllBytes(TestImages.Get("good.png")));
        Assert.Equal((64, 48), (size.Width, size.Height));
        Assert.Equal(default(PixelSize), ImageHeader.ReadSize(new byte[] { 1, 2, 3, 4 }));
    }
}

/// <summary>
/// One paid call end to end against the emulator: the budget before sending, the saved files, the one ledger record,
/// and the response cache.
/// </summary>
public sealed class GenerationServiceTests : IDisposable
{
    private const string FakeKey = "AIzaFAKE-generation-service-key-0001";
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "gi-gen-" + Guid.NewGuid().ToString("N"));
    private readonly GeminiEmulator _emulator = GeminiEmulator.Start();
    private readonly List<string> _warnings = new();

    // The service gets its ledger, prices, budget, cache and fallback folder from here: no process-wide GEMINI_IMAGE_HOME.
    public GenerationServiceTests() => Directory.CreateDirectory(Home);

    private string Home => Path.Combine(_dir, "home");
    private string Out => Path.Combine(_dir, "out");

    public void Dispose()
    {
        _emulator.Stop();
        if (Directory.Exists(_dir)) Directory.Delete(_dir, true);
    }

    private GenerationService Service(UsageContext? usage = null)
    {
        usage ??= new UsageContext { Cmdlet = "New-GeminiImage" };
        usage.Warning ??= w => { lock (_warnings) _warnings.Add(w); };
        return new GenerationService(new GeminiClient(new GeminiClientOptions { BaseUri = _emulator.BaseUri, ApiKey = _emulator.ApiKey, MaxRetries = 0 }), usage,
            GenerationStores.InDataFolder(Home, usage.ApiKey));
    }

    private static ImageRequest Request(string prompt = "a lighthouse at dusk", params string[] tags) => new() { Prompt = prompt, Tags = tags };

    private OutputPlan Plan() => new() { Directory = Out };

    [Fact]
    public async Task A_success_saves_the_image_and_records_what_it_cost()
    {
        var service = Service();
        var outcome = await service.RunAsync(Request(tags: "campaign"), Plan(), null, CancellationToken.None, rowId: "r7");

        var image = Assert.Single(outcome.Images);
        Assert.False(outcome.FromCache);
        Assert.True(File.Exists(image.Path));
        Assert.Equal(Out, Path.GetDirectoryName(image.Path));
        Assert.True(image.Width > 0 && image.Height > 0);
        var expected = PriceTable.FromCatalog().Compute(ModelCatalog.DefaultModelId, outcome.Result.Usage);
        Assert.Equal(expected, image.Cost);
        Assert.Equal(new[] { "campaign" }, image.Tags);

        var record = Assert.Single(service.Ledger.Query());
        Assert.Equal(UsageStatus.Success, record.Status);
        Assert.Equal(UsageOperation.Generate, record.Operation);
        Assert.Equal("New-GeminiImage", record.Cmdlet);
        Assert.Equal(expected, record.CostUsd);
        Assert.Equal(1, record.ImageCount);
        Assert.Equal(outcome.Result.Usage.ImageOutputTokens, record.ImageOutputTokens);
        Assert.Equal(outcome.Result.Usage.InputTokens, record.InputTokens);
        Assert.Equal(image.Path, record.OutputPath);
        Assert.Equal("a lighthouse at dusk", record.Prompt);
        Assert.Equal("r7", record.RowId);
        Assert.Equal(new[] { "campaign" }, record.Tags);
        Assert.Null(record.ErrorId);
        Assert.Equal(outcome.Result.ResponseId, record.ResponseId);
        Assert.Equal(Environment.MachineName, record.MachineName);
        Assert.Empty(_warnings);
    }

    [Fact]
    public async Task Batch_pricing_halves_the_estimate_and_the_recorded_cost()
    {
        var full = Service();
        var half = Service(new UsageContext { Cmdlet = "Invoke-GeminiBatch", Operation = UsageOperation.BatchServer, BatchPricing = true, BatchId = "b1" });
        var usage = Request().EstimateUsage();
        Assert.Equal(PriceTable.FromCatalog().Compute(ModelCatalog.DefaultModelId, usage), full.Estimate(Request()));
        Assert.Equal(PriceTable.FromCatalog().Compute(ModelCatalog.DefaultModelId, usage, batch: true), half.Estimate(Request()));
        Assert.True(half.Estimate(Request()) < full.Estimate(Request()));

        var outcome = await half.RunAsync(Request(), Plan(), null, CancellationToken.None);
        var record = Assert.Single(half.Ledger.Query());
        Assert.Equal(PriceTable.FromCatalog().Compute(ModelCatalog.DefaultModelId, outcome.Result.Usage, batch: true), record.CostUsd);
        Assert.Equal((UsageOperation.BatchServer, "b1"), (record.Operation, record.BatchId));
    }

    [Fact]
    public async Task A_blocked_prompt_is_recorded_as_blocked_and_a_failure_as_failed_at_no_cost()
    {
        var service = Service();
        await Assert.ThrowsAsync<GeminiNoImageException>(() => service.RunAsync(Request("[emulator:block] a thing"), Plan(), null, CancellationToken.None));
        await Assert.ThrowsAsync<GeminiApiException>(() => service.RunAsync(Request("[emulator:400] a thing"), Plan(), null, CancellationToken.None));

        var records = service.Ledger.Query();
        Assert.Equal(2, records.Count);
        Assert.Equal(UsageStatus.Blocked, records[0].Status);
        Assert.Equal("GeminiImage.PromptBlocked", records[0].ErrorId);
        Assert.Equal(0, records[0].ImageCount);
        Assert.Null(records[0].OutputPath);
        Assert.Equal(UsageStatus.Failed, records[1].Status);
        Assert.Equal(0m, records[1].CostUsd);
        Assert.NotNull(records[1].ErrorId);
        Assert.False(Directory.Exists(Out) && Directory.EnumerateFiles(Out).Any());
    }

    [Fact]
    public async Task With_prompt_logging_off_the_ledger_keeps_neither_the_prompt_nor_the_file_name()
    {
        var service = Service(new UsageContext { Cmdlet = "New-GeminiImage", NoPromptLogging = true });
        var outcome = await service.RunAsync(Request("a secret product launch"), Plan(), null, CancellationToken.None);
        var record = Assert.Single(service.Ledger.Query());
        Assert.Null(record.Prompt);
        Assert.Equal(Out, record.OutputPath);
        Assert.Contains("secret", Path.GetFileName(outcome.Images[0].Path)); // the file itself is still named after it
    }

    [Fact]
    public async Task The_api_key_never_reaches_the_ledger()
    {
        var service = Service(new UsageContext { Cmdlet = "New-GeminiImage", ApiKey = FakeKey });
        await service.RunAsync(Request($"a sign that reads {FakeKey}"), Plan(), null, CancellationToken.None);
        var record = Assert.Single(service.Ledger.Query());
        Assert.DoesNotContain(FakeKey, record.Prompt);
        Assert.DoesNotContain(FakeKey, record.OutputPath);
    }

    [Fact]
    public async Task A_budget_that_would_be_passed_stops_the_call_before_anything_is_sent()
    {
        new BudgetSettings { Daily = 0.01m }.Save(Home);
        var service = Service();
        var e = await Assert.ThrowsAsync<BudgetExceededException>(() => service.RunAsync(Request(), Plan(), null, CancellationToken.None));
        Assert.Equal(BudgetPeriod.Daily, e.Check.Period);
        Assert.Equal(service.Estimate(Request()), e.Check.Estimated);
        Assert.Equal(0, _emulator.RequestCount);
        Assert.Empty(service.Ledger.Query());
    }

    [Fact]
    public async Task Spending_near_a_budget_warns_and_still_sends()
    {
        // One 1K image of the default gemini-3.1-flash-image is about $0.067: past half of $0.09, within it.
        new BudgetSettings { Daily = 0.09m, WarnAt = 0.5m }.Save(Home);
        var service = Service();
        await service.RunAsync(Request(), Plan(), null, CancellationToken.None);
        Assert.Equal(1, _emulator.RequestCount);
        var warning = Assert.Single(_warnings);
        Assert.Contains("near the daily budget", warning);
    }

    [Fact]
    public async Task A_broken_price_file_stops_the_call_and_makes_the_estimate_unknown()
    {
        File.WriteAllText(Path.Combine(Home, PriceTable.FileName), "{ not json");
        var service = Service();
        Assert.Null(service.Estimate(Request()));
        var e = await Assert.ThrowsAsync<GeminiOperationException>(() => service.RunAsync(Request(), Plan(), null, CancellationToken.None));
        Assert.Equal("GeminiImage.InvalidPriceFile", e.ErrorId);
        Assert.Equal(ErrorKind.InvalidData, e.Kind);   // as Get-GeminiPricing and Set-GeminiPricing report the same file
        Assert.Contains(Path.Combine(Home, PriceTable.FileName), e.Message);
        Assert.Equal(0, _emulator.RequestCount);
    }

    [Fact]
    public async Task Overridden_prices_are_the_ones_estimated_and_recorded()
    {
        File.WriteAllText(Path.Combine(Home, PriceTable.FileName), """{"models":{"gemini-3.1-flash-image":{"input":0,"textOutput":0,"imageOutput":1000}}}""");
        var service = Service();
        // 1120 image tokens of a 1K image of the default model at $1,000 per million.
        Assert.Equal(1.12m, service.Estimate(Request()));
        var outcome = await service.RunAsync(Request(), Plan(), null, CancellationToken.None);
        Assert.Equal(outcome.Result.Usage.ImageOutputTokens * 1000m / 1_000_000m, Assert.Single(service.Ledger.Query()).CostUsd);
    }

    [Fact]
    public async Task The_cache_serves_the_same_bytes_free_and_records_the_saving()
    {
        var cache = new ResponseCache(Path.Combine(_dir, "cache"), 1 << 26);
        var first = Service();
        first.CacheMode = CacheMode.ReadWrite;
        first.Cache = cache;
        var paid = await first.RunAsync(Request(), Plan(), null, CancellationToken.None);
        Assert.Equal(1, cache.GetInfo().EntryCount);

        var second = Service(new UsageContext { Cmdlet = "New-GeminiImage", NoPromptLogging = true });
        second.CacheMode = CacheMode.ReadOnly;
        second.Cache = cache;
        var hit = await second.RunAsync(Request(), Plan(), null, CancellationToken.None);

        Assert.True(hit.FromCache);
        Assert.Equal(1, _emulator.RequestCount);
        var image = Assert.Single(hit.Images);
        Assert.True(image.FromCache);
        Assert.Equal(0m, image.Cost);
        Assert.NotEqual(paid.Images[0].Path, image.Path);
        Assert.Equal(File.ReadAllBytes(paid.Images[0].Path), File.ReadAllBytes(image.Path));
        Assert.Equal((paid.Images[0].Width, paid.Images[0].Height, paid.Images[0].MimeType), (image.Width, image.Height, image.MimeType));
        Assert.Equal(paid.Result.ResponseId, hit.Result.ResponseId);
        Assert.Equal(File.ReadAllBytes(paid.Images[0].Path), hit.Result.Images[0].Data);

        var records = second.Ledger.Query();
        Assert.Equal(2, records.Count);
        var saving = records[1];
        Assert.Equal((UsageOperation.CacheHit, UsageStatus.CacheHit), (saving.Operation, saving.Status));
        Assert.Equal(0m, saving.CostUsd);
        Assert.Equal(records[0].CostUsd, saving.SavedCostUsd);
        Assert.Equal(1, saving.ImageCount);
        Assert.Null(saving.Prompt);
        Assert.Equal(Out, saving.OutputPath);
    }

    [Fact]
    public async Task Read_only_and_off_never_store_and_off_never_looks()
    {
        var cache = new ResponseCache(Path.Combine(_dir, "cache"), 1 << 26);
        var readOnly = Service();
        readOnly.CacheMode = CacheMode.ReadOnly;
        readOnly.Cache = cache;
        await readOnly.RunAsync(Request(), Plan(), null, CancellationToken.None);
        Assert.Equal(0, cache.GetInfo().EntryCount);

        var writer = Service();
        writer.CacheMode = CacheMode.ReadWrite;
        writer.Cache = cache;
        await writer.RunAsync(Request(), Plan(), null, CancellationToken.None);
        Assert.Equal(1, cache.GetInfo().EntryCount);

        var off = Service();
        off.Cache = cache;
        Assert.Equal(CacheMode.Off, off.CacheMode);
        var fresh = await off.RunAsync(Request(), Plan(), null, CancellationToken.None);
        Assert.False(fresh.FromCache);
        Assert.Equal(3, _emulator.RequestCount);
    }

    [Fact]
    public async Task Each_variant_of_a_call_is_its_own_cache_entry()
    {
        var cache = new ResponseCache(Path.Combine(_dir, "cache"), 1 << 26);
        var service = Service();
        service.CacheMode = CacheMode.ReadWrite;
        service.Cache = cache;
        await service.RunAsync(Request(), Plan(), null, CancellationToken.None, cacheVariant: 0);
        var second = await service.RunAsync(Request(), Plan(), null, CancellationToken.None, cacheVariant: 1);
        Assert.False(second.FromCache);
        Assert.Equal(2, cache.GetInfo().EntryCount);
    }

    [Fact]
    public async Task A_cache_hit_onto_an_existing_file_is_refused_before_anything_with_no_record()
    {
        var cache = new ResponseCache(Path.Combine(_dir, "cache"), 1 << 26);
        var service = Service();
        service.CacheMode = CacheMode.ReadWrite;
        service.Cache = cache;
        var first = await service.RunAsync(Request(), new OutputPlan { Directory = Out, OutFile = Path.Combine(Out, "cover.png") }, null, CancellationToken.None);

        var e = await Assert.ThrowsAsync<OutputExistsException>(() => service.RunAsync(Request(), new OutputPlan { Directory = Out, OutFile = first.Images[0].Path }, null, CancellationToken.None));
        Assert.Equal(first.Images[0].Path, e.Path);
        Assert.Single(service.Ledger.Query());
        Assert.Equal(1, _emulator.RequestCount);
    }

    [Fact]
    public async Task The_service_uses_the_stores_it_is_given_not_the_process_data_folder()
    {
        Assert.NotEqual(Path.GetFullPath(Home), DataFolder.Default);
        var service = Service();
        await service.RunAsync(Request(), Plan(), null, CancellationToken.None);
        Assert.Equal(Path.GetFullPath(Home), service.Ledger.DataFolder);
        Assert.True(File.Exists(service.Ledger.Location));
        // Priced once: the file's cost and the ledger's are the same figure.
        var record = Assert.Single(service.Ledger.Query());
        Assert.NotNull(record.CostUsd);
    }

    [Fact]
    public void Recording_a_failure_needs_no_answer()
    {
        var service = Service(new UsageContext { Cmdlet = "Receive-GeminiBatchJob", Operation = UsageOperation.BatchServer });
        service.RecordFailure(Request(), new GeminiApiException(500, "INTERNAL", "boom"), "row-3");
        var record = Assert.Single(service.Ledger.Query());
        Assert.Equal((UsageStatus.Failed, 0m, "row-3"), (record.Status, record.CostUsd, record.RowId));
    }
}
