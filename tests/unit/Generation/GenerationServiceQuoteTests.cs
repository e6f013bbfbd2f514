using GeminiImage.Engine.Api;
using GeminiImage.Engine.Cache;
using GeminiImage.Engine.Catalog;
using GeminiImage.Engine.Errors;
using GeminiImage.Engine.Generation;
using GeminiImage.Engine.Ledger;
using GeminiImage.Tests.Cache;
using Xunit;

namespace GeminiImage.Tests.Generation;

/// <summary>
/// The parts of a paid call that send nothing: the -WhatIf quote, reservations and their release, an undelivered
/// image kept, a retired model named (issue 24: these had no xUnit test, so their mutants had no coverage).
/// </summary>
public sealed class GenerationServiceQuoteTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "gi-quote-" + Guid.NewGuid().ToString("N"));
    private readonly List<string> _warnings = new();

    public GenerationServiceQuoteTests() => Directory.CreateDirectory(Home);

    private string Home => Path.Combine(_dir, "home");

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    // Nothing here is sent: the client points at a closed port.
    private GenerationService Service(UsageContext? usage = null)
    {
        usage ??= new UsageContext { Cmdlet = "New-GeminiImage" };
        usage.Warning ??= w => { lock (_warnings) _warnings.Add(w); };
        return new GenerationService(new GeminiClient(new GeminiClientOptions { BaseUri = new Uri("http://127.0.0.1:9/"), ApiKey = "AIzaFAKE-quote", MaxRetries = 0 }),
            usage, GenerationStores.InDataFolder(Home, usage.ApiKey));
    }

    private static ImageRequest Request() => new() { Prompt = "a lighthouse at dusk" };

    private ResponseCache CacheHolding(ImageRequest request, params int[] variants)
    {
        var cache = new ResponseCache(Path.Combine(_dir, "cache"), 1 << 26);
        foreach (var v in variants) Assert.True(cache.Put(ResponseCacheTests.Entry(CacheKey.Compute(request, v))));
        return cache;
    }

    [Fact]
    public void A_quote_is_the_estimate_times_the_requests_without_cache_or_budget()
    {
        var service = Service();
        var one = service.Estimate(Request())!.Value;
        Assert.True(one > 0m);
        var quote = service.Quote(Request(), 3);
        Assert.Equal(3 * one, quote.Estimate);
        Assert.Equal(0, quote.Cached);
        Assert.Null(quote.Refusal);
        Assert.Empty(service.Ledger.Query());
    }

    [Fact]
    public void Requests_the_cache_holds_are_free_and_counted_only_when_the_cache_is_used()
    {
        var cache = CacheHolding(Request(), 0, 2);
        var service = Service();
        service.Cache = cache;
        var one = service.Estimate(Request())!.Value;
        // Off never looks.
        Assert.Equal((3 * one, 0), (service.Quote(Request(), 3).Estimate, service.Quote(Request(), 3).Cached));

        service.CacheMode = CacheMode.ReadOnly;
        var quote = service.Quote(Request(), 3);
        Assert.Equal((one, 2), (quote.Estimate, quote.Cached));

        var all = service.Quote(Request(), 1);
        Assert.Equal((0m, 1), (all.Estimate, all.Cached));
    }

    [Fact]
    public void A_budget_that_would_refuse_is_named_counting_what_was_spent_before()
    {
        var one = Service().Estimate(Request())!.Value;
        new BudgetSettings { Daily = one * 2.5m }.Save(Home);
        // One request's estimate is already set aside today (and this month).
        Service().Reserve(new[] { (Request(), (string?)null, (decimal?)null) });
        Assert.Null(Service().Quote(Request(), 1).Refusal);
        var refusal = Service().Quote(Request(), 2).Refusal;
        Assert.NotNull(refusal);
        Assert.Equal((BudgetPeriod.Daily, one), (refusal!.Period, refusal.Spent));

        new BudgetSettings { Monthly = one * 2.5m }.Save(Home);
        Assert.Null(Service().Quote(Request(), 1).Refusal);
        Assert.Equal((BudgetPeriod.Monthly, one), (Service().Quote(Request(), 2).Refusal!.Period, Service().Quote(Request(), 2).Refusal!.Spent));
    }

    [Fact]
    public void A_quote_all_from_the_cache_checks_no_budget()
    {
        new BudgetSettings { Daily = 0.000001m }.Save(Home);
        var service = Service();
        service.Cache = CacheHolding(Request(), 0);
        service.CacheMode = CacheMode.ReadOnly;
        var quote = service.Quote(Request(), 1);
        Assert.Equal((0m, 1), (quote.Estimate, quote.Cached));
        Assert.Null(quote.Refusal);
    }

    [Fact]
    public void Reservations_count_at_once_and_released_ones_no_longer()
    {
        var service = Service();
        var one = service.Estimate(Request())!.Value;
        var ids = service.Reserve(new[] { (Request(), (string?)"r1", (decimal?)null), (Request(), (string?)"r2", (decimal?)0.5m) });
        Assert.Equal(2, ids.Count);
        Assert.All(ids, id => Assert.False(string.IsNullOrEmpty(id)));
        Assert.Equal(one + 0.5m, service.Ledger.SpendToday());
        var pending = service.Ledger.Query();
        Assert.Equal(new[] { "r1", "r2" }, pending.Select(r => r.RowId).OrderBy(r => r));
        Assert.All(pending, r => Assert.Equal(UsageStatus.Pending, r.Status));
        Assert.All(pending, r => Assert.Equal("a lighthouse at dusk", r.Prompt));

        service.Release(new[] { ids[1], null });
        Assert.Equal(one, service.Ledger.SpendToday());
        Assert.Equal("r1", Assert.Single(service.Ledger.Query()).RowId);
        Assert.Empty(_warnings);
    }

    [Fact]
    public void A_reservation_past_a_budget_is_refused_and_one_near_it_warns()
    {
        var service = Service();
        var one = service.Estimate(Request())!.Value;
        new BudgetSettings { Daily = one * 1.5m, WarnAt = 0.5m }.Save(Home);
        Assert.Throws<BudgetExceededException>(() => Service().Reserve(new[] { (Request(), (string?)null, (decimal?)null), (Request(), (string?)null, (decimal?)null) }));
        Assert.Empty(Service().Ledger.Query());
        Service().Reserve(new[] { (Request(), (string?)null, (decimal?)null) });
        Assert.Contains(_warnings, w => w.Contains("daily budget"));
    }

    [Fact]
    public void An_undelivered_image_is_kept_in_the_fallback_folder()
    {
        var service = Service();
        var bytes = new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G', 1, 2, 3 };
        var image = new GeminiImageResult { Bytes = bytes, MimeType = "image/png", CreatedUtc = new DateTime(2026, 11, 28, 23, 30, 5, DateTimeKind.Utc) };
        var kept = service.KeepUndelivered(image);
        Assert.NotNull(kept);
        Assert.Equal(kept, image.Path);
        Assert.Equal(Path.Combine(Home, "fallback"), Path.GetDirectoryName(kept));
        Assert.StartsWith("undelivered-20261128-233005", Path.GetFileName(kept));
        Assert.EndsWith(".png", kept);
        Assert.Equal(bytes, File.ReadAllBytes(kept!));

        // Already saved, or nothing in memory: nothing more is written.
        Assert.Equal(kept, service.KeepUndelivered(image));
        Assert.Single(Directory.GetFiles(Path.Combine(Home, "fallback")));
        var onDisk = new GeminiImageResult { Path = "/somewhere/a.png" };
        Assert.Equal("/somewhere/a.png", service.KeepUndelivered(onDisk));
    }

    [Fact]
    public void A_404_for_a_catalog_model_says_it_may_be_retired_and_how_to_switch()
    {
        var model = ModelCatalog.Default.Get(ModelCatalog.DefaultModelId);
        var notFound = new GeminiApiException(404, "NOT_FOUND", "models/x is not found");
        var e = GenerationService.ModelRetired(model, notFound);
        Assert.Equal((404, "NOT_FOUND"), (e.HttpStatus, e.ApiStatus));
        Assert.Same(notFound, e.InnerException);
        Assert.Contains($"404 Not Found for {model.Id}", e.Message);
        Assert.Contains("Get-GeminiModel -Online", e.Message);
        Assert.Contains($"Set-GeminiModel -Id {model.Id} -Status ShutDown", e.Message);
        Assert.EndsWith("Google said: models/x is not found", e.Message);
    }
}
