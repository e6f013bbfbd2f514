using GeminiImage.Engine.Api;
using GeminiImage.Engine.Catalog;

namespace GeminiImage.Engine.Generation;

/// <summary>
/// Request options of today's image models, shared by every cmdlet that sends prompts: thinking, Search grounding,
/// image-only output and the storage opt-out.
/// </summary>
public sealed class PromptOptions
{
    /// <summary><c>generationConfig.thinkingConfig.thinkingLevel</c> (MINIMAL, LOW, MEDIUM, HIGH); null: the model's default.</summary>
    public string? ThinkingLevel { get; set; }
    /// <summary><c>thinkingConfig.includeThoughts</c>: thought text and interim images come back (and are saved).</summary>
    public bool IncludeThoughts { get; set; }
    /// <summary>The <c>googleSearch</c> tool.</summary>
    public bool GoogleSearch { get; set; }
    /// <summary>"web" and/or "image" (<c>googleSearch.searchTypes</c>); empty: Google's default, web search.</summary>
    public IReadOnlyList<string> SearchTypes { get; set; } = Array.Empty<string>();
    /// <summary><c>responseModalities: ["IMAGE"]</c> instead of TEXT and IMAGE.</summary>
    public bool ImageOnly { get; set; }
    /// <summary>Request-level <c>store: false</c>: asks Google not to store the request and response.</summary>
    public bool NoStore { get; set; }

    /// <summary>True when an option can change what the model returns (storage does not): then it is part of the cache key.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public bool AffectsOutput => ThinkingLevel != null || IncludeThoughts || GoogleSearch || SearchTypes.Count > 0 || ImageOnly;

    /// <summary>A stable text of the options for the response cache key.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public string KeyText => $"thinking={ThinkingLevel};thoughts={IncludeThoughts};search={GoogleSearch}:{string.Join(",", SearchTypes)};imageOnly={ImageOnly}";

    /// <summary>The options that differ from the defaults ("thinking HIGH, Google Search"), or "defaults".</summary>
    public override string ToString()
    {
        var set = new List<string>();
        if (ThinkingLevel != null) set.Add("thinking " + ThinkingLevel.ToUpperInvariant());
        if (IncludeThoughts) set.Add("thoughts");
        if (GoogleSearch || SearchTypes.Count > 0) set.Add("Google Search" + (SearchTypes.Count > 0 ? " (" + string.Join(", ", SearchTypes) + ")" : ""));
        if (ImageOnly) set.Add("image only");
        if (NoStore) set.Add("not stored");
        return set.Count == 0 ? "defaults" : string.Join(", ", set);
    }

    /// <summary>Refuses, before sending, what the model cannot do.</summary>
    public void Validate(ModelInfo model)
    {
        if (ThinkingLevel != null)
        {
            var level = ThinkingLevel.ToUpperInvariant();
            if (!model.ThinkingLevels.Contains(level))
                throw new GeminiArgumentException("GeminiImage.InvalidThinkingLevel", model.ThinkingLevels.Count == 0
                    ? $"{model.Id} does not take a thinking level; leave -ThinkingLevel out."
                    : $"Thinking level '{ThinkingLevel}' is not supported by {model.Id}. Supported: {string.Join(", ", model.ThinkingLevels)}.");
        }
        if (IncludeThoughts && !model.Thinking)
            throw new GeminiArgumentException("GeminiImage.InvalidThinkingLevel", $"{model.Id} does not think, so it has no thoughts to include; leave -IncludeThoughts out.");
        if (GoogleSearch || SearchTypes.Count > 0)
        {
            if (!model.SupportsGoogleSearch)
                throw new GeminiArgumentException("GeminiImage.GoogleSearchNotSupported", $"{model.Id} does not support Google Search grounding. Models that do: {string.Join(", ", ModelCatalog.Default.Models.Where(m => m.SupportsGoogleSearch && m.Status != ModelStatus.ShutDown).Select(m => m.Id))}.");
            var missing = SearchTypes.FirstOrDefault(t => !model.SearchTypes.Contains(t.ToLowerInvariant()));
            if (missing != null)
                throw new GeminiArgumentException("GeminiImage.GoogleSearchNotSupported", $"{model.Id} does not support {missing.ToLowerInvariant()} search. Supported: {string.Join(", ", model.SearchTypes)}.");
        }
    }

    /// <summary>Puts the options on a generateContent body (left untouched when the options are the defaults).</summary>
    public void ApplyTo(GenerateContentRequest request)
    {
        var config = request.GenerationConfig ??= new GenerationConfig();
        if (ImageOnly) config.ResponseModalities = new List<string> { "IMAGE" };
        if (ThinkingLevel != null || IncludeThoughts)
            config.ThinkingConfig = new ThinkingConfig { ThinkingLevel = ThinkingLevel?.ToUpperInvariant(), IncludeThoughts = IncludeThoughts ? true : null };
        if (GoogleSearch || SearchTypes.Count > 0)
        {
            var types = SearchTypes.Select(t => t.ToLowerInvariant()).ToList();
            request.Tools = new List<Tool>
            {
                new()
                {
                    GoogleSearch = new GoogleSearch
                    {
                        SearchTypes = types.Count == 0 ? null : new SearchTypes
                        {
                            WebSearch = types.Contains("web") ? new EmptyObject() : null,
                            ImageSearch = types.Contains("image") ? new EmptyObject() : null,
                        },
                    },
                },
            };
        }
        if (NoStore) request.Store = false;
    }
}
