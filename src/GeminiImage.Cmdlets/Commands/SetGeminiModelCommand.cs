namespace GeminiImage.Cmdlets.Commands;

/// <summary>
/// Set-GeminiModel: adds a model to the catalog override file, or changes a model's lifecycle, limits or prices there,
/// so a model Google ships today can be used (and a retired one refused) without a module release.
/// </summary>
[Cmdlet(VerbsCommon.Set, "GeminiModel", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
[OutputType(typeof(ModelInfo))]
public sealed class SetGeminiModelCommand : PSCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string Id { get; set; } = "";

    /// <summary>A catalog model whose ratios, sizes, tokens and prices a new model starts from.</summary>
    [Parameter]
    [ArgumentCompleter(typeof(ModelCompleter))]
    public string? SameAs { get; set; }

    [Parameter]
    public string? Nickname { get; set; }

    [Parameter]
    [ValidateSet("Preview", "Stable", "Deprecated", "ShutDown", IgnoreCase = true)]
    public string? Status { get; set; }

    [Parameter]
    public DateTime? ReleaseDate { get; set; }

    [Parameter]
    public DateTime? ShutdownDate { get; set; }

    /// <summary>The shutdown date is Google's "earliest possible" date, not a fixed one.</summary>
    [Parameter]
    public SwitchParameter ShutdownDateIsEarliest { get; set; }

    [Parameter]
    public string? Replacement { get; set; }

    /// <summary>Aspect ratio to 1K pixel size, e.g. @{ '16:9' = '1376x768'; '1:1' = '1024x1024' }.</summary>
    [Parameter]
    public Hashtable? AspectRatio { get; set; }

    /// <summary>Image size name to scale over 1K, e.g. @{ '1K' = 1; '2K' = 2; '4K' = 4 } (empty for a fixed size).</summary>
    [Parameter]
    public Hashtable? ImageSize { get; set; }

    /// <summary>Output image tokens per image by size, e.g. @{ '1K' = 1120; '2K' = 1680 }.</summary>
    [Parameter]
    public Hashtable? ImageTokens { get; set; }

    [Parameter]
    [ValidateRange(1, 100)]
    public int MaxInputImages { get; set; }

    [Parameter]
    [ValidateRange(0.0, 100000.0)]
    public decimal? InputPrice { get; set; }

    [Parameter]
    [ValidateRange(0.0, 100000.0)]
    public decimal? TextOutputPrice { get; set; }

    [Parameter]
    [ValidateRange(0.0, 100000.0)]
    public decimal? ImageOutputPrice { get; set; }

    [Parameter]
    [ValidateRange(0.0, 100000.0)]
    public decimal? SearchPricePer1000 { get; set; }

    [Parameter]
    [ValidateSet("MINIMAL", "LOW", "MEDIUM", "HIGH", IgnoreCase = true)]
    [AllowEmptyCollection]
    public string[]? ThinkingLevel { get; set; }

    [Parameter]
    [ValidateSet("Web", "Image", IgnoreCase = true)]
    [AllowEmptyCollection]
    public string[]? SearchType { get; set; }

    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void ProcessRecord()
    {
        var id = ModelCatalog.StripPrefix(Id.Trim());
        string text;
        try
        {
            text = ModelCatalogOverride.PlanSet(id, Members(id));
        }
        catch (GeminiImageException ex)
        {
            WriteError(ErrorRecords.From(ex, Id));
            return;
        }
        if (!ShouldProcess(ModelCatalog.OverridePath, $"Set catalog model '{id}'")) return;
        ModelCatalogOverride.Write(text);
        if (ModelCatalog.Default.OverrideError is { } problem) WriteWarning(problem);
        if (PassThru && ModelCatalog.Default.TryGet(id, out var model)) WriteObject(model);
    }

    private Dictionary<string, object?> Members(string id)
    {
        var bound = MyInvocation.BoundParameters;
        var members = new Dictionary<string, object?>();
        if (SameAs != null) members["sameAs"] = ModelCatalog.StripPrefix(SameAs);
        else if (!ModelCatalog.Embedded.TryGet(id, out _) && !ModelCatalogOverride.Ids().Contains(id, StringComparer.OrdinalIgnoreCase) && AspectRatio == null)
            throw new GeminiArgumentException("GeminiImage.InvalidModelCatalog", $"'{id}' is a new model: give -SameAs <known model> (then change what differs), or its full shape (-AspectRatio, -ImageSize, -ImageTokens, -MaxInputImages and prices).");
        if (Nickname != null) members["nickname"] = Nickname;
        if (Status != null) members["status"] = Status.Equals("ShutDown", StringComparison.OrdinalIgnoreCase) ? "shutDown" : Status.ToLowerInvariant();
        if (ReleaseDate is { } released) members["releaseDate"] = released.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        if (ShutdownDate is { } shutdown) members["shutdownDate"] = shutdown.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        if (bound.ContainsKey(nameof(ShutdownDateIsEarliest)) || ShutdownDate != null) members["shutdownDateKind"] = ShutdownDateIsEarliest ? "earliest" : "announced";
        if (Replacement != null) members["replacement"] = ModelCatalog.StripPrefix(Replacement);
        if (AspectRatio != null) members["aspectRatios"] = Object(AspectRatio, v => Convert.ToString(v, CultureInfo.InvariantCulture));
        if (ImageSize != null) members["imageSizes"] = Object(ImageSize, v => Convert.ToDouble(v, CultureInfo.InvariantCulture));
        if (ImageTokens != null) members["imageTokens"] = Object(ImageTokens, v => Convert.ToInt32(v, CultureInfo.InvariantCulture));
        if (bound.ContainsKey(nameof(MaxInputImages))) members["maxInputImages"] = MaxInputImages;
        if (ThinkingLevel != null) members["thinkingLevels"] = ThinkingLevel.Select(l => l.ToUpperInvariant()).ToArray();
        if (SearchType != null) members["searchTypes"] = SearchType.Select(t => t.ToLowerInvariant()).ToArray();
        if (InputPrice != null || TextOutputPrice != null || ImageOutputPrice != null || SearchPricePer1000 != null)
        {
            // Prices are one member: start from what the model has now, change what was given.
            var current = ModelCatalog.Default.TryGet(SameAs ?? id, out var known) ? known.Prices : null;
            var prices = new Dictionary<string, object?>
            {
                ["input"] = InputPrice ?? current?.Input,
                ["textOutput"] = TextOutputPrice ?? current?.TextOutput,
                ["imageOutput"] = ImageOutputPrice ?? current?.ImageOutput,
            };
            var search = SearchPricePer1000 ?? current?.SearchPer1000;
            if (search != null) prices["searchPer1000"] = search;
            members["prices"] = prices;
        }
        return members;
    }

    private static Dictionary<string, object?> Object(Hashtable table, Func<object?, object?> value)
    {
        var result = new Dictionary<string, object?>();
        foreach (DictionaryEntry e in table) result[Convert.ToString(e.Key, CultureInfo.InvariantCulture)!] = value(e.Value is PSObject p ? p.BaseObject : e.Value);
        return result;
    }
}
