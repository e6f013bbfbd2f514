using System;
using System.Collections.Generic;
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

/// <summary>Edit-GeminiImage: edits each input image on its own with one prompt.</summary>
[Cmdlet(VerbsData.Edit, "GeminiImage", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low, DefaultParameterSetName = PathSet)]
[OutputType(typeof(GeminiImageResult))]
public sealed class EditGeminiImageCommand : GeminiPromptCmdlet
{
    private const string PathSet = "Path";
    private const string LiteralPathSet = "LiteralPath";

    // Files this invocation wrote: Get-ChildItem may still be enumerating the folder they land in.
    private readonly HashSet<string> _written = new(StringComparer.OrdinalIgnoreCase);
    private IReadOnlyList<InputImage>? _referenceImages;
    private GenerationService? _service;
    private GeminiStyle? _style;
    private bool _styleResolved;

    [Parameter(Mandatory = true, Position = 0)]
    [ValidateNotNullOrEmpty]
    public string Prompt { get; set; } = "";

    [Parameter(Mandatory = true, Position = 1, ParameterSetName = PathSet, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [SupportsWildcards]
    public string[] Path { get; set; } = Array.Empty<string>();

    [Parameter(Mandatory = true, ParameterSetName = LiteralPathSet, ValueFromPipelineByPropertyName = true)]
    [Alias("PSPath", "LP", "FullName")]
    public string[] LiteralPath { get; set; } = Array.Empty<string>();

    /// <summary>Further images (a style, an object to place) sent with every edit, after the edited image.</summary>
    [Parameter]
    public string[]? ReferenceImage { get; set; }

    [Parameter]
    [ArgumentCompleter(typeof(ModelCompleter))]
    public string? Model { get; set; }

    /// <summary>Default: keep the source's shape.</summary>
    [Parameter]
    [ArgumentCompleter(typeof(AspectRatioCompleter))]
    public string? AspectRatio { get; set; }

    [Parameter]
    [ArgumentCompleter(typeof(ImageSizeCompleter))]
    public string? ImageSize { get; set; }

    /// <summary>Default: next to each source image.</summary>
    [Parameter]
    public string? OutputDirectory { get; set; }

    [Parameter]
    public string Suffix { get; set; } = "-edited";

    [Parameter]
    public string[]? Tag { get; set; }

    [Parameter]
    public SwitchParameter Force { get; set; }

    /// <summary>A prompt style: its template wraps the prompt and its defaults fill parameters not given.</summary>
    [Parameter]
    [ArgumentCompleter(typeof(StyleCompleter))]
    public string? Style { get; set; }

    /// <summary>Use the response cache for this call (ReadWrite); -Cache:$false turns it off whatever Set-GeminiConfig says.</summary>
    [Parameter]
    public SwitchParameter Cache { get; set; }

    private GenerationService Service => _service ??= CreateCachingGenerationService(UsageOperation.Edit, CacheParameter(Cache));

    protected override void ProcessRecord()
    {
        if (!_styleResolved)
        {
            // One prompt for every image: an unknown or broken style stops the command before any request.
            try { _style = StyleApplier.Resolve(Style); }
            catch (GeminiImageException ex) { ThrowTerminatingError(ErrorRecords.From(ex, Style)); }
            _styleResolved = true;
        }
        var model = StyleApplier.Model(Model, _style);
        ModelLifecycle.WarnOnce(model, WriteWarning);
        if (_referenceImages == null)
        {
            try { _referenceImages = InputImages.Load(this, ReferenceImage); }
            catch (GeminiImageException ex) { ThrowTerminatingError(ErrorRecords.From(ex, ReferenceImage)); }
        }

        foreach (var source in InputPaths.Resolve(this, ParameterSetName == LiteralPathSet ? LiteralPath : Path, ParameterSetName == LiteralPathSet))
        {
            if (_written.Contains(source))
            {
                WriteVerbose($"Skipping '{source}': this command wrote it.");
                continue;
            }
            EditOne(source, model);
        }
    }

    private void EditOne(string source, ModelInfo model)
    {
        ImageRequest request;
        try
        {
            var image = InputImages.LoadOne(this, source);
            request = new ImageRequest
            {
                Prompt = Prompt,
                Model = model,
                AspectRatio = string.IsNullOrWhiteSpace(AspectRatio) ? null : AspectRatio,
                ImageSize = string.IsNullOrWhiteSpace(ImageSize) ? null : ImageSize,
                InputImages = new[] { image }.Concat(_referenceImages!).ToList(),
                Tags = Tag ?? Array.Empty<string>(),
                Options = CreatePromptOptions(),
            };
            StyleApplier.Apply(request, _style, WriteWarning);
            request.Validate();
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
        if (!ShouldProcess(source, $"Edit with {model.Id}: '{request.Prompt}'" + (estimate.HasValue ? $" (estimated cost ${estimate.Value:0.000})" : ""))) return;

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
