namespace GeminiImage.Engine.Api;

// GET v1beta/models (models.list): {"models":[Model...], "nextPageToken":"..."}; no token means the last page.

public sealed record ListModelsResponse(List<ApiModel>? Models, string? NextPageToken);

/// <summary>The Model resource as models.list returns it (only the members this module reads).</summary>
/// <param name="Name">"models/{id}".</param>
public sealed record ApiModel(
    string? Name, string? Version, string? DisplayName, string? Description, int InputTokenLimit, int OutputTokenLimit,
    List<string>? SupportedGenerationMethods);
