using System.Text;
using GeminiImage.Engine.Catalog;
using GeminiImage.Engine.Errors;
using GeminiImage.Engine.Generation;
using Xunit;

namespace GeminiImage.Tests.Catalog;

/// <summary>Lifecycle rules on a fixed "today", never on the real calendar.</summary>
public class LifecycleTests
{
    private static readonly DateTime Before = new(2026, 9, 1, 0, 0, 0, DateTimeKind.Utc);
    private static readonly DateTime After = new(2026, 11, 28, 0, 0, 0, DateTimeKind.Utc);

    private static ModelInfo Model(string id) => ModelCatalog.Embedded.Get(id);

    private static ModelCatalog Catalog(string overrideJson)
    {
        using var embedded = typeof(ModelCatalog).Assembly.GetManifestResourceStream("GeminiImage.models.json")!;
        return ModelCatalog.Load(embedded, new MemoryStream(Encoding.UTF8.GetBytes(overrideJson)));
    }

    [Fact]
    public void The_default_is_the_stable_3_1_flash_image()
    {
        Assert.Equal("gemini-3.1-flash-image", ModelCatalog.DefaultModelId);
        Assert.Equal(ModelStatus.Stable, Model(ModelCatalog.DefaultModelId).StatusOn(After));
        Assert.False(Model(ModelCatalog.DefaultModelId).Unconfirmed);
    }

    [Theory]
    [InlineData("gemini-3.1-flash-image", ModelStatus.Stable)]
    [InlineData("gemini-3-pro-image", ModelStatus.Stable)]
    [InlineData("gemini-3.1-flash-lite-image", ModelStatus.Stable)]
    [InlineData("gemini-2.5-flash-image", ModelStatus.Deprecated)]
    [InlineData("gemini-2.5-flash-image-preview", ModelStatus.ShutDown)]
    [InlineData("gemini-3-pro-image-preview", ModelStatus.ShutDown)]
    [InlineData("gemini-3.1-flash-image-preview", ModelStatus.ShutDown)]
    [InlineData("gemini-nano-banana-2.1", ModelStatus.Preview)]
    [InlineData("gemini-9-imaginary-model", ModelStatus.Unknown)]
    public void Status_of_each_catalog_model(string id, ModelStatus status) => Assert.Equal(status, Model(id).StatusOn(After));

    [Fact]
    public void Shut_down_models_name_their_replacement()
    {
        Assert.Equal("gemini-3-pro-image", Model("gemini-3-pro-image-preview").Replacement);
        Assert.Equal("gemini-3.1-flash-image", Model("gemini-3.1-flash-image-preview").Replacement);
        Assert.Equal(new DateTime(2026, 6, 25), Model("gemini-3.1-flash-image-preview").ShutdownDate);
    }

    [Fact]
    public void Deprecated_model_warns_with_its_date_and_replacement_before_and_after_an_earliest_date()
    {
        var model = Model("gemini-2.5-flash-image");
        var before = ModelLifecycle.Notice(model, Before)!;
        Assert.Contains("2026-10-02", before);
        Assert.Contains("gemini-3.1-flash-image", before);
        Assert.Contains("Set-GeminiConfig -Model gemini-3.1-flash-image", before);
        var after = ModelLifecycle.Notice(model, After)!;
        Assert.Contains("has passed", after);
        // An "earliest possible" date that has passed does not make the model unusable: Google may still serve it.
        ModelLifecycle.EnsureUsable(model, After);
    }

    [Fact]
    public void Stable_models_need_no_notice() => Assert.Null(ModelLifecycle.Notice(Model("gemini-3-pro-image"), After));

    [Fact]
    public void Unknown_and_unconfirmed_models_are_noticed()
    {
        Assert.Contains("not in the catalog", ModelLifecycle.Notice(Model("gemini-9-imaginary-model"), After));
        Assert.Contains("third parties", ModelLifecycle.Notice(Model("gemini-nano-banana-2.1"), After));
    }

    [Fact]
    public void A_shut_down_model_fails_before_sending_with_the_replacement_and_the_command()
    {
        var request = new ImageRequest { Prompt = "a cat", Model = Model("gemini-3-pro-image-preview") };
        var error = Assert.Throws<GeminiArgumentException>(request.Validate);
        Assert.Equal("GeminiImage.ModelShutDown", error.ErrorId);
        Assert.Contains("gemini-3-pro-image instead", error.Message);
        Assert.Contains("Set-GeminiConfig -Model gemini-3-pro-image", error.Message);
        Assert.Contains("2026-06-25", error.Message);
    }

