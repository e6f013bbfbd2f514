using GeminiImage.Engine.Pricing;

namespace GeminiImage.Cmdlets.Commands;

/// <summary>Get-GeminiPricing: the price table in use (catalog prices, overridden by prices.json in the data folder).</summary>
[Cmdlet(VerbsCommon.Get, "GeminiPricing")]
[OutputType(typeof(GeminiPriceView))]
public sealed class GetGeminiPricingCommand : PSCmdlet
{
    [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("Id", "Name")]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(ModelCompleter))]
    public string[] Model { get; set; } = { "*" };

    private GeminiPriceView[]? _rows;

    protected override void BeginProcessing()
    {
        var store = new PriceOverrideStore();
        var path = store.Path;
        PriceTable table;
        try
        {
            table = store.Current();
        }
        catch (GeminiOperationException ex)
        {
            ThrowTerminatingError(ErrorRecords.From(ex, path));
            return;
        }
        if (store.Exists) WriteVerbose($"Prices from the catalog, overridden by {path}.");
        else WriteVerbose("Prices from the catalog shipped with the module (no override file).");
        _rows = PriceFiles.Rows(table).ToArray();
    }

    protected override void ProcessRecord()
    {
        foreach (var name in Model.Select(ModelCatalog.StripPrefix))
        {
            var matches = NameFilter.Match(_rows!, r => r.Model, name);
            if (matches == null)
                WriteError(ErrorRecords.From(new GeminiNotFoundException("GeminiImage.ModelNotFound", $"The price table has no model '{name}'."), name));
            else
                WriteObject(matches, enumerateCollection: true);
        }
    }
}
