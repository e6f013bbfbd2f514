using GeminiImage.Engine.Chat;

namespace GeminiImage.Cmdlets.Commands;

/// <summary>Send-GeminiImageChat: sends the next instruction of a chat with its whole history; returns the new image.</summary>
[Cmdlet(VerbsCommunications.Send, "GeminiImageChat", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
[OutputType(typeof(GeminiImageResult))]
public sealed class SendGeminiImageChatCommand : GeminiGenerationCmdlet
{
    [Parameter(Mandatory = true, ValueFromPipeline = true)]
    [ValidateNotNull]
    public ImageChat Chat { get; set; } = null!;

    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    // Empty or blank prompts reach the engine, which refuses both alike with GeminiImage.EmptyPrompt.
    [AllowEmptyString]
    public string Prompt { get; set; } = "";

    // -AspectRatio and -ImageSize change the chat from this turn on; -ReferenceImage adds images to this turn only.

    /// <summary>Not a parameter here: the chat keeps the model it started with.</summary>
    public override string? Model { get => null; set { } }

    /// <summary>Not a parameter here: a chat's images are not tagged.</summary>
    public override string[]? Tag { get => null; set { } }

    /// <summary>Not a parameter here: each turn's instruction goes as written.</summary>
    public override string? Style { get => null; set { } }

    /// <summary>Not a parameter here: a chat turn needs the model's own turn for its history, never a cached one.</summary>
    public override SwitchParameter Cache { get => default; set { } }

    /// <summary>-Project, else the chat's (Start-GeminiImageChat -Project), else the profile's or session's.</summary>
    protected override string? UsageProject => Text.NullIfBlank(Project)?.Trim() ?? Text.NullIfBlank(Chat.Project)?.Trim() ?? base.UsageProject;

    [Parameter]
    public string? OutFile { get; set; }

    [Parameter]
    public SwitchParameter Force { get; set; }

    protected override void ProcessRecord()
    {
        ImageRequest request;
        OutputPlan plan;
        try
        {
            request = Chat.NextRequest(Prompt, AspectRatioValue, ImageSizeValue, LoadReferenceImages(), out var warning);
            if (warning != null) WriteWarning(warning);
            // The chat's options (Start-GeminiImageChat), each replaced by this turn's when given.
            request.Options = CreatePromptOptions(Chat.Options);
            request.Validate();
            plan = new OutputPlan
            {
                Directory = Chat.OutputDirectory,
                OutFile = Text.NullIfBlank(OutFile) is { } outFile ? GetUnresolvedProviderPathFromPSPath(outFile) : null,
                Force = Force,
            };
        }
        catch (GeminiImageException ex)
        {
            WriteError(ErrorRecords.From(ex, Prompt));
            return;
        }
        var service = GenerationServiceFor(UsageOperation.Chat, cached: false);
        if (!ShouldProcess(Prompt, $"Send turn {Chat.Turns.Count + 1} of chat {Chat.Id} to {request.Model.Id}" + Quote(service, request))) return;

        try
        {
            RefuseExistingOutFile(plan);
            // A blocked or empty turn throws here, so neither it nor its user turn enters the history.
            var outcome = Run(token => service.RunAsync(request, plan, Chat.LatestImage, token));
            var saved = outcome.Images;
            Chat.Commit(request, outcome.Result, saved);
            if (AspectRatio != null) Chat.AspectRatio = AspectRatio;
            if (ImageSize != null) Chat.ImageSize = ImageSize;
            WriteObject(saved, enumerateCollection: true);
        }
        catch (GeminiImageException ex)
        {
            WriteError(ErrorRecords.From(ex, Prompt));
        }
    }
}
