namespace GeminiImage.Cmdlets.Commands;

/// <summary>Use-GeminiProfile: makes a connection profile the session's default (a -Profile on one call still wins).</summary>
[Cmdlet(VerbsOther.Use, "GeminiProfile")]
[OutputType(typeof(GeminiConfigView))]
public sealed class UseGeminiProfileCommand : PSCmdlet
{
    [Parameter(Mandatory = true, Position = 0)]
    [ArgumentCompleter(typeof(ProfileCompleter))]
    public string Name { get; set; } = "";

    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void EndProcessing()
    {
        try
        {
            ProfileStore.Get(Name);
        }
        catch (GeminiImageException ex)
        {
            ThrowTerminatingError(ErrorRecords.From(ex, Name));
        }
        SessionConfig.Current.Profile = Name;
        WriteVerbose($"This session now connects through profile '{Name}'.");
        if (PassThru) WriteObject(GeminiConfigView.Current(this));
    }
}
