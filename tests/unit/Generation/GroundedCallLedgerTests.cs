using GeminiImage.Emulator;
using GeminiImage.Engine.Api;
using GeminiImage.Engine.Catalog;
using GeminiImage.Engine.Generation;
using GeminiImage.Engine.Ledger;
using GeminiImage.Engine.Pricing;
using Xunit;

namespace GeminiImage.Tests.Generation;

/// <summary>
/// Google Search queries made by grounding are billed whatever became of the image: their own ledger line, and the
/// image's cost includes them (issue 24: no xUnit test reached this path).
/// </summary>
public sealed class GroundedCallLedgerTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "gi-grounded-" + Guid.NewGuid().ToString("N"));
    private readonly GeminiEmulator _emulator = GeminiEmulator.Start();

    public void Dispose()
    {
        _emulator.Stop();
        if (Directory.Exists(_dir)) Directory.Delete(_dir, true);
    }

    private GenerationService Service(bool noPromptLogging = false, string home = "home") =>
        new(new GeminiClient(new GeminiClientOptions { BaseUri = _emulator.BaseUri, ApiKey = _emulator.ApiKey, MaxRetries = 0 }),
            new UsageContext { Cmdlet = "New-GeminiImage", NoPromptLogging = noPromptLogging, Project = "Apollo" },
            GenerationStores.InDataFolder(Path.Combine(_dir, home)));

    private static ImageRequest Grounded(string model, params string[] searchTypes) => new()
    {
        Prompt = "the tallest tower in Paris",
        Model = ModelCatalog.Default.Get(model),
        Options = new PromptOptions { GoogleSearch = true, SearchTypes = searchTypes },
        Tags = new[] { "travel" },
    };

    [Fact]
    public async Task One_query_is_its_own_line_at_the_search_price_and_part_of_the_image_cost()
    {
        var service = Service();
        var outcome = await service.RunAsync(Grounded("gemini-3-pro-image"), new OutputPlan { Directory = Path.Combine(_dir, "out") }, null, CancellationToken.None, rowId: "r9");

        var prices = PriceTable.FromCatalog();
        var tokens = prices.Compute("gemini-3-pro-image", outcome.Result.Usage);
        var search = prices.ComputeSearch("gemini-3-pro-image", 1);
        Assert.True(search > 0m);
        Assert.Equal(tokens + search, Assert.Single(outcome.Images).Cost);

        var records = service.Ledger.Query();
        Assert.Equal(2, records.Count);
        var generate = Assert.Single(records, r => r.Operation == UsageOperation.Generate);
        var line = Assert.Single(records, r => r.Operation == UsageOperation.Search);
        Assert.Equal(tokens, generate.CostUsd);
        Assert.Equal(search, line.CostUsd);
        Assert.Equal(UsageStatus.Success, line.Status);
        Assert.Equal("1 Google Search query: the tallest tower in Paris", line.Prompt);
        Assert.Equal(("New-GeminiImage", "gemini-3-pro-image", "r9", "Apollo"), (line.Cmdlet, line.Model, line.RowId, line.Project));
        Assert.Equal(generate.ResponseId, line.ResponseId);
        Assert.NotNull(line.ResponseId);
        Assert.Equal(new[] { "travel" }, line.Tags);
        Assert.Equal(generate.MachineName, line.MachineName);
    }

    [Fact]
    public async Task Several_queries_are_counted_and_listed_unless_prompts_are_not_logged()
    {
        var service = Service();
        await service.RunAsync(Grounded("gemini-3.1-flash-image", "web", "image"), new OutputPlan { Directory = Path.Combine(_dir, "out") }, null, CancellationToken.None);
        var line = Assert.Single(service.Ledger.Query(), r => r.Operation == UsageOperation.Search);
        Assert.Equal("2 Google Search queries: the tallest tower in Paris | the tallest tower in Paris", line.Prompt);
        Assert.Equal(PriceTable.FromCatalog().ComputeSearch("gemini-3.1-flash-image", 2), line.CostUsd);

        var quiet = Service(noPromptLogging: true, home: "quiet");
        await quiet.RunAsync(Grounded("gemini-3.1-flash-image"), new OutputPlan { Directory = Path.Combine(_dir, "out2") }, null, CancellationToken.None);
        Assert.All(quiet.Ledger.Query(), r => Assert.Null(r.Prompt));
    }

    [Fact]
    public async Task A_call_without_grounding_has_no_search_line()
    {
        var service = Service();
        await service.RunAsync(new ImageRequest { Prompt = "a lighthouse" }, new OutputPlan { Directory = Path.Combine(_dir, "out") }, null, CancellationToken.None);
        Assert.Equal(UsageOperation.Generate, Assert.Single(service.Ledger.Query()).Operation);
    }
}
