using System.Text;

namespace GeminiImage.Cmdlets.Commands;

/// <summary>New-GeminiContactSheet: a grid image of thumbnails (PNG, JPEG or WebP, as -OutFile's extension says), or with -Html a page with prompts, models and costs.</summary>
[Cmdlet(VerbsCommon.New, "GeminiContactSheet", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low, DefaultParameterSetName = PathSet)]
[OutputType(typeof(FileInfo))]
public sealed class NewGeminiContactSheetCommand : ImageFilesCmdlet
{
    private readonly List<string> _paths = new();
    private readonly HashSet<string> _seen = new(StringComparer.OrdinalIgnoreCase);
    private string _outFile = "";

    [Parameter(Mandatory = true)]
    [ValidateNotNullOrEmpty]
    public string OutFile { get; set; } = "";

    [Parameter]
    [ValidateRange(1, 100)]
    public int Columns { get; set; } = 4;

    [Parameter]
    [ValidateRange(16, 4096)]
    public int TileSize { get; set; } = 256;

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string Background { get; set; } = "white";

    [Parameter]
    public SwitchParameter Html { get; set; }

    [Parameter]
    public string? Title { get; set; }

    [Parameter]
    public SwitchParameter Force { get; set; }

    protected override void BeginProcessing()
    {
        if (!ImageResizer.IsColor(Background))
            ThrowTerminatingError(ErrorRecords.From(new GeminiArgumentException("GeminiImage.InvalidArgument", $"-Background '{Background}' is not a colour; use a name such as 'white' or hex such as '#FFFFFF'."), Background));
        _outFile = GetUnresolvedProviderPathFromPSPath(OutFile);
        // The file's content follows its name: a sheet.jpg holds JPEG, never PNG bytes under another name.
        var isPage = System.IO.Path.GetExtension(_outFile).ToLowerInvariant() is ".html" or ".htm";
        string? problem = null;
        if (Html && !isPage) problem = $"-Html writes a web page, but -OutFile '{OutFile}' does not end in .html.";
        else if (!Html && isPage) problem = $"-OutFile '{OutFile}' names a web page; add -Html for an HTML contact sheet, or use .png, .jpg or .webp for an image.";
        else if (!Html && SheetFormat() == null) problem = $"-OutFile '{OutFile}' has no image extension the contact sheet can write: use .png, .jpg, .jpeg or .webp (or .html with -Html).";
        if (problem != null) ThrowTerminatingError(ErrorRecords.From(new GeminiArgumentException("GeminiImage.OutputFormatMismatch", problem), OutFile));
    }

    // Not a field: an engine enum in the cmdlet's layout would load the engine before the module initializer runs.
    private ImageOutputFormat? SheetFormat() => System.IO.Path.GetExtension(_outFile).ToLowerInvariant() switch
    {
        ".png" => ImageOutputFormat.Png,
        ".jpg" or ".jpeg" => ImageOutputFormat.Jpeg,
        ".webp" => ImageOutputFormat.Webp,
        _ => null,
    };

    protected override void ProcessRecord()
    {
        foreach (var source in InputFiles())
        {
            // The sheet itself may match the input pattern (e.g. -Path out/*.png -OutFile out/sheet.png).
            if (string.Equals(System.IO.Path.GetFullPath(source), System.IO.Path.GetFullPath(_outFile), StringComparison.OrdinalIgnoreCase))
            {
                WriteVerbose($"Skipping '{source}': it is the output file.");
                continue;
            }
            if (_seen.Add(source)) _paths.Add(source);
        }
    }

    protected override void EndProcessing()
    {
        if (_paths.Count == 0)
        {
            WriteError(ErrorRecords.From(new GeminiArgumentException("GeminiImage.NoInput", "No images to put on the contact sheet."), null));
            return;
        }
        var what = Html ? "HTML contact sheet" : "contact sheet";
        if (!ShouldProcess(_outFile, $"Write a {what} of {_paths.Count} image(s), {Columns} per row, {TileSize}px tiles")) return;
        if (!Force && File.Exists(_outFile))
        {
            WriteError(ErrorRecords.From(new OutputExistsException(_outFile), _outFile));
            return;
        }

        byte[] data;
        try
        {
            void Skipped(ImageFileException e) => WriteError(ErrorRecords.From(e, e.Path));
            if (Html)
            {
                var options = new ContactSheetHtmlOptions
                {
                    Columns = Columns,
                    TileSize = TileSize,
                    Background = Background,
                    Title = string.IsNullOrWhiteSpace(Title) ? System.IO.Path.GetFileNameWithoutExtension(_outFile) : Title!,
                };
                var page = ContactSheetHtml.Create(_paths, _outFile, options, null, Skipped);
                data = new UTF8Encoding(false).GetBytes(page.Html);
            }
            else
            {
                var sheet = ContactSheet.Build(_paths, Columns, TileSize, Background, null, Skipped, SheetFormat()!.Value);
                WriteVerbose($"Contact sheet: {sheet.Included.Count} image(s), {sheet.Columns}x{sheet.Rows} tiles, {sheet.Width}x{sheet.Height} px.");
                data = sheet.Data;
            }
        }
        catch (ImageFileException ex)
        {
            // Every image was bad: each was reported already; nothing is written.
            WriteVerbose($"No usable image: {ex.Message}");
            return;
        }
        catch (ArgumentException ex)
        {
            WriteError(ErrorRecords.From(ex, _outFile));
            return;
        }

        try
        {
            OutputWriter.WriteAtomic(data, _outFile, Force);
        }
        catch (Exception ex) when (ex is GeminiImageException or IOException or UnauthorizedAccessException or NotSupportedException)
        {
            WriteError(ErrorRecords.From(ex, _outFile));
            return;
        }
        WrittenFile.Write(this, _outFile);
    }
}
