namespace GeminiImage.Engine.Catalog;

/// <summary>Where a model is in Google's lifecycle, as the catalog (and today's date) says.</summary>
public enum ModelStatus
{
    /// <summary>Not in the catalog: it may work, nothing about it is checked.</summary>
    Unknown,
    Preview,
    Stable,
    /// <summary>Still served, with a shutdown date announced (or an earliest possible one).</summary>
    Deprecated,
    /// <summary>No longer served: a request would fail with 404.</summary>
    ShutDown,
}
