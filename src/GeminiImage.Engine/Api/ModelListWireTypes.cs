namespace GeminiImage.Engine.Api;

// GET v1beta/models (models.list): {"models":[Model...], "nextPageToken":"..."}; no token means the last page.

public sealed class ListModelsResponse
{
    public List<ApiModel>? Models { get; set; }
    public string? NextPageToken { get; set; }
}

/// <summary>The Model resource as models.list returns it (only the members this module reads).</summary>
public sealed class ApiModel
{
    /// <summary>"models/{id}".</summary>
    public string Name { get; set; } = "";
    public string? BaseModelId { get; set; }
    public string? Version { get; set; }
    public string? DisplayName { get; set; }
    public string? Description { get; set; }
    public int InputTokenLimit { get; set; }
    public int OutputTokenLimit { get; set; }
    public List<string>? SupportedGenerationMethods { get; set; }
    public bool? Thinking { get; set; }
}
