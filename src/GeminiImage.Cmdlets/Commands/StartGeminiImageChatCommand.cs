using System.Linq;
using System.Management.Automation;
using GeminiImage.Cmdlets.Infrastructure;
using GeminiImage.Engine.Catalog;
using GeminiImage.Engine.Chat;
using GeminiImage.Engine.Configuration;
using GeminiImage.Engine.Errors;

namespace GeminiImage.Cmdlets.Commands;

/// <summary>Start-GeminiImageChat: begins an iterative editing session (nothing is sent yet).</summary>
[Cmdlet(VerbsLifecycle.Start, "GeminiImageChat")]
[OutputType(typeof(ImageChat))]
public sealed class StartGeminiImageChatCommand : PSCmdlet
{
    /// <summary>Images to start from; they go with the first prompt.</summary>
    [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("Path", "FullName")]
    public string[]? Image { get; set; }

    /// <summary>Default: the model of the last piped image result, else Set-GeminiConfig's.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(ModelCompleter))]
    public string? Model { get; set; }

    [Parameter]
    [ArgumentCompleter(typeof(AspectRatioCompleter))]
    public string? AspectRatio { get; set; }

    [Parameter]
    [ArgumentCompleter(typeof(ImageSizeCompleter))]
    public string? ImageSize { get; set; }

    [Parameter]
    public string? OutputDirectory { get; set; }

    // Piped images (New-GeminiImage | Start-GeminiImageChat) all go with the first prompt.
    private readonly System.Collections.Generic.List<string> _images = new();

    protected override void ProcessRecord()
    {
        if (Image != null) _images.AddRange(Image);
    }

    protected override void EndProcessing()
    {
        var model = ModelCatalog.Default.Get(SettingsResolver.ResolveModel(Model));
        var chat = new ImageChat
        {
            Model = model.Id,
            AspectRatio = Text.NullIfBlank(AspectRatio),
            ImageSize = Text.NullIfBlank(ImageSize),
            OutputDirectory = GetUnresolvedProviderPathFromPSPath(string.IsNullOrWhiteSpace(OutputDirectory) ? SessionState.Path.CurrentFileSystemLocation.ProviderPath : OutputDirectory),
        };
        try
        {
            chat.PendingImages.AddRange(InputImages.Load(this, _images.ToArray()).Select(InputImageState.From));
            // Check ratio, size and image count now rather than at the first paid turn.
            chat.NextRequest("check", null, null, System.Array.Empty<Engine.Generation.InputImage>(), out _).Validate();
        }
        catch (GeminiImageException ex)
        {
            // The target is the input at fault: the ratio or size the model refuses, else the images.
            object? target = ex.ErrorId switch
            {
                "GeminiImage.InvalidAspectRatio" => AspectRatio,
                "GeminiImage.InvalidImageSize" => ImageSize,
                _ => _images.ToArray(),
            };
            ThrowTerminatingError(ErrorRecords.From(ex, target));
        }
        WriteObject(chat);
    }
}
