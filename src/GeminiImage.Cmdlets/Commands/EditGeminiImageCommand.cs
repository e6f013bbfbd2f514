using System.Collections.Concurrent;

namespace GeminiImage.Cmdlets.Commands;

/// <summary>Edit-GeminiImage: edits each input image on its own with one prompt.</summary>
[Cmdlet(VerbsData.Edit, "GeminiImage", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low, DefaultParameterSetName = PathSet)]
[OutputType(typeof(GeminiImageResult))]
public sealed class EditGeminiImageCommand : ThrottledGenerationCmdlet
{
    private const string PathSet = "Path";
    private const string LiteralPathSet = "LiteralPath";

    // Files this invocation wrote (recorded by the workers as they save): Get-ChildItem may still be enumerating the folder they land in.
    private readonly ConcurrentDictionary<string, bool> _written = new(StringComparer.OrdinalIgnoreCase);
    // Images saved (or on their way, with -ThrottleLimit) under -OutFile so far, across pipeline records: the next one gets -2, -3 ...
    private int _savedToOutFile;

    // Rows of a CSV (Import-Csv edits.csv | Edit-GeminiImage) or piped image results carry their own prompt, model,
    // shape, folder and tags; a piped New-GeminiImage result keeps its model.

    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    // Empty or blank prompts reach the engine, which refuses both alike with GeminiImage.EmptyPrompt.
    [AllowEmptyString]
    public string Prompt { get; set; } = "";

