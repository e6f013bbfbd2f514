using System.Management.Automation.Language;

namespace GeminiImage.Cmdlets.Infrastructure;

/// <summary>Completes -Model from the catalog, leaving out shut-down models.</summary>
public sealed class ModelCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var catalog = ModelCatalog.Default;
        return Completions.Matching(catalog.Models.Where(m => m.Status != ModelStatus.ShutDown).Select(m => m.Id), wordToComplete,
            id => $"{id} ({catalog.Get(id).Nickname}, {catalog.Get(id).Status.ToString().ToLowerInvariant()})");
    }
}

/// <summary>Completes -AspectRatio with the ratios of the model already typed (or the default model).</summary>
public sealed class AspectRatioCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters) =>
        Completions.Matching(Completions.ModelFrom(fakeBoundParameters).AspectRatios.Keys, wordToComplete,
            r => $"{r} ({Completions.ModelFrom(fakeBoundParameters).AspectRatios[r]})");
}

/// <summary>Completes -ThinkingLevel with the levels of the model already typed.</summary>
public sealed class ThinkingLevelCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters) =>
        Completions.Matching(Completions.ModelFrom(fakeBoundParameters).ThinkingLevels, wordToComplete, l => l);
}

/// <summary>Completes -ImageSize with the sizes of the model already typed.</summary>
public sealed class ImageSizeCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        // A fixed-size model (gemini-2.5-flash-image) takes no -ImageSize at all: nothing to offer.
        var model = Completions.ModelFrom(fakeBoundParameters);
        return Completions.Matching(model.ImageSizes.Keys, wordToComplete, s => $"{s} ({model.Id})");
    }
}

/// <summary>Completes -Style (and -Name of the style cmdlets) with the styles in effect.</summary>
public sealed class StyleCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        IReadOnlyList<GeminiImage.Engine.Styles.GeminiStyle> styles;
        try { styles = new GeminiImage.Engine.Styles.StyleStore().GetAll(); }
        catch (GeminiImage.Engine.Errors.GeminiImageException) { styles = GeminiImage.Engine.Styles.StyleStore.BuiltIn; }
        catch (System.IO.IOException) { styles = GeminiImage.Engine.Styles.StyleStore.BuiltIn; }
        var byName = styles.ToDictionary(s => s.Name, System.StringComparer.OrdinalIgnoreCase);
        return Completions.Matching(byName.Keys, wordToComplete, n => byName[n].Description ?? byName[n].Template);
    }
}

internal static class Completions
{
    public static ModelInfo ModelFrom(IDictionary fakeBoundParameters)
    {
        var typed = fakeBoundParameters != null && fakeBoundParameters.Contains("Model") ? fakeBoundParameters["Model"]?.ToString() : null;
        return ModelCatalog.Default.Get(SettingsResolver.Resolve(new SettingsParameters { Model = typed }).Model.Value);
    }

    public static IEnumerable<CompletionResult> Matching(IEnumerable<string> values, string word, System.Func<string, string> tooltip)
    {
        var prefix = (word ?? "").Trim('\'', '"');
        return values
            .Where(v => v.StartsWith(prefix, System.StringComparison.OrdinalIgnoreCase))
            .Select(v => new CompletionResult(v.Contains(" ") ? $"'{v}'" : v, v, CompletionResultType.ParameterValue, tooltip(v)));
    }
}

/// <summary>Completes -Profile (and Use-GeminiProfile) with the connection profiles, saved and session.</summary>
public sealed class ProfileCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters) =>
        Completions.Matching(ProfileStore.Names(), wordToComplete, n => n);
}
