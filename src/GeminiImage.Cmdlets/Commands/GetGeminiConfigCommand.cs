using System.Management.Automation;
using GeminiImage.Cmdlets.Infrastructure;

namespace GeminiImage.Cmdlets.Commands;

/// <summary>Get-GeminiConfig: the settings in effect, with the API key redacted.</summary>
[Cmdlet(VerbsCommon.Get, "GeminiConfig")]
[OutputType(typeof(GeminiConfigView))]
public sealed class GetGeminiConfigCommand : PSCmdlet
{
    protected override void EndProcessing() => WriteObject(GeminiConfigView.Current());
}
