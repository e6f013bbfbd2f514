using System.Management.Automation;
using GeminiImage.Engine.Cache;
using GeminiImage.Engine.Configuration;

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
        var cache = new ResponseCache(null, SettingsResolver.Resolve().CacheMaxMB.Value * 1048576L);
        var before = cache.GetInfo();
        if (!ShouldProcess(cache.Folder, $"Delete {before.EntryCount} cached response(s) ({before.SizeMB} MB)")) return;
        var removed = cache.Clear();
        WriteVerbose($"Deleted {removed} cached response(s) from '{cache.Folder}'.");
        if (PassThru) WriteObject(cache.GetInfo());
    }
}
