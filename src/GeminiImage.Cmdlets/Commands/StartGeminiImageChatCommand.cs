using GeminiImage.Engine.Chat;

namespace GeminiImage.Cmdlets.Commands;

/// <summary>
/// Start-GeminiImageChat: begins an iterative editing session (nothing is sent yet). The chat keeps the generation
/// options given here (thinking, Search grounding, image-only, storage, project) for every turn.
/// </summary>
[Cmdlet(VerbsLifecycle.Start, "GeminiImageChat")]
[OutputType(typeof(ImageChat))]
public sealed class StartGeminiImageChatCommand : GeminiGenerationCmdlet
{
    /// <summary>Images to start from; they go with the first prompt.</summary>
    [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("Path", "FullName")]
    public string[]? Image { get; set; }

    /// <summary>Default: the model of the last piped image result, else Set-GeminiConfig's.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(ModelCompleter))]
    public override string? Model { get; set; }

    [Parameter]
    public string? OutputDirectory { get; set; }

    // Not parameters here, as on Send-GeminiImageChat: a chat's images are not tagged, each instruction goes as written,
    // and a chat turn is never answered from the cache.
    public override string[]? Tag { get => null; set { } }
    public override string? Style { get => null; set { } }
    public override SwitchParameter Cache { get => default; set { } }

    // Not parameters here: starting a chat connects to nothing; each Send-GeminiImageChat takes its own connection.
    public override SecureString? ApiKey { get => null; set { } }
    public override System.Uri? BaseUri { get => null; set { } }
    public override string? Profile { get => null; set { } }
    public override string? AuthStyle { get => null; set { } }
    public override Hashtable? Header { get => null; set { } }
    public override string? ApiVersion { get => null; set { } }
    public override int? TimeoutSec { get => null; set { } }
    public override int? MaxRetries { get => null; set { } }
    public override System.Uri? Proxy { get => null; set { } }
    public override PSCredential? ProxyCredential { get => null; set { } }
    public override SwitchParameter NoPromptLogging { get => default; set { } }

    // Piped images (New-GeminiImage | Start-GeminiImageChat) all go with the first prompt.
    private readonly System.Collections.Generic.List<string> _images = new();

    protected override void ProcessRecord()
    {
        if (Image != null) _images.AddRange(Image);
    }

    protected override void EndProcessing()
    {
        var chat = new ImageChat
        {
            Model = ResolveModel(warn: false).Id,
            AspectRatio = AspectRatioValue,
            ImageSize = ImageSizeValue,
            OutputDirectory = GetUnresolvedProviderPathFromPSPath(string.IsNullOrWhiteSpace(OutputDirectory) ? SessionState.Path.CurrentFileSystemLocation.ProviderPath : OutputDirectory),
            Options = CreatePromptOptions(),
            Project = Text.NullIfBlank(Project)?.Trim(),
        };
        try
        {
            chat.PendingImages.AddRange(InputImages.Load(this, _images.Concat(ReferenceImage ?? new string[0]).ToArray()).Select(InputImageState.From));
            // Check ratio, size, options and image count now rather than at the first paid turn.
            chat.NextRequest("check", null, null, System.Array.Empty<Engine.Generation.InputImage>(), out _).Validate();
        }
        catch (GeminiImageException ex)
        {
            // The target is the input at fault: the ratio, size or option the model refuses, else the images.
            object? target = ex.ErrorId switch
            {
                "GeminiImage.InvalidAspectRatio" => AspectRatio,
                "GeminiImage.InvalidImageSize" => ImageSize,
                "GeminiImage.InvalidThinkingLevel" => (object?)ThinkingLevel ?? "IncludeThoughts",
                "GeminiImage.GoogleSearchNotSupported" => (object?)SearchType ?? "GoogleSearch",
                _ => _images.ToArray(),
            };
            ThrowTerminatingError(ErrorRecords.From(ex, target));
        }
        WriteObject(chat);
    }
}
