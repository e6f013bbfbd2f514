namespace GeminiImage.Cmdlets.Commands;

/// <summary>Set-GeminiPricing: checks a prices.json and installs it in the data folder as the price override; -Reset removes it.</summary>
[Cmdlet(VerbsCommon.Set, "GeminiPricing", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, DefaultParameterSetName = PathSet)]
[OutputType(typeof(GeminiPriceView))]
public sealed class SetGeminiPricingCommand : PSCmdlet
{
    private const string PathSet = "Path";
    private const string ResetSet = "Reset";

    [Parameter(Mandatory = true, Position = 0, ParameterSetName = PathSet, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("FullName")]
    [ValidateNotNullOrEmpty]
    public string Path { get; set; } = "";

    /// <summary>Remove the override: the catalog's prices apply again.</summary>
    [Parameter(Mandatory = true, ParameterSetName = ResetSet)]
    public SwitchParameter Reset { get; set; }

    /// <summary>Write the price table now in use.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void ProcessRecord()
    {
        var store = new Engine.Pricing.PriceOverrideStore();
        var target = store.Path;
        if (Reset)
        {
            if (store.Exists && ShouldProcess(target, "Remove the price override"))
            {
                try { store.Remove(); }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or Engine.Errors.UnsafePathException)
                {
                    WriteError(ErrorRecords.From(ex, target));
                    return;
                }
                Audit("removed the price override; catalog prices in use");
            }
            else if (!store.Exists) WriteVerbose($"No price override at {target}; the catalog's prices are in use.");
        }
        else
        {
            var source = GetUnresolvedProviderPathFromPSPath(Path);
            if (!File.Exists(source))
            {
                WriteError(ErrorRecords.From(new GeminiNotFoundException("GeminiImage.PriceFileNotFound", $"The price file '{source}' does not exist."), source));
                return;
            }
            Engine.Pricing.PriceTable table;
            try
            {
                table = Engine.Pricing.PriceOverrideStore.Validate(source);
            }
            catch (GeminiOperationException ex)
            {
                WriteError(ErrorRecords.From(ex, source));
                return;
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                WriteError(ErrorRecords.From(ex, source));
                return;
            }
            if (!ShouldProcess(target, $"Use the prices in '{source}'")) return;
            try
            {
                store.Install(source);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or Engine.Errors.UnsafePathException)
            {
                WriteError(ErrorRecords.From(ex, target));
                return;
            }
            WriteVerbose($"Prices from {source} are now in use (copied to {target}).");
            Audit($"override from {source}: " + string.Join("; ", table.OverriddenModels.Select(id => table.Get(id) is { } p
                ? string.Format(CultureInfo.InvariantCulture, "{0} input {1}, text output {2}, image output {3} per 1M tokens", id, p.Input, p.TextOutput, p.ImageOutput) : id)));
        }
        if (PassThru) WriteObject(PriceFiles.Rows(store.Current()), enumerateCollection: true);
    }

    /// <summary>With a team ledger, records the change (who, machine, when) in its audit log; a ledger that cannot take it is a warning.</summary>
    private void Audit(string detail)
    {
        if (LedgerSettings.Open() is not ITeamLedger team) return;
        try
        {
            team.Audit("Set-GeminiPricing", "prices", detail);
        }
        catch (LedgerException ex)
        {
            WriteWarning($"The price change could not be recorded in the team ledger's audit log: {ex.Message}");
        }
    }
}
