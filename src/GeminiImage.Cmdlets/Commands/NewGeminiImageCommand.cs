using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Management.Automation;
using GeminiImage.Cmdlets.Infrastructure;
using GeminiImage.Engine.Catalog;
using GeminiImage.Engine.Configuration;
using GeminiImage.Engine.Errors;
using GeminiImage.Engine.Generation;
using GeminiImage.Engine.Ledger;
using GeminiImage.Engine.Styles;

namespace GeminiImage.Cmdlets.Commands;

/// <summary>New-GeminiImage: text to image (and composition with -ReferenceImage).</summary>
[Cmdlet(VerbsCommon.New, "GeminiImage", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
[OutputType(typeof(GeminiImageResult))]
public sealed class NewGeminiImageCommand : GeminiPromptCmdlet
{
    // One client and service for the whole pipeline: -ReferenceImage and -Cache do not bind per record.
    private GenerationService? _service;

    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string Prompt { get; set; } = "";

    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(ModelCompleter))]
    public string? Model { get; set; }

    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(AspectRatioCompleter))]
    public string? AspectRatio { get; set; }

    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(ImageSizeCompleter))]
    public string? ImageSize { get; set; }

    [Parameter(ValueFromPipelineByPropertyName = true)]
    public string? OutputDirectory { get; set; }

    [Parameter(ValueFromPipelineByPropertyName = true)]
    public string? OutFile { get; set; }

    /// <summary>Number of requests to send (each usually returns one image).</summary>
    [Parameter]
    [ValidateRange(1, 100)]
    public int Count { get; set; } = 1;

    [Parameter]
    [ValidateRange(0.0, 2.0)]
    public double? Temperature { get; set; }

    [Parameter]
    public int? Seed { get; set; }

    [Parameter]
    public string? SystemInstruction { get; set; }

    /// <summary>Images sent with the prompt, in order (composition).</summary>
    [Parameter]
    public string[]? ReferenceImage { get; set; }

    [Parameter(ValueFromPipelineByPropertyName = true)]
    public string[]? Tag { get; set; }

    [Parameter]
    public SwitchParameter Force { get; set; }

    /// <summary>A prompt style: its template wraps the prompt and its defaults fill parameters not given.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(StyleCompleter))]
    public string? Style { get; set; }

    /// <summary>Use the response cache for this call (ReadWrite); -Cache:$false turns it off whatever Set-GeminiConfig says.</summary>
    [Parameter]
    public SwitchParameter Cache { get; set; }

    protected override void ProcessRecord()
    {
        GeminiStyle? style;
        try { style = StyleApplier.Resolve(Style); }
        catch (GeminiImageException ex)
        {
            WriteError(ErrorRecords.From(ex, Prompt));
            return;
        }
        var model = StyleApplier.Model(Model, style);
        ModelLifecycle.WarnOnce(model, WriteWarning);
        var request = new ImageRequest
        {
            Prompt = Prompt,
            Model = model,
            AspectRatio = Text.NullIfBlank(AspectRatio),
            ImageSize = Text.NullIfBlank(ImageSize),
            Temperature = Temperature,
            Seed = Seed,
            SystemInstruction = Text.NullIfBlank(SystemInstruction),
            Tags = Tag ?? Array.Empty<string>(),
            Options = CreatePromptOptions(),
        };
        try
        {
            StyleApplier.Apply(request, style, WriteWarning);
            request.InputImages = InputImages.Load(this, ReferenceImage);
            request.Validate();
        }
        catch (GeminiImageException ex)
        {
            WriteError(ErrorRecords.From(ex, Prompt));
            return;
        }

        var plan = new OutputPlan
        {
            Directory = GetUnresolvedProviderPathFromPSPath(Text.NullIfBlank(OutputDirectory) ?? SessionState.Path.CurrentFileSystemLocation.ProviderPath),
            OutFile = Text.NullIfBlank(OutFile) is { } outFile ? GetUnresolvedProviderPathFromPSPath(outFile) : null,
            Force = Force,
            // Automatic file names come from the user's words, not the style's template.
            NameHint = style == null ? null : Prompt,
        };
        if (plan.OutFile != null && File.Exists(plan.OutFile) && !Force)
        {
            WriteError(ErrorRecords.From(new OutputExistsException(plan.OutFile), Prompt));
            return;
        }

        var service = _service ??= CreateCachingGenerationService(request.InputImages.Count > 0 ? UsageOperation.Edit : UsageOperation.Generate, CacheParameter(Cache));
        var estimate = service.Estimate(request);
        var action = $"Generate {Count} image request(s) with {model.Id}" + (estimate.HasValue ? $" (estimated cost ${estimate.Value * Count:0.000})" : " (cost unknown)");
        if (!ShouldProcess(Prompt, action)) return;

        for (var i = 0; i < Count; i++)
        {
            if (Count > 1)
                WriteProgress(new ProgressRecord(1, "New-GeminiImage", $"Request {i + 1} of {Count}") { PercentComplete = i * 100 / Count });
            try
            {
                var outcome = Run(token => service.RunAsync(request, plan, null, token, cacheVariant: i));
                plan.SavedSoFar += outcome.Images.Count;
                WriteObject(outcome.Images, enumerateCollection: true);
            }
            catch (GeminiImageException ex)
            {
                WriteError(ErrorRecords.From(ex, Prompt));
            }
        }
        if (Count > 1) WriteProgress(new ProgressRecord(1, "New-GeminiImage", "Done") { RecordType = ProgressRecordType.Completed });
    }

}
