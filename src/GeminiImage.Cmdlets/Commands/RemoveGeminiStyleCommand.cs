namespace GeminiImage.Cmdlets.Commands;

/// <summary>Remove-GeminiStyle: deletes user styles (removing an override brings the built-in style back).</summary>
[Cmdlet(VerbsCommon.Remove, "GeminiStyle", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
public sealed class RemoveGeminiStyleCommand : PSCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(StyleCompleter))]
    public string[] Name { get; set; } = System.Array.Empty<string>();

    protected override void ProcessRecord()
    {
        var store = new StyleStore();
        foreach (var name in Name)
        {
            try
            {
                var isUser = store.GetUser().Any(s => string.Equals(s.Name, name, System.StringComparison.OrdinalIgnoreCase));
                var isBuiltIn = StyleStore.BuiltIn.Any(s => string.Equals(s.Name, name, System.StringComparison.OrdinalIgnoreCase));
                if (!isUser && !isBuiltIn)
                    throw new GeminiStyleException(GeminiStyleException.NotFoundId, $"There is no user style named '{name}'.");
                if (isUser && !ShouldProcess(name, isBuiltIn ? "Remove style (the built-in style of that name applies again)" : "Remove style")) continue;
                store.Remove(name);
            }
            catch (GeminiImageException ex)
            {
                WriteError(ErrorRecords.From(ex, name));
            }
        }
    }
}
