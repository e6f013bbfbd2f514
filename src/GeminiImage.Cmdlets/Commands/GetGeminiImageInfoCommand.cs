using GeminiImage.Engine.Imaging;

namespace GeminiImage.Cmdlets.Commands;

/// <summary>Get-GeminiImageInfo: format, size and embedded GeminiImage provenance of any image file.</summary>
[Cmdlet(VerbsCommon.Get, "GeminiImageInfo", DefaultParameterSetName = PathSet)]
[OutputType(typeof(ImageInfo))]
public sealed class GetGeminiImageInfoCommand : PSCmdlet
{
    private const string PathSet = "Path";
    private const string LiteralPathSet = "LiteralPath";

    [Parameter(Mandatory = true, Position = 0, ParameterSetName = PathSet, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [SupportsWildcards]
    public string[] Path { get; set; } = Array.Empty<string>();

    [Parameter(Mandatory = true, ParameterSetName = LiteralPathSet, ValueFromPipelineByPropertyName = true)]
    [Alias("PSPath", "LP", "FullName")]
    public string[] LiteralPath { get; set; } = Array.Empty<string>();

    protected override void ProcessRecord()
    {
        var literal = ParameterSetName == LiteralPathSet;
        foreach (var source in InputPaths.Resolve(this, literal ? LiteralPath : Path, literal))
        {
            try
            {
                WriteObject(ProvenanceReader.Read(source));
            }
            catch (Exception ex) when (ex is ImageFileException or IOException or UnauthorizedAccessException)
            {
                WriteError(ErrorRecords.From(ex, source));
            }
        }
    }
}
