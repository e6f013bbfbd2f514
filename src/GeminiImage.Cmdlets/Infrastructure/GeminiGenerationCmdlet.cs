namespace GeminiImage.Cmdlets.Infrastructure;

/// <summary>
/// Base of the cmdlets that generate images: the generation parameters, declared once, and the one place a request
/// is built from them (<see cref="BuildRequest"/>). A new generation option is added here, not in every cmdlet.
/// </summary>
/// <remarks>
/// The parameters are virtual so that a cmdlet can drop one that does not apply to it: an override without
/// <c>[Parameter]</c> is not a parameter (PowerShell reads the attributes of the most derived property), e.g.
/// Send-GeminiImageChat has no -Model because the chat keeps its own. A cmdlet can also re-declare one with other
/// binding (New-GeminiImage takes several from pipeline properties).
/// </remarks>
public abstract class GeminiGenerationCmdlet : GeminiApiCmdlet
{
    private GeminiStyle? _style;
    private bool _styleResolved;
    private GenerationService? _service;
    private IReadOnlyList<InputImage>? _referenceImages;
    private bool _referenceFailed;

    // ---- model and picture

    [Parameter]
    [ArgumentCompleter(typeof(ModelCompleter))]
    public virtual string? Model { get; set; }

    [Parameter]
    [ArgumentCompleter(typeof(AspectRatioCompleter))]
    public virtual string? AspectRatio { get; set; }

    [Parameter]
    [ArgumentCompleter(typeof(ImageSizeCompleter))]
    public virtual string? ImageSize { get; set; }

    /// <summary>Images sent with the prompt, after any edited image (composition, a style, an object to place).</summary>
    [Parameter]
    public virtual string[]? ReferenceImage { get; set; }

    [Parameter]
    public virtual string[]? Tag { get; set; }

    /// <summary>A prompt style: its template wraps the prompt and its defaults fill parameters not given.</summary>
    [Parameter]
    [ArgumentCompleter(typeof(StyleCompleter))]
    public virtual string? Style { get; set; }

    /// <summary>Use the response cache for this call (ReadWrite); -Cache:$false turns it off whatever Set-GeminiConfig says.</summary>
    [Parameter]
    public virtual SwitchParameter Cache { get; set; }

    // ---- request options of today's image models

    /// <summary>generationConfig.thinkingConfig.thinkingLevel; the model decides which levels it takes (Get-GeminiModel).</summary>
    [Parameter]
    [ArgumentCompleter(typeof(ThinkingLevelCompleter))]
    public string? ThinkingLevel { get; set; }

    /// <summary>thinkingConfig.includeThoughts: the thought text and interim images come back and are kept.</summary>
    [Parameter]
    public SwitchParameter IncludeThoughts { get; set; }

    /// <summary>Ground the image in Google Search (the googleSearch tool).</summary>
    [Parameter]
    public SwitchParameter GoogleSearch { get; set; }

    /// <summary>Which searches grounding may use (googleSearch.searchTypes): Web, Image. Implies -GoogleSearch.</summary>
    [Parameter]
    [ValidateSet("Web", "Image", IgnoreCase = true)]
    public string[]? SearchType { get; set; }

    /// <summary>responseModalities ["IMAGE"]: no text part in the answer.</summary>
    [Parameter]
    public SwitchParameter ImageOnly { get; set; }

    /// <summary>store: false on the request: asks Google not to store it (Logs and datasets).</summary>
    [Parameter]
    public SwitchParameter NoStore { get; set; }

    /// <summary>The project the spend is charged to in the usage ledger (Get-GeminiCost -GroupBy Project, project budgets).</summary>
    [Parameter]
    public string? Project { get; set; }

    /// <inheritdoc />
    protected override string? UsageProject => Text.NullIfBlank(Project)?.Trim() ?? base.UsageProject;

    /// <summary>-AspectRatio with a blank value (an empty CSV cell, '') as not given.</summary>
    protected string? AspectRatioValue => Text.NullIfBlank(AspectRatio);

    /// <summary>-ImageSize with a blank value as not given.</summary>
    protected string? ImageSizeValue => Text.NullIfBlank(ImageSize);

    protected IReadOnlyList<string> Tags => Tag ?? Array.Empty<string>();

    /// <summary>
    /// The options as given, over <paramref name="defaults"/> (a chat's own, kept from Start-GeminiImageChat) for those
    /// not given, with Set-GeminiConfig -NoStore for the session.
    /// </summary>
    protected PromptOptions CreatePromptOptions(PromptOptions? defaults = null)
    {
        var given = MyInvocation.BoundParameters;
        defaults ??= new PromptOptions();
        // -GoogleSearch:$false alone turns the chat's search off, its search types with it.
        var searchTypes = given.ContainsKey(nameof(SearchType))
            ? SearchType?.Select(t => t.ToLowerInvariant()).Distinct().ToArray() ?? Array.Empty<string>()
            : given.ContainsKey(nameof(GoogleSearch)) && !GoogleSearch ? Array.Empty<string>() : defaults.SearchTypes;
        return new PromptOptions
        {
            ThinkingLevel = given.ContainsKey(nameof(ThinkingLevel)) ? Text.NullIfBlank(ThinkingLevel)?.ToUpperInvariant() : defaults.ThinkingLevel,
            IncludeThoughts = given.ContainsKey(nameof(IncludeThoughts)) ? IncludeThoughts.IsPresent : defaults.IncludeThoughts,
            GoogleSearch = (given.ContainsKey(nameof(GoogleSearch)) ? GoogleSearch.IsPresent : defaults.GoogleSearch) || searchTypes.Count > 0,
            SearchTypes = searchTypes,
            ImageOnly = given.ContainsKey(nameof(ImageOnly)) ? ImageOnly.IsPresent : defaults.ImageOnly,
            NoStore = (given.ContainsKey(nameof(NoStore)) ? NoStore.IsPresent : defaults.NoStore) || Settings.NoStore.Value,
        };
    }

