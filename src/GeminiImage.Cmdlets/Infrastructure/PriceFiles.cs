namespace GeminiImage.Cmdlets.Infrastructure;

/// <summary>Reading and checking price tables for the pricing cmdlets.</summary>
internal static class PriceFiles
{
    /// <summary>One row per catalog model (catalog order), then the models only the override file knows.</summary>
    public static IEnumerable<GeminiPriceView> Rows(Engine.Pricing.PriceTable table)
    {
        var overridden = new HashSet<string>(table.OverriddenModels, StringComparer.OrdinalIgnoreCase);
        foreach (var model in ModelCatalog.Default.Models)
        {
            var prices = table.Get(model.Id);
            if (prices != null) yield return GeminiPriceView.Create(model.Id, table, model, overridden.Contains(model.Id));
        }
        foreach (var id in table.OverriddenModels.Where(id => !ModelCatalog.Default.TryGet(id, out _)).OrderBy(id => id, StringComparer.OrdinalIgnoreCase))
            yield return GeminiPriceView.Create(id, table, null, true);
    }
}
