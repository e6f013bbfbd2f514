namespace GeminiImage.Cmdlets.Commands;

/// <summary>Import-GeminiStyle: adds the styles of a shared style file to the user's styles.</summary>
[Cmdlet(VerbsData.Import, "GeminiStyle", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
[OutputType(typeof(GeminiStyle))]
public sealed class ImportGeminiStyleCommand : PSCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("FullName", "PSPath")]
    public string Path { get; set; } = "";

    /// <summary>Replace user styles of the same names.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void ProcessRecord()
    {
        var path = GetUnresolvedProviderPathFromPSPath(Path);
        if (!ShouldProcess(path, "Import styles")) return;
        try
        {
            var imported = new StyleStore().Import(path, Force);
            WriteVerbose($"Imported {imported.Count} style(s) from '{path}'.");
            if (PassThru) WriteObject(imported, enumerateCollection: true);
        }
        catch (Exception ex) when (ex is GeminiImageException or IOException or UnauthorizedAccessException)
        {
            WriteError(ErrorRecords.From(ex, path));
        }
    }
}
