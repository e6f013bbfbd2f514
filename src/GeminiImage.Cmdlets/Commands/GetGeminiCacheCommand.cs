namespace GeminiImage.Cmdlets.Commands;

/// <summary>Get-GeminiCache: where the response cache is, how full, and the mode in effect.</summary>
[Cmdlet(VerbsCommon.Get, "GeminiCache")]
[OutputType(typeof(CacheInfo))]
public sealed class GetGeminiCacheCommand : PSCmdlet
{
    protected override void EndProcessing()
    {
        var settings = SettingsResolver.Resolve();
        var mode = settings.Cache.Value;
        CacheInfo info;
        // The cache in effect: the team's with -Cache Shared, else this user's folder.
        try { info = ResponseCaches.Open(mode, settings.CacheMaxMB.Value * 1048576L).GetInfo(); }
        catch (GeminiImage.Engine.Errors.GeminiImageException ex)
        {
            ThrowTerminatingError(ErrorRecords.From(ex, mode.ToString()));
            return;
        }
        var result = PSObject.AsPSObject(info);
        result.Properties.Add(new PSNoteProperty("Mode", mode));
        WriteObject(result);
    }
}
