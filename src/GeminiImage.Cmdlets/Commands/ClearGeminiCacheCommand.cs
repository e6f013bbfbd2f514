namespace GeminiImage.Cmdlets.Commands;

/// <summary>Clear-GeminiCache: deletes every cached response.</summary>
[Cmdlet(VerbsCommon.Clear, "GeminiCache", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(CacheInfo))]
public sealed class ClearGeminiCacheCommand : PSCmdlet
{
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void EndProcessing()
    {
        var settings = SettingsResolver.Resolve();
        var mode = settings.Cache.Value;
        try
        {
            // The cache in effect: the team's with -Cache Shared (every member's entries), else this user's folder.
            var cache = ResponseCaches.Open(mode, settings.CacheMaxMB.Value * 1048576L);
            var before = cache.GetInfo();
            if (!ShouldProcess(cache.Location, $"Delete {before.EntryCount} cached response(s) ({before.SizeMB} MB)")) return;
            var removed = cache.Clear();
            WriteVerbose($"Deleted {removed} cached response(s) from '{cache.Location}'.");
            if (PassThru) WriteObject(cache.GetInfo());
        }
        catch (GeminiImage.Engine.Errors.GeminiImageException ex)
        {
            ThrowTerminatingError(ErrorRecords.From(ex, mode.ToString()));
        }
    }
}
