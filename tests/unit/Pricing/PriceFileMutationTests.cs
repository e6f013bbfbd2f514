using System.Text;
using GeminiImage.Engine.Catalog;
using GeminiImage.Engine.Errors;
using GeminiImage.Engine.Ledger;
using GeminiImage.Engine.Pricing;
using Xunit;

namespace GeminiImage.Tests.Pricing;

/// <summary>
/// How a price file is checked and installed, and the per-image and search prices (issue 24: each test fails for a
/// mutant that survived in Pricing).
/// </summary>
public sealed class PriceFileMutationTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "gi-price-file-" + Guid.NewGuid().ToString("N"));

    public PriceFileMutationTests() => Directory.CreateDirectory(_dir);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Write(string name, string json)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, json);
        return path;
    }

    private static PriceTable Parse(string json) => PriceTable.Parse(new MemoryStream(Encoding.UTF8.GetBytes(json)));

    [Fact]
    public void Amounts_show_at_least_cents_and_at_most_four_decimals_with_a_dollar_sign()
    {
        Assert.Equal("$5.5337", Money.Usd(5.533684m));
        Assert.Equal("$0.01", Money.Usd(0.01m));
        Assert.Equal("$100.00", Money.Usd(100m));
    }

    [Fact]
    public void A_price_that_is_not_a_number_is_an_invalid_price_file_naming_the_file()
    {
        // GetDecimal on a string throws InvalidOperationException: the file is invalid, not the module broken.
        var path = Write("words.json", """{"models":{"gemini-2.5-flash-image":{"imageOutput":"cheap"}}}""");
        var e = Assert.Throws<GeminiOperationException>(() => PriceOverrideStore.Validate(path));
        Assert.StartsWith($"'{path}' is not a valid price file: ", e.Message);
        Assert.IsType<InvalidOperationException>(e.InnerException);
        Assert.Equal("GeminiImage.InvalidPriceFile", e.ErrorId);
        Assert.Equal(ErrorKind.InvalidData, e.Kind);
        Assert.Contains("Set-GeminiPricing -Reset", e.RecommendedAction);

        var broken = Write("broken.json", """{"models":{""");
        e = Assert.Throws<GeminiOperationException>(() => PriceOverrideStore.Validate(broken));
        Assert.StartsWith($"'{broken}' is not a valid price file: ", e.Message);
    }

    [Fact]
    public void A_missing_price_of_an_unknown_model_is_an_invalid_price_file_naming_the_file_and_the_price()
    {
        var path = Write("unknown.json", """{"models":{"new-model":{"input":1,"textOutput":1}}}""");
        var e = Assert.Throws<GeminiOperationException>(() => PriceOverrideStore.Validate(path));
        Assert.StartsWith($"'{path}' is not a valid price file: ", e.Message);
        Assert.Contains("'imageOutput'", e.Message);
    }

    [Fact]
    public void A_file_without_models_is_refused_with_the_reason()
    {
        var path = Write("empty.json", """{"models":{}}""");
        var e = Assert.Throws<GeminiOperationException>(() => PriceOverrideStore.Validate(path));
        Assert.Equal($"'{path}' is not a valid price file: it has no \"models\" object with at least one model.", e.Message);
    }

    [Fact]
    public void Zero_prices_are_valid_and_a_negative_one_names_the_model_and_the_price()
    {
        var free = Write("free.json", """{"models":{"my-free-model":{"input":0,"textOutput":0,"imageOutput":0,"searchPer1000":0}}}""");
        var table = PriceOverrideStore.Validate(free);
        Assert.Equal(0m, table.Compute("my-free-model", new TokenUsage { InputTokens = 10, TextOutputTokens = 10, ImageOutputTokens = 10 }));

        foreach (var name in new[] { "input", "textOutput", "imageOutput", "searchPer1000" })
        {
            var path = Write(name + ".json", "{\"models\":{\"gemini-2.5-flash-image\":{\"" + name + "\":-1}}}");
            var e = Assert.Throws<GeminiOperationException>(() => PriceOverrideStore.Validate(path));
            Assert.Contains($"'{name}'", e.Message);
            Assert.Contains("gemini-2.5-flash-image", e.Message);
        }
    }

    [Fact]
    public void Installing_replaces_an_earlier_override_and_leaves_it_readable_by_the_owner_only()
    {
        var store = new PriceOverrideStore(Path.Combine(_dir, "data"));
        store.Install(Write("first.json", """{"models":{"gemini-2.5-flash-image":{"imageOutput":15}}}"""));
        store.Install(Write("second.json", """{"models":{"gemini-2.5-flash-image":{"imageOutput":12}}}"""));
        Assert.Equal(12m, store.Current().Get("gemini-2.5-flash-image")!.ImageOutput);
        if (!OperatingSystem.IsWindows())
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(store.Path));
    }

    [Fact]
    public void Installing_the_override_itself_changes_nothing()
    {
        var store = new PriceOverrideStore(Path.Combine(_dir, "data"));
        store.Install(Write("prices.json", """{"models":{"gemini-2.5-flash-image":{"imageOutput":15}}}"""));
        // Not copied onto itself (which would fail, or empty the file).
        store.Install(store.Path);
        Assert.Equal(15m, store.Current().Get("gemini-2.5-flash-image")!.ImageOutput);
    }

    [Fact]
    public void Load_without_a_path_reads_the_data_folder_s_file_only_when_there_is_one()
    {
        // The process's data folder (GEMINI_IMAGE_HOME or the user's): never written here, only compared with.
        var file = Path.Combine(DataFolder.Default, PriceTable.FileName);
        var expected = File.Exists(file) ? PriceTable.Load(file) : PriceTable.FromCatalog();
        var table = PriceTable.Load();
        Assert.Equal(expected.OverriddenModels, table.OverriddenModels);
        Assert.Equal(expected.Get("gemini-2.5-flash-image")!.ImageOutput, table.Get("gemini-2.5-flash-image")!.ImageOutput);
    }

    [Fact]
    public void The_search_price_can_be_overridden_and_prices_queries_per_thousand()
    {
        var table = Parse("""{"models":{"gemini-3-pro-image":{"searchPer1000":20}}}""");
        Assert.Equal(20m, table.Get("gemini-3-pro-image")!.SearchPer1000);
        Assert.Equal(0.06m, table.ComputeSearch("gemini-3-pro-image", 3));
        Assert.Equal(0.014m, PriceTable.FromCatalog().ComputeSearch("gemini-3-pro-image", 1));
        Assert.Null(table.ComputeSearch("not-a-model", 3));
    }

    [Fact]
    public void The_price_of_one_image_is_its_tokens_at_the_image_output_price()
    {
        var model = ModelCatalog.Default.Get("gemini-3-pro-image");
        var tokens = model.GetImageTokens("4K");
        var table = Parse("""{"models":{"gemini-3-pro-image":{"imageOutput":100}}}""");
        Assert.Equal(Math.Round(tokens * 100m / 1_000_000m, 6), table.PerImage(model, "4K"));
        Assert.True(table.PerImage(model, "4K") > 0.1m); // 2,000 tokens or so at $100 per million: cents, not micro-dollars
    }
}
