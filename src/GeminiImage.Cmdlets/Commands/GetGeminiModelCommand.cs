using GeminiImage.Engine.Pricing;

namespace GeminiImage.Cmdlets.Commands;

/// <summary>
/// Get-GeminiModel: the image models in the catalog, with their lifecycle, ratios, sizes, limits and prices;
/// with -Online, the models the API key can use today (models.list), marked against the catalog.
/// </summary>
[Cmdlet(VerbsCommon.Get, "GeminiModel", DefaultParameterSetName = CatalogSet)]
[OutputType(typeof(ModelInfo), ParameterSetName = new[] { CatalogSet })]
[OutputType(typeof(OnlineModel), ParameterSetName = new[] { OnlineSet })]
public sealed class GetGeminiModelCommand : GeminiApiCmdlet
{
    private const string CatalogSet = "Catalog";
    private const string OnlineSet = "Online";

    [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("Id", "Model")]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(ModelCompleter))]
    public string[] Name { get; set; } = { "*" };

    /// <summary>Ask Google (GET v1beta/models, every page) which models the key can use.</summary>
    [Parameter(Mandatory = true, ParameterSetName = OnlineSet)]
    public SwitchParameter Online { get; set; }

    protected override void ProcessRecord()
    {
        if (Online)
        {
            ListOnline();
            return;
        }
        var catalog = ModelCatalog.Default;
        if (catalog.OverrideError != null) WriteWarning(catalog.OverrideError + " The shipped catalog is shown.");
        var prices = PricesInForce();
        foreach (var pattern in Name.Select(ModelCatalog.StripPrefix))
        {
            var matches = NameFilter.Match(catalog.Models, m => m.Id, pattern);
            if (matches == null)
            {
                var hint = catalog.Suggest(pattern) is { } s ? $" Did you mean '{s}'?" : "";
                WriteError(ErrorRecords.From(new GeminiNotFoundException("GeminiImage.ModelNotFound", $"The catalog has no model '{pattern}'.{hint} Get-GeminiModel -Online lists what your key can use."), pattern));
                continue;
            }
            foreach (var model in matches) WriteObject(WithPrice(model, prices));
        }
    }

    /// <summary>The price table the paid cmdlets use (overrides included); the catalog's when the override file is broken.</summary>
    private PriceTable PricesInForce()
    {
        try { return new PriceOverrideStore().Current(); }
        catch (GeminiOperationException ex) when (ex.ErrorId == PriceOverrideStore.InvalidFileId)
        {
            WriteWarning($"{ex.Message} Catalog prices are shown.");
            return PriceTable.FromCatalog();
        }
    }

    /// <summary>
    /// The model with PerImage (USD for one image, at the prices in force, the figure Get-GeminiPricing and -WhatIf use)
    /// and PerImageSize (the size that price is for: the model's default size).
    /// </summary>
    private static PSObject WithPrice(ModelInfo model, PriceTable prices)
    {
        var item = PSObject.AsPSObject(model);
        item.Properties.Add(new PSNoteProperty("PerImage", prices.PerImage(model)));
        item.Properties.Add(new PSNoteProperty("PerImageSize", model.SupportsImageSize ? model.DefaultImageSize : null));
        return item;
    }

    private void ListOnline()
    {
        var catalog = ModelCatalog.Default;
        var client = CreateClient();
        try
        {
            var live = Run(token => ModelLister.ListAsync(client, catalog, token, page => QueueVerbose($"Read page {page} of models.list.")));
            var patterns = Name.Select(n => new WildcardPattern(ModelCatalog.StripPrefix(n), WildcardOptions.IgnoreCase)).ToList();
            WriteObject(live.Where(m => patterns.Any(p => p.IsMatch(m.Id))), enumerateCollection: true);
            foreach (var missing in ModelLister.Missing(live, catalog))
                WriteVerbose($"The catalog lists {missing.Id} as {missing.Status.ToString().ToLowerInvariant()}, but the key does not see it: it may have been retired.");
        }
        catch (GeminiImageException ex)
        {
            WriteError(ErrorRecords.From(ex, "models"));
        }
    }
}
