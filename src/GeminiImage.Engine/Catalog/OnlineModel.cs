namespace GeminiImage.Engine.Catalog;

/// <summary>One model the API key can use, as models.list reports it, next to what the catalog says about it.</summary>
public sealed class OnlineModel
{
    public string Id { get; set; } = "";
    public string? DisplayName { get; set; }
    public string? Version { get; set; }
    public string? Description { get; set; }
    public int InputTokenLimit { get; set; }
    public int OutputTokenLimit { get; set; }
    public IReadOnlyList<string> SupportedGenerationMethods { get; set; } = Array.Empty<string>();
    /// <summary>An image-output model: in the catalog, or named like one ("-image", "nano-banana").</summary>
    public bool IsImageModel { get; set; }
    /// <summary>True when the catalog (with overrides) lists this id.</summary>
    public bool InCatalog { get; set; }
    /// <summary>The catalog's status today; Unknown when the catalog does not list the id.</summary>
    public ModelStatus CatalogStatus { get; set; }

    public override string ToString() => Id;
}