    /// <summary>
    /// The -Style in effect, resolved once per invocation (null for none); <see cref="Engine.Styles.GeminiStyleException"/>
    /// for an unknown or broken one. Cmdlets that bind -Style per pipeline record pass <paramref name="perRecord"/>.
    /// </summary>
    protected GeminiStyle? ResolveStyle(bool perRecord = false)
    {
        if (perRecord || !_styleResolved)
        {
            _style = StyleApplier.Resolve(Style);
            _styleResolved = true;
        }
        return _style;
    }

    /// <summary>The model: -Model, else the style's, else Set-GeminiConfig / GEMINI_IMAGE_MODEL / the default; warns once about a deprecated or unknown one.</summary>
    protected ModelInfo ResolveModel(GeminiStyle? style = null, bool warn = true)
    {
        var model = StyleApplier.Model(Model, style);
        if (warn) ModelLifecycle.WarnOnce(model, WriteWarning);
        return model;
    }

    /// <summary>
    /// The one place a request is built from the generation parameters: blank values count as not given, the tags
    /// and prompt options are attached, the style fills what was left unset, and the request is checked before
    /// anything is sent (a <see cref="Engine.Errors.GeminiImageException"/> when it cannot be sent).
    /// </summary>
    protected ImageRequest BuildRequest(string prompt, ModelInfo model, IReadOnlyList<InputImage>? images = null, GeminiStyle? style = null,
        double? temperature = null, int? seed = null, string? systemInstruction = null)
    {
        var request = new ImageRequest
        {
            Prompt = prompt,
            Model = model,
            AspectRatio = AspectRatioValue,
            ImageSize = ImageSizeValue,
            Temperature = temperature,
            Seed = seed,
            SystemInstruction = Text.NullIfBlank(systemInstruction),
            InputImages = images ?? Array.Empty<InputImage>(),
            Tags = Tags,
            Options = CreatePromptOptions(),
        };
        StyleApplier.Apply(request, style, WriteWarning);
        request.Validate();
        return request;
    }

    /// <summary>The -ReferenceImage files (wildcards expand), loaded and checked (throws on the first bad one).</summary>
    protected IReadOnlyList<InputImage> LoadReferenceImages() => InputImages.Load(this, ReferenceImage);

    /// <summary>
    /// The -ReferenceImage files, loaded once per invocation for every pipeline record (New and Edit alike). A bad one
    /// is one non-terminating error, with the file as target, written once; then false for every record: nothing is sent.
    /// </summary>
    protected bool TryGetReferenceImages(out IReadOnlyList<InputImage> images)
    {
        if (_referenceImages == null && !_referenceFailed)
        {
            try { _referenceImages = LoadReferenceImages(); }
            catch (Engine.Errors.GeminiImageException ex)
            {
                _referenceFailed = true;
                WriteError(ErrorRecords.From(ex, ex is Engine.Errors.ImageFileException file ? file.Path : ReferenceImage));
            }
        }
        images = _referenceImages ?? Array.Empty<InputImage>();
        return !_referenceFailed;
    }

    /// <summary>The generation settings this call gives: -Cache and -Model besides the connection's.</summary>
    protected override SettingsParameters BoundSettings()
    {
        var settings = base.BoundSettings();
        settings.Cache = MyInvocation.BoundParameters.ContainsKey(nameof(Cache)) ? Cache.IsPresent : null;
        settings.Model = Text.NullIfBlank(Model);
        return settings;
    }

    /// <summary>
    /// The paid-call pipeline, one per invocation (the client, cache and opened ledger do not change per pipeline record); with
    /// <paramref name="cached"/>, the response cache as -Cache, Set-GeminiConfig or the environment say.
    /// </summary>
    protected GenerationService GenerationServiceFor(UsageOperation operation, bool cached = true)
    {
        if (_service != null) return _service;
        var service = CreateGenerationService(operation);
        if (cached) UseCache(service, Settings.Cache.Value);
        // Several calls (pipeline records, -Count) share one opened ledger; a single call costs the same as before.
        DisposeWithCommand(service.KeepLedgerOpen(QueueVerbose));
        return _service = service;
    }

    /// <summary>
    /// The cost part of the ShouldProcess text for <paramref name="count"/> requests: " (estimated cost $0.039)". Under
    /// -WhatIf or -Confirm it also says what the response cache would answer for free and which budget would refuse.
    /// </summary>
    protected string Quote(GenerationService service, ImageRequest request, int count = 1)
    {
        var quote = Asking ? service.Quote(request, count) : new CostQuote(service.Estimate(request) * count, 0, null);
        return quote.Describe(" (cost unknown)");
    }

    /// <summary>-WhatIf or -Confirm is in effect (the only times the ShouldProcess text is shown).</summary>
    private bool Asking =>
        MyInvocation.BoundParameters.ContainsKey("WhatIf") || MyInvocation.BoundParameters.ContainsKey("Confirm")
        || LanguagePrimitives.IsTrue(GetVariableValue("WhatIfPreference"));

    /// <summary>An -OutFile that exists without -Force: refused before anything is paid for.</summary>
    protected static void RefuseExistingOutFile(OutputPlan plan)
    {
        if (plan.OutFile != null && System.IO.File.Exists(plan.OutFile) && !plan.Force)
            throw new Engine.Errors.OutputExistsException(plan.OutFile);
    }
}
