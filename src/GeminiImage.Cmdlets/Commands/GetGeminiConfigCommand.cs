namespace GeminiImage.Cmdlets.Commands;

/// <summary>Get-GeminiConfig: the settings in effect and where each came from, with the API key redacted.</summary>
[Cmdlet(VerbsCommon.Get, "GeminiConfig")]
[OutputType(typeof(GeminiConfigView))]
public sealed class GetGeminiConfigCommand : PSCmdlet
{
    /// <summary>Show the settings as this profile makes them (default: the session's, with Use-GeminiProfile's choice).</summary>
    [Parameter(Position = 0)]
    [ArgumentCompleter(typeof(ProfileCompleter))]
    public string? Profile { get; set; }

    protected override void EndProcessing()
    {
        try
        {
            WriteObject(GeminiConfigView.Current(this, Profile));
        }
        catch (GeminiImageException ex)
        {
            ThrowTerminatingError(ErrorRecords.From(ex, Profile));
        }
    }
}
