using System;
using System.Management.Automation;
using GeminiImage.Cmdlets.Infrastructure;
using GeminiImage.Engine.Chat;
using GeminiImage.Engine.Errors;
using GeminiImage.Engine.Generation;
using GeminiImage.Engine.Ledger;

namespace GeminiImage.Cmdlets.Commands;

/// <summary>Send-GeminiImageChat: sends the next instruction of a chat with its whole history; returns the new image.</summary>
[Cmdlet(VerbsCommunications.Send, "GeminiImageChat", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
[OutputType(typeof(GeminiImageResult))]
public sealed class SendGeminiImageChatCommand : GeminiPromptCmdlet
{
    private GenerationService? _service;

    [Parameter(Mandatory = true, ValueFromPipeline = true)]
    [ValidateNotNull]
    public ImageChat Chat { get; set; } = null!;

    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string Prompt { get; set; } = "";

    /// <summary>Changes the ratio from this turn on.</summary>
    [Parameter]
    [ArgumentCompleter(typeof(AspectRatioCompleter))]
    public string? AspectRatio { get; set; }

    [Parameter]
    [ArgumentCompleter(typeof(ImageSizeCompleter))]
    public string? ImageSize { get; set; }

    /// <summary>Further images for this turn only.</summary>
    [Parameter]
    public string[]? ReferenceImage { get; set; }

    [Parameter]
    public string? OutFile { get; set; }

    [Parameter]
    public SwitchParameter Force { get; set; }

    protected override void ProcessRecord()
    {
        ImageRequest request;
        try
        {
            request = Chat.NextRequest(Prompt, Text.NullIfBlank(AspectRatio), Text.NullIfBlank(ImageSize), InputImages.Load(this, ReferenceImage), out var warning);
            if (warning != null) WriteWarning(warning);
            request.Options = CreatePromptOptions();
            request.Validate();
        }
        catch (GeminiImageException ex)
        {
            WriteError(ErrorRecords.From(ex, Prompt));
            return;
        }
        var service = _service ??= CreateGenerationService(UsageOperation.Chat);
        var estimate = service.Estimate(request);
        if (!ShouldProcess(Prompt, $"Send turn {Chat.Turns.Count + 1} of chat {Chat.Id} to {request.Model.Id}" + (estimate.HasValue ? $" (estimated cost ${estimate.Value:0.000})" : ""))) return;

        var plan = new OutputPlan
        {
            Directory = Chat.OutputDirectory,
            OutFile = Text.NullIfBlank(OutFile) is { } outFile ? GetUnresolvedProviderPathFromPSPath(outFile) : null,
            Force = Force,
        };
        if (plan.OutFile != null && System.IO.File.Exists(plan.OutFile) && !Force)
        {
            WriteError(ErrorRecords.From(new OutputExistsException(plan.OutFile), Prompt));
            return;
        }
        try
        {
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
