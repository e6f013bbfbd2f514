namespace GeminiImage.Cmdlets.Commands;

/// <summary>Get-GeminiImageInfo: format, size and embedded GeminiImage provenance of any image file.</summary>
[Cmdlet(VerbsCommon.Get, "GeminiImageInfo", DefaultParameterSetName = PathSet)]
[OutputType(typeof(ImageInfo))]
public sealed class GetGeminiImageInfoCommand : ImageFilesCmdlet
{
    protected override void ProcessRecord()
    {
        foreach (var source in InputFiles())
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