    [Parameter(Mandatory = true, Position = 1, ParameterSetName = PathSet, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [SupportsWildcards]
    // An -AsBytes result piped on has no file (its Path is empty): its Bytes are edited instead.
    [AllowEmptyString]
    public string[] Path { get; set; } = Array.Empty<string>();

    [Parameter(Mandatory = true, ParameterSetName = LiteralPathSet, ValueFromPipelineByPropertyName = true)]
    [Alias("PSPath", "LP", "FullName")]
    public string[] LiteralPath { get; set; } = Array.Empty<string>();

    /// <summary>
    /// An image in memory, edited instead of a file: New-/Edit-GeminiImage -AsBytes results piped on bind it by property
    /// name. Null for piped results that have a file (their Bytes property is empty), hence AllowNull.
    /// </summary>
    [Parameter(ParameterSetName = PathSet, ValueFromPipelineByPropertyName = true)]
    [AllowNull]
    public byte[]? Bytes { get; set; }

    /// <summary>An explicit output file; further images (-Count, more sources) get -2, -3 ...</summary>
    [Parameter]
    public string? OutFile { get; set; }

    [Parameter]
    public string Suffix { get; set; } = "-edited";

    private GenerationService Service => GenerationServiceFor(UsageOperation.Edit);

    protected override void ProcessRecord()
    {
        // One prompt for every image: an unknown or broken style stops the command before any request.
        // An image piped in memory exists nowhere else: whatever stops its edit keeps it in the fallback folder.
        var unedited = Bytes is { Length: > 0 } piped ? new InMemoryInput(piped, Service) : null;
        GeminiStyle? style = null;
        try { style = ResolveStyle(); }
        catch (GeminiImageException ex)
        {
            unedited?.KeepAndTell(this, ex);
            ThrowTerminatingError(ErrorRecords.From(ex, Style));
        }
        if (!TryGetReferenceImages(out var references))
        {
            unedited?.KeepAndTell(this);
            return;
        }
        ModelInfo model;
        try { model = ResolveModel(style); }
        catch (GeminiImageException ex)
        {
            unedited?.KeepAndTell(this, ex);
            WriteError(ErrorRecords.From(ex, Model));
            return;
        }

        string? inMemory;
        try { inMemory = InMemorySource(); }
        catch (GeminiImageException ex) { WriteError(ErrorRecords.From(ex, "")); return; }
        if (inMemory != null)
        {
            EditOne(inMemory, unedited, model, style, references);
            return;
        }
        foreach (var source in InputPaths.Resolve(this, ParameterSetName == LiteralPathSet ? LiteralPath : Path, ParameterSetName == LiteralPathSet))
        {
            if (_written.ContainsKey(source))
            {
                WriteVerbose($"Skipping '{source}': this command wrote it.");
                continue;
            }
            EditOne(source, null, model, style, references);
        }
    }

    /// <summary>The name an image in memory goes by (-Bytes, or a piped -AsBytes result with no file); null for files.</summary>
    private string? InMemorySource()
    {
        // Bytes win: an object with Bytes but no Path property binds its own string form to -Path by value.
        if (Bytes is { Length: > 0 } bytes) return $"image in memory ({bytes.Length:N0} bytes)";
        if (ParameterSetName == LiteralPathSet || Path.Any(p => !string.IsNullOrWhiteSpace(p))) return null;
        // -Path '' (or a piped result with neither a file nor bytes): said here, not by a binding error.
        throw new ImageNotFoundException("", "No image to edit: the path is empty and no image bytes were given. Give a file, or pipe a result made with -AsBytes.");
    }

    /// <param name="data">The image itself when it is in memory (<paramref name="source"/> then only names it); null for a file.</param>
    private void EditOne(string source, InMemoryInput? unedited, ModelInfo model, GeminiStyle? style, IReadOnlyList<InputImage> references)
    {
        ImageRequest request;
        OutputPlan plan;
        var data = unedited?.Bytes;
        // The source is read (decoded, maybe downscaled) only once the edit will really be sent, so -WhatIf stays fast;
        // with the response cache on it is read first, since the cache key is made from its bytes.
        var readFirst = Service.CacheMode != Engine.Cache.CacheMode.Off;
        try
        {
            RefuseFileParametersWithAsBytes((nameof(OutFile), Text.NullIfBlank(OutFile) != null), (nameof(OutputDirectory), !string.IsNullOrWhiteSpace(OutputDirectory)), (nameof(Force), Force));
            var image = readFirst ? InputImages.LoadOne(source, data, WriteWarning) : new InputImage(Array.Empty<byte>(), "", source);
            request = BuildRequest(Prompt, model, new[] { image }.Concat(references).ToList(), style, Temperature, Seed, SystemInstruction);
            // An image in memory has no folder of its own: the current one, like New-GeminiImage, and a name from the prompt.
            var directory = !string.IsNullOrWhiteSpace(OutputDirectory) ? GetUnresolvedProviderPathFromPSPath(OutputDirectory)
                : data == null ? System.IO.Path.GetDirectoryName(source)!
                : SessionState.Path.CurrentFileSystemLocation.ProviderPath;
            plan = new OutputPlan
            {
                Directory = directory,
                Stem = data == null ? System.IO.Path.GetFileNameWithoutExtension(source) + Suffix : null,
                OutFile = Text.NullIfBlank(OutFile) is { } outFile ? GetUnresolvedProviderPathFromPSPath(outFile) : null,
                Force = Force,
                // -OutFile numbers across sources (x.png, x-2.png ...); a source's own stem only across its -Count.
                SavedSoFar = Text.NullIfBlank(OutFile) == null ? 0 : _savedToOutFile,
                InMemory = AsBytes,
            };
            if (_savedToOutFile == 0) RefuseExistingOutFile(plan);
        }
        catch (Exception ex) when (ex is GeminiImageException or IOException or UnauthorizedAccessException)
        {
            // Kept (and said) before the error, which -ErrorAction Stop turns into the end of the command.
            unedited?.KeepAndTell(this, ex);
            WriteError(ErrorRecords.From(ex, source));
            return;
        }

        if (!ShouldProcess(source, $"Edit with {model.Id} ({Count} request(s)): '{request.Prompt}'" + Quote(Service, request, Count))) return;

        // Several at once (-ThrottleLimit): each source is read by its worker, so the edits do not wait for each other's decode.
        var inWorker = !readFirst && ThrottleLimit > 1;
        try
        {
            if (!readFirst && !inWorker) request.InputImages = new[] { InputImages.LoadOne(source, data, WriteWarning) }.Concat(references).ToList();
        }
        catch (Exception ex) when (ex is GeminiImageException or IOException or UnauthorizedAccessException)
        {
            // Kept (and said) before the error, which -ErrorAction Stop turns into the end of the command.
            unedited?.KeepAndTell(this, ex);
            WriteError(ErrorRecords.From(ex, source));
            return;
        }

        var service = Service;
        // Read once for all -Count requests of this source, by whichever worker gets there first.
        var read = new Lazy<IReadOnlyList<InputImage>>(() => new[] { InputImages.LoadOne(source, data, QueueWarning) }.Concat(references).ToList());
        for (var i = 0; i < Count; i++)
        {
            var own = plan.Copy();
            own.SavedSoFar = plan.OutFile == null ? i : _savedToOutFile++;
            var variant = i;
            Runs.Start(
                async token =>
                {
                    if (inWorker) request.InputImages = read.Value;
                    try
                    {
                        var outcome = await RunAsync(service, request, own, data == null ? source : null, variant, token).ConfigureAwait(false);
                        foreach (var saved in outcome.Images.Where(i => i.Path.Length > 0)) _written[saved.Path] = true;
                        return outcome;
                    }
                    catch (ImageSaveException ex) when (ex.FallbackPath is { } fallback)
                    {
                        _written[fallback] = true;
                        throw;
                    }
                    catch (Exception) when (token.IsCancellationRequested && unedited != null)
                    {
                        // Stopped: nothing more is written, but the image piped in memory is kept before the command ends.
                        unedited.Keep();
                        throw;
                    }
                },
                outcome =>
                {
                    if (own.OutFile != null) _savedToOutFile += outcome.Images.Count - 1;
                    WriteImages(service, outcome.Images);
                },
                ex =>
                {
                    // One at a time, the next request takes the name this one did not use; in flight together, names stay apart.
                    if (ThrottleLimit == 1 && own.OutFile != null) _savedToOutFile--;
                    unedited?.KeepAndTell(this, ex);
                    WriteError(ErrorRecords.From(ex, source));
                });
        }
    }
}
