namespace GeminiImage.Cmdlets.Commands;

/// <summary>Remove-GeminiModel: removes a model's entry from the catalog override file (the shipped entry, if any, is back in force).</summary>
[Cmdlet(VerbsCommon.Remove, "GeminiModel", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
public sealed class RemoveGeminiModelCommand : PSCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string Id { get; set; } = "";

    protected override void ProcessRecord()
    {
        var id = ModelCatalog.StripPrefix(Id.Trim());
        string? text;
        try
        {
            text = ModelCatalogOverride.PlanRemove(id);
        }
        catch (GeminiImageException ex)
        {
            WriteError(ErrorRecords.From(ex, Id));
            return;
        }
        if (text == null)
        {
            WriteError(ErrorRecords.From(new GeminiNotFoundException("GeminiImage.ModelNotFound",
                $"The catalog override file has no entry '{id}' (shipped models cannot be removed; mark one retired with Set-GeminiModel -Status ShutDown)."), Id));
            return;
        }
        if (!ShouldProcess(ModelCatalog.OverridePath, $"Remove catalog model override '{id}'")) return;
        ModelCatalogOverride.Write(text);
    }
}
