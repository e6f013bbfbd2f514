namespace GeminiImage.Cmdlets.Commands;

/// <summary>New-GeminiImage: text to image (and composition with -ReferenceImage).</summary>
[Cmdlet(VerbsCommon.New, "GeminiImage", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
[OutputType(typeof(GeminiImageResult))]
public sealed class NewGeminiImageCommand : ThrottledGenerationCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    // Empty or blank prompts reach the engine, which refuses both alike with GeminiImage.EmptyPrompt.
    [AllowEmptyString]
    public string Prompt { get; set; } = "";

    // Rows of a CSV or objects can also carry their own size, style and file (see the base for the rest).

    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(ImageSizeCompleter))]
    public override string? ImageSize { get; set; }

    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(StyleCompleter))]
    public override string? Style { get; set; }

    [Parameter(ValueFromPipelineByPropertyName = true)]
    public string? OutFile { get; set; }

    protected override void ProcessRecord()
    {
        GeminiStyle? style;
        ImageRequest request;
        OutputPlan plan;
        if (!TryGetReferenceImages(out var references)) return;
        try
        {
            RefuseFileParametersWithAsBytes((nameof(OutFile), Text.NullIfBlank(OutFile) != null), (nameof(OutputDirectory), Text.NullIfBlank(OutputDirectory) != null), (nameof(Force), Force));
            style = ResolveStyle(perRecord: true);
            var model = ResolveModel(style);
            request = BuildRequest(Prompt, model, references, style, Temperature, Seed, SystemInstruction);
            plan = new OutputPlan
            {
                Directory = GetUnresolvedProviderPathFromPSPath(Text.NullIfBlank(OutputDirectory) ?? SessionState.Path.CurrentFileSystemLocation.ProviderPath),
                OutFile = Text.NullIfBlank(OutFile) is { } outFile ? GetUnresolvedProviderPathFromPSPath(outFile) : null,
                Force = Force,
                // Automatic file names come from the user's words, not the style's template.
                NameHint = style == null ? null : Prompt,
                InMemory = AsBytes,
            };
            RefuseExistingOutFile(plan);
        }
        catch (GeminiImageException ex)
        {
            WriteError(ErrorRecords.From(ex, Prompt));
            return;
        }

        var service = GenerationServiceFor(request.InputImages.Count > 0 ? UsageOperation.Edit : UsageOperation.Generate);
        if (!ShouldProcess(Prompt, $"Generate {Count} image request(s) with {request.Model.Id}" + Quote(service, request, Count))) return;

        // Written later, maybe after the next record was bound: the error names this record's prompt.
        var prompt = Prompt;
        for (var i = 0; i < Count; i++)
        {
            if (Count > 1)
                WriteProgress(new ProgressRecord(1, "New-GeminiImage", $"Request {i + 1} of {Count}") { PercentComplete = i * 100 / Count });
            // Each request names its files from the images saved or on their way before it (an explicit -OutFile gets -2, -3 ...).
            var own = plan.Copy();
            plan.SavedSoFar++;
            var variant = i;
            Runs.Start(
                token => RunAsync(service, request, own, null, variant, token),
                outcome =>
                {
                    plan.SavedSoFar += outcome.Images.Count - 1;
                    WriteImages(service, outcome.Images);
                },
                ex =>
                {
                    // One at a time, the next request takes the name this one did not use; in flight together, names stay apart.
                    if (ThrottleLimit == 1) plan.SavedSoFar--;
                    WriteError(ErrorRecords.From(ex, prompt));
                });
        }
        if (Count > 1) WriteProgress(new ProgressRecord(1, "New-GeminiImage", "Done") { RecordType = ProgressRecordType.Completed });
    }
}
