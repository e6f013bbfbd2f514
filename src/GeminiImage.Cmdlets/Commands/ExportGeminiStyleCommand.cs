namespace GeminiImage.Cmdlets.Commands;

/// <summary>Export-GeminiStyle: writes styles to a JSON file a team can share with Import-GeminiStyle.</summary>
[Cmdlet(VerbsData.Export, "GeminiStyle", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
[OutputType(typeof(System.IO.FileInfo))]
public sealed class ExportGeminiStyleCommand : PSCmdlet
{
    private readonly List<string> _names = new();

    [Parameter(Mandatory = true, Position = 0)]
    public string Path { get; set; } = "";

    /// <summary>Styles to export (wildcards); default: all of the user's styles.</summary>
    [Parameter(Position = 1, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(StyleCompleter))]
    public string[]? Name { get; set; }

    [Parameter]
    public SwitchParameter Force { get; set; }

    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void ProcessRecord()
    {
        if (Name != null) _names.AddRange(Name);
    }

    protected override void EndProcessing()
    {
        var path = GetUnresolvedProviderPathFromPSPath(Path);
        try
        {
            var store = new StyleStore();
            List<GeminiStyle> styles;
            if (_names.Count == 0)
            {
                styles = store.GetUser().ToList();
            }
            else
            {
                var all = store.GetAll();
                styles = new List<GeminiStyle>();
                foreach (var name in _names)
                {
                    var matches = NameFilter.Match(all, s => s.Name, name);
                    if (matches == null)
                    {
                        // The name is the input at fault, not the file; nothing is written.
                        WriteError(ErrorRecords.From(new GeminiStyleException(GeminiStyleException.NotFoundId, $"There is no style named '{name}'."), name));
                        return;
                    }
                    styles.AddRange(matches.Where(m => !styles.Any(s => s.Name == m.Name)));
                }
            }
            if (styles.Count == 0) WriteWarning("There are no styles to export; the file will hold an empty list.");
            if (!ShouldProcess(path, $"Export {styles.Count} style(s)")) return;
            StyleStore.Export(path, styles, Force);
            if (PassThru) WrittenFile.Write(this, path);
        }
        catch (Exception ex) when (ex is GeminiImageException or IOException or UnauthorizedAccessException)
        {
            WriteError(ErrorRecords.From(ex, path));
        }
    }
}
