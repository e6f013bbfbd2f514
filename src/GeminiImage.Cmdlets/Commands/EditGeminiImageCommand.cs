using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using GeminiImage.Cmdlets.Infrastructure;
using GeminiImage.Engine.Catalog;
using GeminiImage.Engine.Errors;
using GeminiImage.Engine.Generation;
using GeminiImage.Engine.Ledger;
using GeminiImage.Engine.Styles;

namespace GeminiImage.Cmdlets.Commands;

/// <summary>Edit-GeminiImage: edits each input image on its own with one prompt.</summary>
[Cmdlet(VerbsData.Edit, "GeminiImage", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low, DefaultParameterSetName = PathSet)]
[OutputType(typeof(GeminiImageResult))]
public sealed class EditGeminiImageCommand : GeminiGenerationCmdlet
{
    private const string PathSet = "Path";
    private const string LiteralPathSet = "LiteralPath";

    // Files this invocation wrote: Get-ChildItem may still be enumerating the folder they land in.
    private readonly HashSet<string> _written = new(StringComparer.OrdinalIgnoreCase);
    private IReadOnlyList<InputImage>? _referenceImages;

    [Parameter(Mandatory = true, Position = 0)]
    // Empty or blank prompts reach the engine, which refuses both alike with GeminiImage.EmptyPrompt.
    [AllowEmptyString]
    public string Prompt { get; set; } = "";

    [Parameter(Mandatory = true, Position = 1, ParameterSetName = PathSet, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [SupportsWildcards]
    public string[] Path { get; set; } = Array.Empty<string>();

    [Parameter(Mandatory = true, ParameterSetName = LiteralPathSet, ValueFromPipelineByPropertyName = true)]
    [Alias("PSPath", "LP", "FullName")]
    public string[] LiteralPath { get; set; } = Array.Empty<string>();

    /// <summary>Default: next to each source image.</summary>
    [Parameter]
    public string? OutputDirectory { get; set; }

    [Parameter]
    public string Suffix { get; set; } = "-edited";

    [Parameter]
    public SwitchParameter Force { get; set; }

    private GenerationService Service => GenerationServiceFor(UsageOperation.Edit);

    protected override void ProcessRecord()
    {
        // One prompt for every image: an unknown or broken style stops the command before any request.
        GeminiStyle? style = null;
        try { style = ResolveStyle(); }
        catch (GeminiImageException ex) { ThrowTerminatingError(ErrorRecords.From(ex, Style)); }
        var model = ResolveModel(style);
        if (_referenceImages == null)
        {
            try { _referenceImages = LoadReferenceImages(); }
            catch (GeminiImageException ex) { ThrowTerminatingError(ErrorRecords.From(ex, ReferenceImage)); }
        }

        foreach (var source in InputPaths.Resolve(this, ParameterSetName == LiteralPathSet ? LiteralPath : Path, ParameterSetName == LiteralPathSet))
        {
            if (_written.Contains(source))
            {
                WriteVerbose($"Skipping '{source}': this command wrote it.");
                continue;
            }
            EditOne(source, model, style);
        }
    }

    private void EditOne(string source, ModelInfo model, GeminiStyle? style)
    {
        ImageRequest request;
        try
        {
            var image = InputImages.LoadOne(this, source);
            request = BuildRequest(Prompt, model, new[] { image }.Concat(_referenceImages!).ToList(), style);
        }
        catch (Exception ex) when (ex is GeminiImageException or IOException or UnauthorizedAccessException)
        {
            WriteError(ErrorRecords.From(ex, source));
            return;
        }

        var directory = string.IsNullOrWhiteSpace(OutputDirectory)
            ? System.IO.Path.GetDirectoryName(source)!
            : GetUnresolvedProviderPathFromPSPath(OutputDirectory);
        var plan = new OutputPlan { Directory = directory, Stem = System.IO.Path.GetFileNameWithoutExtension(source) + Suffix, Force = Force };

        var estimate = Service.Estimate(request);
        if (!ShouldProcess(source, WithEstimate($"Edit with {model.Id}: '{request.Prompt}'", estimate))) return;

        try
        {
            var outcome = Run(token => Service.RunAsync(request, plan, source, token));
            foreach (var saved in outcome.Images)
            {
                _written.Add(saved.Path);
                WriteObject(saved);
            }
        }
        catch (GeminiImageException ex)
        {
            if (ex is ImageSaveException { FallbackPath: { } fallback }) _written.Add(fallback);
            WriteError(ErrorRecords.From(ex, source));
        }
    }
}
