using System.Management.Automation;
using GeminiImage.Engine.Cache;
using GeminiImage.Engine.Configuration;

namespace GeminiImage.Cmdlets.Commands;

/// <summary>Get-GeminiCache: where the response cache is, how full, and the mode in effect.</summary>
[Cmdlet(VerbsCommon.Get, "GeminiCache")]
[OutputType(typeof(CacheInfo))]
public sealed class GetGeminiCacheCommand : PSCmdlet
{
    protected override void EndProcessing()
    {
        var settings = SettingsResolver.Resolve();
        var info = new ResponseCache(null, settings.CacheMaxMB.Value * 1048576L).GetInfo();
        var result = PSObject.AsPSObject(info);
        result.Properties.Add(new PSNoteProperty("Mode", settings.Cache.Value));
        WriteObject(result);
    }
}
