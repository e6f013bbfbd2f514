using GeminiImage.Engine.Styles;
using GeminiImage.Tests.Ledger;
using Xunit;

namespace GeminiImage.Tests.Styles;

public class StyleStoreTests
{
    [Fact]
    public void BuiltInSetHasTheSixDocumentedStylesAllValid()
    {
        var names = StyleStore.BuiltIn.Select(s => s.Name).OrderBy(n => n).ToArray();
        Assert.Equal(new[] { "flat-illustration", "infographic-card", "photoreal-portrait", "product-lifestyle", "product-white", "social-post" }, names);
        foreach (var style in StyleStore.BuiltIn)
        {
            style.Validate();
            Assert.Equal(StyleSource.BuiltIn, style.Source);
            Assert.False(string.IsNullOrWhiteSpace(style.Description));
        }
        Assert.Equal("4:5", StyleStore.BuiltIn.Single(s => s.Name == "social-post").AspectRatio);
    }

    [Fact]
    public void ExpandPutsTheTrimmedPromptWherePlaceholdersAre()
    {
        var style = new GeminiStyle { Name = "x", Template = "A {prompt}, and again {prompt}." };
        Assert.Equal("A red fox, and again red fox.", style.Expand("  red fox "));
    }

    [Theory]
    [InlineData("no placeholder here")]
    [InlineData("{Prompt} is the wrong case")]
    [InlineData("   ")]
    public void TemplateWithoutPlaceholderIsInvalid(string template)
    {
        var ex = Assert.Throws<GeminiStyleException>(() => new GeminiStyle { Name = "bad", Template = template }.Validate());
        Assert.Equal(GeminiStyleException.InvalidStyleId, ex.ErrorId);
    }

    [Theory]
    [InlineData("has space")]
    [InlineData("-leading")]
    [InlineData("")]
    [InlineData("slash/name")]
    public void BadNamesAreRefused(string name) =>
        Assert.Throws<GeminiStyleException>(() => new GeminiStyle { Name = name, Template = "{prompt}" }.Validate());

    [Fact]
    public void BadDefaultsAreRefused()
    {
        Assert.Throws<GeminiStyleException>(() => new GeminiStyle { Name = "a", Template = "{prompt}", AspectRatio = "2:1" }.Validate());
        Assert.Throws<GeminiStyleException>(() => new GeminiStyle { Name = "a", Template = "{prompt}", ImageSize = "8K" }.Validate());
        Assert.Throws<GeminiStyleException>(() => new GeminiStyle { Name = "a", Template = "{prompt}", Temperature = 3 }.Validate());
    }

    [Fact]
    public void SetGetRemoveRoundTripThroughAReadableFile()
    {
        using var dir = new TempDir();
        var store = new StyleStore(dir.Path);
        store.Set(new GeminiStyle { Name = "noir", Template = "Film noir still of {prompt}", AspectRatio = "16:9", Temperature = 0.5 });
        var noir = new StyleStore(dir.Path).Get("NOIR");
        Assert.Equal("noir", noir.Name);
        Assert.Equal(StyleSource.User, noir.Source);
        Assert.Equal("16:9", noir.AspectRatio);
        Assert.Equal(0.5, noir.Temperature);
        var text = File.ReadAllText(store.FilePath);
        Assert.Contains("\"template\": \"Film noir still of {prompt}\"", text);
        Assert.DoesNotContain("imageSize", text); // unset defaults are left out
        Assert.DoesNotContain("source", text, StringComparison.OrdinalIgnoreCase);
        Assert.True(store.Remove("noir"));
        Assert.Null(store.Find("noir"));
        Assert.False(store.Remove("noir"));
    }

    [Fact]
    public void UnknownStyleIsANotFoundErrorNamingTheStyles()
    {
        using var dir = new TempDir();
        var ex = Assert.Throws<GeminiStyleException>(() => new StyleStore(dir.Path).Get("nope"));
        Assert.Equal(GeminiStyleException.NotFoundId, ex.ErrorId);
        Assert.Contains("product-white", ex.Message);
    }

    [Fact]
    public void UserStyleOverridesBuiltInAndRemovingItBringsTheBuiltInBack()
    {
        using var dir = new TempDir();
        var store = new StyleStore(dir.Path);
        store.Set(new GeminiStyle { Name = "product-white", Template = "Ours: {prompt}" });
        Assert.Equal("Ours: {prompt}", store.Get("product-white").Template);
        Assert.Single(store.GetAll(), s => s.Name == "product-white");
        store.Remove("product-white");
        Assert.Equal(StyleSource.BuiltIn, store.Get("product-white").Source);
        var ex = Assert.Throws<GeminiStyleException>(() => store.Remove("product-white"));
        Assert.Equal(GeminiStyleException.BuiltInId, ex.ErrorId);
    }

    [Fact]
    public void ImportRefusesClashesWithoutForceAndExportRoundTrips()
    {
        using var dir = new TempDir();
        var a = new StyleStore(dir.Sub("a"));
        a.Set(new GeminiStyle { Name = "team-hero", Template = "Hero banner: {prompt}", AspectRatio = "21:9", Description = "Café banner \"quoted\"" });
        a.Set(new GeminiStyle { Name = "team-icon", Template = "App icon of {prompt}" });
        var shared = dir.Sub("shared.json");
        StyleStore.Export(shared, a.GetUser(), force: false);
        Assert.Contains("Café banner \"quoted\"".Replace("\"", "\\\""), File.ReadAllText(shared));
        Assert.Throws<GeminiImage.Engine.Errors.OutputExistsException>(() => StyleStore.Export(shared, a.GetUser(), force: false));

        var b = new StyleStore(dir.Sub("b"));
        b.Set(new GeminiStyle { Name = "team-icon", Template = "Old icon {prompt}" });
        var ex = Assert.Throws<GeminiStyleException>(() => b.Import(shared, force: false));
        Assert.Equal(GeminiStyleException.StyleExistsId, ex.ErrorId);
        Assert.Null(b.Find("team-hero")); // nothing imported
        Assert.Equal(2, b.Import(shared, force: true).Count);
        Assert.Equal("App icon of {prompt}", b.Get("team-icon").Template);
        Assert.Equal("21:9", b.Get("team-hero").AspectRatio);
    }

    [Fact]
    public void ABrokenFileIsAClearError()
    {
        using var dir = new TempDir();
        var path = dir.Sub("bad.json");
        File.WriteAllText(path, "{ \"styles\": [ { \"name\": \"x\", \"template\": \"no placeholder\" } ] }");
        var ex = Assert.Throws<GeminiStyleException>(() => new StyleStore(dir.Path).Import(path, false));
        Assert.Equal(GeminiStyleException.StyleFileId, ex.ErrorId);
        Assert.Contains("{prompt}", ex.Message);
        File.WriteAllText(path, "not json");
        Assert.Equal(GeminiStyleException.StyleFileId, Assert.Throws<GeminiStyleException>(() => new StyleStore(dir.Path).Import(path, false)).ErrorId);
    }

    [Fact]
    public async Task ConcurrentSetsKeepEveryStyle()
    {
        using var dir = new TempDir();
        await Task.WhenAll(Enumerable.Range(0, 16).Select(i => Task.Run(() =>
            new StyleStore(dir.Path).Set(new GeminiStyle { Name = $"s{i}", Template = $"{i} {{prompt}}" }))));
        Assert.Equal(16, new StyleStore(dir.Path).GetUser().Count);
    }
}
