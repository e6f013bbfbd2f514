using System.Net.Http;
using GeminiImage.Engine.Api;

namespace GeminiImage.Engine.Catalog;

/// <summary>What the key can use today (models.list, every page) and how that differs from the catalog.</summary>
public static class ModelLister
{
    /// <summary>GET v1beta/models, following nextPageToken to the last page.</summary>
    public static async Task<IReadOnlyList<OnlineModel>> ListAsync(GeminiClient client, ModelCatalog catalog, CancellationToken cancellationToken, Action<int>? pageRead = null)
    {
        var models = new List<OnlineModel>();
        string? token = null;
        var pages = 0;
        do
        {
            var path = "v1beta/models" + (token == null ? "" : "?pageToken=" + Uri.EscapeDataString(token));
            var page = await client.SendAsync<ListModelsResponse>(HttpMethod.Get, path, null, cancellationToken).ConfigureAwait(false);
            pageRead?.Invoke(++pages);
            foreach (var m in page.Models ?? new List<ApiModel>()) models.Add(ToOnline(m, catalog));
            token = string.IsNullOrEmpty(page.NextPageToken) ? null : page.NextPageToken;
        }
        while (token != null);
        return models;
    }

    /// <summary>Live image models the catalog does not list.</summary>
    public static IEnumerable<OnlineModel> New(IEnumerable<OnlineModel> live) => live.Where(m => m.IsImageModel && !m.InCatalog);

    /// <summary>Catalog models believed live (not shut down) that the key no longer sees: probably retired.</summary>
    public static IEnumerable<ModelInfo> Missing(IEnumerable<OnlineModel> live, ModelCatalog catalog)
    {
        var ids = new HashSet<string>(live.Select(m => m.Id), StringComparer.OrdinalIgnoreCase);
        return catalog.Models.Where(m => m.Status != ModelStatus.ShutDown && !m.Unconfirmed && !ids.Contains(m.Id));
    }

    /// <summary>Catalog models marked shut down that are still listed (the catalog may be ahead of, or wrong about, Google).</summary>
    public static IEnumerable<OnlineModel> StillListed(IEnumerable<OnlineModel> live) => live.Where(m => m.InCatalog && m.CatalogStatus == ModelStatus.ShutDown);

    private static OnlineModel ToOnline(ApiModel m, ModelCatalog catalog)
    {
        var id = ModelCatalog.StripPrefix(m.Name ?? "");
        var known = catalog.TryGet(id, out var info);
        return new OnlineModel(
            id, m.DisplayName, m.Version, m.Description, m.InputTokenLimit, m.OutputTokenLimit,
            (IReadOnlyList<string>?)m.SupportedGenerationMethods ?? Array.Empty<string>(),
            IsImageModel: known || LooksLikeImageModel(id), InCatalog: known, CatalogStatus: known ? info.Status : ModelStatus.Unknown);
    }

    /// <summary>models.list has no "outputs images" flag; Gemini image models carry "-image" or "nano-banana" in their ids (Imagen uses :predict).</summary>
    private static bool LooksLikeImageModel(string id) =>
        id.IndexOf("-image", StringComparison.OrdinalIgnoreCase) >= 0 && !id.StartsWith("imagen", StringComparison.OrdinalIgnoreCase)
        || id.IndexOf("nano-banana", StringComparison.OrdinalIgnoreCase) >= 0;
}
