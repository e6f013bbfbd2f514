using System;
using System.Linq;
using System.Management.Automation;
using GeminiImage.Engine.Configuration;
using GeminiImage.Engine.Generation;

namespace GeminiImage.Cmdlets.Infrastructure;

/// <summary>Base of the cmdlets that send prompts: the request options of today's image models, declared once.</summary>
public abstract class GeminiPromptCmdlet : GeminiApiCmdlet
{
    /// <summary>generationConfig.thinkingConfig.thinkingLevel; the model decides which levels it takes (Get-GeminiModel).</summary>
    [Parameter]
    [ArgumentCompleter(typeof(ThinkingLevelCompleter))]
    public string? ThinkingLevel { get; set; }

    /// <summary>thinkingConfig.includeThoughts: the thought text and interim images come back and are kept.</summary>
    [Parameter]
    public SwitchParameter IncludeThoughts { get; set; }

    /// <summary>Ground the image in Google Search (the googleSearch tool).</summary>
    [Parameter]
    public SwitchParameter GoogleSearch { get; set; }

    /// <summary>Which searches grounding may use (googleSearch.searchTypes): Web, Image. Implies -GoogleSearch.</summary>
    [Parameter]
    [ValidateSet("Web", "Image", IgnoreCase = true)]
    public string[]? SearchType { get; set; }

    /// <summary>responseModalities ["IMAGE"]: no text part in the answer.</summary>
    [Parameter]
    public SwitchParameter ImageOnly { get; set; }

    /// <summary>store: false on the request: asks Google not to store it (Logs and datasets).</summary>
    [Parameter]
    public SwitchParameter NoStore { get; set; }

    /// <summary>The options as given, with Set-GeminiConfig -NoStore for the session.</summary>
    protected PromptOptions CreatePromptOptions() => new()
    {
        ThinkingLevel = Text.NullIfBlank(ThinkingLevel)?.ToUpperInvariant(),
        IncludeThoughts = IncludeThoughts,
        GoogleSearch = GoogleSearch || SearchType is { Length: > 0 },
        SearchTypes = SearchType?.Select(t => t.ToLowerInvariant()).Distinct().ToArray() ?? Array.Empty<string>(),
        ImageOnly = ImageOnly,
        NoStore = NoStore || SessionConfig.Current.NoStore,
    };
}
