namespace GeminiImage.Cmdlets.Commands;

/// <summary>Get-GeminiStyle: the prompt styles in effect (built-in and the user's).</summary>
[Cmdlet(VerbsCommon.Get, "GeminiStyle")]
[OutputType(typeof(GeminiStyle))]
public sealed class GetGeminiStyleCommand : PSCmdlet
{
    [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(StyleCompleter))]
    public string[]? Name { get; set; }

    /// <summary>Only the styles from the user's styles.json.</summary>
    [Parameter]
    public SwitchParameter UserOnly { get; set; }

    protected override void ProcessRecord()
    {
        System.Collections.Generic.IReadOnlyList<GeminiStyle> styles;
        try
        {
            var store = new StyleStore();
            styles = UserOnly ? store.GetUser() : store.GetAll();
        }
        catch (GeminiImageException ex)
        {
            ThrowTerminatingError(ErrorRecords.From(ex, null));
            return;
        }
        if (Name == null || Name.Length == 0)
        {
            WriteObject(styles, enumerateCollection: true);
            return;
        }
        foreach (var name in Name)
        {
            var matches = NameFilter.Match(styles, s => s.Name, name);
            if (matches == null)
            {
                WriteError(ErrorRecords.From(new GeminiStyleException(GeminiStyleException.NotFoundId,
                    $"There is no style named '{name}'. Styles: {string.Join(", ", styles.Select(s => s.Name))}."), name));
                continue;
            }
            WriteObject(matches, enumerateCollection: true);
        }
    }
}