    [Fact]
    public void An_announced_shutdown_date_shuts_the_model_down_on_that_day()
    {
        var catalog = Catalog("""{ "models": [ { "id": "gemini-3-pro-image", "shutdownDate": "2026-12-01", "shutdownDateKind": "announced", "replacement": "gemini-3.1-flash-image" } ] }""");
        Assert.True(catalog.TryGet("gemini-3-pro-image", out var model));
        Assert.Equal(ModelStatus.Deprecated, model.StatusOn(new DateTime(2026, 11, 30)));
        Assert.Equal(ModelStatus.ShutDown, model.StatusOn(new DateTime(2026, 12, 1)));
        Assert.Equal("GeminiImage.ModelShutDown", Assert.Throws<GeminiArgumentException>(() => ModelLifecycle.EnsureUsable(model, new DateTime(2026, 12, 2))).ErrorId);
        ModelLifecycle.EnsureUsable(model, new DateTime(2026, 11, 30));
    }

    [Fact]
    public void The_clock_can_be_fixed_for_tests()
    {
        using (CatalogClock.Fix(new DateTime(2030, 1, 2)))
            Assert.Equal(new DateTime(2030, 1, 2), CatalogClock.Today);
        Assert.Equal(DateTime.UtcNow.Date, CatalogClock.Today);
    }

    [Theory]
    [InlineData("gemini-3.1-flash-imgae", "gemini-3.1-flash-image")]
    [InlineData("gemini-3-pro-imag", "gemini-3-pro-image")]
    [InlineData("models/gemini-3.1-flash-imag", "gemini-3.1-flash-image")]
    public void A_typo_of_a_known_id_is_refused_with_a_suggestion(string typo, string suggestion)
    {
        var request = new ImageRequest { Prompt = "x", Model = ModelCatalog.Default.Get(typo) };
        var error = Assert.Throws<GeminiArgumentException>(request.Validate);
        Assert.Equal("GeminiImage.UnknownModel", error.ErrorId);
        Assert.Contains($"Did you mean '{suggestion}'", error.Message);
    }

    [Fact]
    public void A_far_unknown_id_stays_usable() => new ImageRequest { Prompt = "x", Model = ModelCatalog.Default.Get("my-tuned-image-model") }.Validate();

    [Fact]
    public void Override_adds_a_model_from_a_known_shape_with_its_own_lifecycle_and_prices()
    {
        var catalog = Catalog("""
            { "models": [ { "id": "gemini-3.2-flash-image", "nickname": "Nano Banana 3", "sameAs": "gemini-3.1-flash-image",
                            "status": "preview", "releaseDate": "2026-11-20",
                            "prices": { "input": 0.4, "textOutput": 2.5, "imageOutput": 50 } } ] }
            """);
        Assert.True(catalog.TryGet("gemini-3.2-flash-image", out var model));
        Assert.Equal("override", model.Source);
        Assert.Equal(ModelStatus.Preview, model.StatusOn(After));
        Assert.Equal(50m, model.Prices!.ImageOutput);
        Assert.True(model.AspectRatios.ContainsKey("8:1"));
        Assert.Contains("512", model.ImageSizes.Keys);
        Assert.Equal(new[] { "MINIMAL", "HIGH" }, model.ThinkingLevels);
        // The shipped models are all still there, unchanged.
        Assert.True(catalog.TryGet("gemini-3-pro-image", out var pro));
        Assert.Equal("catalog", pro.Source);
    }

    [Fact]
    public void Override_changes_only_the_members_it_names()
    {
        var catalog = Catalog("""{ "models": [ { "id": "gemini-3.1-flash-lite-image", "status": "deprecated", "shutdownDate": "2027-03-01", "replacement": "gemini-3.1-flash-image" } ] }""");
        Assert.True(catalog.TryGet("gemini-3.1-flash-lite-image", out var lite));
        Assert.Equal(ModelStatus.Deprecated, lite.StatusOn(After));
        Assert.Equal("override", lite.Source);
        Assert.Equal(Model("gemini-3.1-flash-lite-image").Prices!.ImageOutput, lite.Prices!.ImageOutput);
        Assert.Equal(Model("gemini-3.1-flash-lite-image").AspectRatios.Count, lite.AspectRatios.Count);
    }

    [Theory]
    [InlineData("""{ "models": [ { "id": "new-model", "nickname": "x" } ] }""", "'new-model': \"prices\" is required")]
    [InlineData("""{ "models": [ { "id": "new-model", "sameAs": "no-such-model" } ] }""", "sameAs")]
    [InlineData("""{ "models": [ { "id": "gemini-3-pro-image", "status": "retired" } ] }""", "\"status\" is malformed")]
    [InlineData("""{ "models": [ { "id": "gemini-3-pro-image", "shutdownDate": "June 2027" } ] }""", "\"shutdownDate\" is malformed")]
    [InlineData("""{ "models": [ { "id": "gemini-3-pro-image", "aspectRatios": { "1:1": "big" } } ] }""", "\"aspectRatios\" is malformed")]
    [InlineData("""{ "models": [ { "nickname": "no id" } ] }""", "\"id\"")]
    [InlineData("""{ "model": [] }""", "\"models\" array")]
    public void Malformed_override_is_rejected_with_the_model_and_member_named(string json, string expected)
    {
        var error = Assert.Throws<InvalidDataException>(() => Catalog(json));
        Assert.Contains(expected, error.Message);
    }
}
