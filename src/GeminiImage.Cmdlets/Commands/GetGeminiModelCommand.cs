using System.Linq;
using System.Management.Automation;
using GeminiImage.Cmdlets.Infrastructure;
using GeminiImage.Engine.Catalog;

namespace GeminiImage.Cmdlets.Commands;

/// <summary>Get-GeminiModel: the image models in the catalog, with their ratios, sizes, limits and prices.</summary>
[Cmdlet(VerbsCommon.Get, "GeminiModel")]
[OutputType(typeof(ModelInfo))]
public sealed class GetGeminiModelCommand : PSCmdlet
{
    [Parameter(Position = 0, ValueFromPipeline = true)]
    [Alias("Id", "Model")]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(ModelCompleter))]
    public string[] Name { get; set; } = { "*" };

    protected override void ProcessRecord()
    {
        foreach (var pattern in Name.Select(ModelCatalog.StripPrefix))
        {
            var wildcard = new WildcardPattern(pattern, WildcardOptions.IgnoreCase);
            var matches = ModelCatalog.Default.Models.Where(m => wildcard.IsMatch(m.Id)).ToList();
            if (matches.Count == 0 && !WildcardPattern.ContainsWildcardCharacters(pattern))
                WriteError(new ErrorRecord(new ItemNotFoundException($"The catalog has no model '{pattern}'."), "GeminiImage.ModelNotFound", ErrorCategory.ObjectNotFound, pattern));
            WriteObject(matches, enumerateCollection: true);
        }
    }
}
