using GeminiImage.Engine.Errors;
using GeminiImage.Engine.Ledger;
using GeminiImage.Engine.Pricing;
using Xunit;

namespace GeminiImage.Tests.Ledger;

/// <summary>The budget and price override files belong to engine stores (issue 14), each on a data folder of its own.</summary>
public sealed class OverrideStoreTests : IDisposable
{
    private readonly string _home = Path.Combine(Path.GetTempPath(), "stores-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_home)) Directory.Delete(_home, true);
    }

    [Fact]
    public void BudgetStoreSavesReArmsTheWarningAndClears()
    {
        var store = new BudgetStore(_home);
        Assert.False(store.Exists);
        Assert.False(store.Clear());
        Assert.Null(store.Load().Daily);

        store.Save(new BudgetSettings { Daily = 2m, Monthly = 20m });
        Assert.Equal(Path.Combine(_home, BudgetSettings.FileName), store.Path);
        Assert.Equal(2m, store.Load().Daily);
        // A warning given under the old limits is given again under the new ones.
        var state = Path.Combine(_home, BudgetGuard.StateFileName);
        File.WriteAllText(state, "{}");
        store.Save(new BudgetSettings { Daily = 3m });
        Assert.False(File.Exists(state));

        File.WriteAllText(state, "{}");
        Assert.True(store.Clear());
        Assert.False(store.Exists);
        Assert.False(File.Exists(state));
    }

    [Fact]
    public void PriceOverrideStoreChecksInstallsAndRemoves()
    {
        Directory.CreateDirectory(_home);
        var store = new PriceOverrideStore(Path.Combine(_home, "data"));
        var catalog = store.Current().Get("gemini-2.5-flash-image")!.ImageOutput;

        var bad = Path.Combine(_home, "bad.json");
        File.WriteAllText(bad, """{"models":{"gemini-2.5-flash-image":{"imageOutput":-1}}}""");
        Assert.Throws<GeminiOperationException>(() => PriceOverrideStore.Validate(bad));
        File.WriteAllText(bad, """{"models":{}}""");
        Assert.Throws<GeminiOperationException>(() => PriceOverrideStore.Validate(bad));

        var good = Path.Combine(_home, "prices.json");
        File.WriteAllText(good, """{"models":{"gemini-2.5-flash-image":{"imageOutput":15}}}""");
        PriceOverrideStore.Validate(good);
        store.Install(good);
        Assert.True(store.Exists);
        Assert.Equal(15m, store.Current().Get("gemini-2.5-flash-image")!.ImageOutput);

        Assert.True(store.Remove());
        Assert.False(store.Remove());
        Assert.Equal(catalog, store.Current().Get("gemini-2.5-flash-image")!.ImageOutput);
    }
}
