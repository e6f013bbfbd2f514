namespace GeminiImage.Engine.Catalog;

/// <summary>One model the API key can use, as models.list reports it, next to what the catalog says about it.</summary>
/// <param name="IsImageModel">An image-output model: in the catalog, or named like one ("-image", "nano-banana").</param>
/// <param name="InCatalog">True when the catalog (with overrides) lists this id.</param>
/// <param name="CatalogStatus">The catalog's status today; Unknown when the catalog does not list the id.</param>
public sealed record OnlineModel(
    string Id, string? DisplayName, string? Version, string? Description, int InputTokenLimit, int OutputTokenLimit,
    IReadOnlyList<string> SupportedGenerationMethods, bool IsImageModel, bool InCatalog, ModelStatus CatalogStatus)
{
    public override string ToString() => Id;
}
