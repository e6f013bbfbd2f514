namespace GeminiImage.Cmdlets.Infrastructure;

/// <summary>
/// Base of the cmdlets that read local image files named by -Path (wildcards) or -LiteralPath, first position, from
/// the pipeline or from a piped file's FullName/PSPath (Get-GeminiImageInfo, Resize-GeminiImage,
/// New-GeminiContactSheet): the two parameters, declared once, and the files they name.
/// </summary>
public abstract class ImageFilesCmdlet : GeminiCmdlet
{
    protected const string PathSet = "Path";
    protected const string LiteralPathSet = "LiteralPath";

    [Parameter(Mandatory = true, Position = 0, ParameterSetName = PathSet, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [SupportsWildcards]
    public string[] Path { get; set; } = Array.Empty<string>();

    [Parameter(Mandatory = true, ParameterSetName = LiteralPathSet, ValueFromPipelineByPropertyName = true)]
    [Alias("PSPath", "LP", "FullName")]
    public string[] LiteralPath { get; set; } = Array.Empty<string>();

    /// <summary>The files this pipeline record names (wildcards of -Path expanded); each name that matches nothing is an error of its own.</summary>
    protected IEnumerable<string> InputFiles()
    {
        var literal = ParameterSetName == LiteralPathSet;
        return InputPaths.Resolve(this, literal ? LiteralPath : Path, literal);
    }
}
