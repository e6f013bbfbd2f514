using GeminiImage.Engine.Catalog;
using GeminiImage.Engine.Generation;
using GeminiImage.Engine.Imaging;
using GeminiImage.Engine.Pricing;
using GeminiImage.Engine.Styles;

namespace GeminiImage.Engine.Batch;

/// <summary>A validated row: everything resolved, ready to become a request (input images are loaded only when it runs).</summary>
public sealed class BatchItem(BatchRow row, string id, ModelInfo model)
{
    public BatchRow Row { get; } = row;
    public string Id { get; } = id;
    public ModelInfo Model { get; } = model;
    /// <summary>The prompt sent: the row's prompt inside its style's template when it has one.</summary>
    public string Prompt => Style?.Expand(Row.Prompt ?? "") ?? Row.Prompt ?? "";
    public GeminiStyle? Style { get; set; }
    public string? AspectRatio { get; set; }
    public string? ImageSize { get; set; }
    /// <summary>Full paths of the input images.</summary>
    public IReadOnlyList<string> ImagePaths { get; set; } = Array.Empty<string>();
    /// <summary>Full path of an explicit output file, or null to name the image after <see cref="Id"/>.</summary>
    public string? OutFile { get; set; }
    public IReadOnlyList<string> Tags { get; set; } = Array.Empty<string>();
    /// <summary>Paths of this row outside the input or output folder, let through by -AllowAbsolutePaths ("Image '/x.png'").</summary>
    public IReadOnlyList<string> OutsidePaths { get; set; } = Array.Empty<string>();
    public PromptOptions Options { get; set; } = new();

    /// <summary>The request without input images (for estimates) or with them loaded by <paramref name="loader"/>.</summary>
    public ImageRequest CreateRequest(InputImageLoader? loader)
    {
        var request = new ImageRequest
        {
            Prompt = Prompt, Model = Model, AspectRatio = AspectRatio, ImageSize = ImageSize, Tags = Tags, Project = Row.Project,
            SystemInstruction = Style?.SystemInstruction, Temperature = Style?.Temperature, Options = Options,
        };
        if (loader != null && ImagePaths.Count > 0)
            request.InputImages = ImagePaths.Select(p => { var prepared = loader.Prepare(p); return new InputImage(prepared.Data, prepared.MimeType, p); }).ToList();
        return request;
    }

    /// <summary>
    /// Where this row's image goes: the explicit OutFile, or the row id as the file name in <paramref name="outputDirectory"/>.
    /// Throws <see cref="Errors.UnsafePathException"/> (before anything is sent) when the path passes through a link below
    /// the output folder; an OutFile let outside by -AllowAbsolutePaths must at least not be a link itself.
    /// </summary>
    public OutputPlan CreatePlan(string outputDirectory)
    {
        var inside = OutFile == null || PathContainment.IsInside(outputDirectory, OutFile);
        if (inside) IO.SafePaths.Inside(outputDirectory, OutFile ?? outputDirectory);
        else IO.SafePaths.NotLink(OutFile!);
        var root = inside ? outputDirectory : null;
        return OutFile != null
            ? new OutputPlan { Directory = outputDirectory, OutFile = OutFile, Root = root }
            : new OutputPlan { Directory = outputDirectory, Stem = FileNames.FromId(Id), Root = root };
    }

    /// <summary>Cost estimate before sending (batch price when <paramref name="batchPricing"/>).</summary>
    public decimal? Estimate(bool batchPricing) =>
        CostCalculator.Estimate(Model, ImageSize, 1, ImagePaths.Count, Prompt.Length, batchPricing);
}

/// <summary>A row refused by validation.</summary>
public sealed class BatchProblem
{
    public BatchProblem(BatchRow row, string? id, string errorId, string message, ErrorKind kind = ErrorKind.InvalidArgument)
    {
        Row = row;
        Id = id;
        ErrorId = errorId;
        Message = message;
        Kind = kind;
    }

    /// <summary>What kind of problem it is, for the error category (a missing image is NotFound).</summary>
    public ErrorKind Kind { get; }

    public BatchRow Row { get; }
    public int RowNumber => Row.RowNumber;
    public string? Id { get; }
    public string ErrorId { get; }
    public string Message { get; }
    public override string ToString() => $"Row {RowNumber}{(Id != null ? $" ({Id})" : "")}: {Message}";
}

/// <summary>Defaults applied to rows that leave a column empty.</summary>
public sealed class BatchDefaults
{
    public string Model { get; set; } = ModelCatalog.DefaultModelId;
    public string? AspectRatio { get; set; }
    public string? ImageSize { get; set; }
    public IReadOnlyList<string> Tags { get; set; } = Array.Empty<string>();
    /// <summary>Thinking, Search grounding, image-only output and storage opt-out for every row.</summary>
    public PromptOptions Options { get; set; } = new();
}

/// <summary>The outcome of checking every row before anything is spent.</summary>
public sealed class BatchPlan
{
    private BatchPlan(IReadOnlyList<BatchItem> items, IReadOnlyList<BatchProblem> problems)
    {
        Items = items;
        Problems = problems;
    }

    public IReadOnlyList<BatchItem> Items { get; }
    public IReadOnlyList<BatchProblem> Problems { get; }

    /// <summary>Sum of the estimates of the valid rows; null when a model's price is unknown.</summary>
    public decimal? EstimatedCost(bool batchPricing) => SumEstimate(Items, batchPricing);

    /// <summary>The estimated cost of the items; null when one's price is unknown.</summary>
    public static decimal? SumEstimate(IEnumerable<BatchItem> items, bool batchPricing)
    {
        decimal total = 0;
        foreach (var item in items)
        {
            var e = item.Estimate(batchPricing);
            if (e == null) return null;
            total += e.Value;
        }
        return total;
    }

    /// <summary>
    /// Checks every row: prompt present, id present (else "row-N") and unique, model known, aspect ratio and size
    /// valid for the model, image files present and readable. Image paths resolve inside <paramref name="inputDirectory"/>,
    /// OutFile paths inside <paramref name="outputDirectory"/>: a row whose path is absolute or leads out (see
    /// <see cref="PathContainment"/>) is refused with GeminiImage.PathOutsideRoot, unless <paramref name="allowAbsolutePaths"/>.
    /// </summary>
    public static BatchPlan Validate(IEnumerable<BatchRow> rows, BatchDefaults defaults, string inputDirectory, string outputDirectory,
        ModelCatalog? catalog = null, InputImageLoader? loader = null, StyleStore? styles = null, bool allowAbsolutePaths = false)
    {
        catalog ??= ModelCatalog.Default;
        var items = new List<BatchItem>();
        var problems = new List<BatchProblem>();
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var checkedImages = new Dictionary<string, GeminiImageException?>(StringComparer.Ordinal);
        foreach (var row in rows)
        {
            var id = row.Id ?? $"row-{row.RowNumber}";
            var problem = Check(row, id);
            if (problem != null) problems.Add(problem);
            BatchProblem? Check(BatchRow r, string rowId)
            {
                if (r.ParseError != null) return new BatchProblem(r, null, "GeminiImage.BatchRowUnreadable", r.ParseError);
                if (!seen.Add(rowId)) return new BatchProblem(r, rowId, "GeminiImage.DuplicateRowId", $"The id '{rowId}' is used by an earlier row; ids must be unique.");
                if (string.IsNullOrWhiteSpace(r.Prompt)) return new BatchProblem(r, rowId, "GeminiImage.EmptyPrompt", "The prompt is empty.");
                GeminiStyle? style = null;
                if (r.Style != null)
                {
                    // Explicit columns win over the style's defaults, which win over the run's defaults.
                    try { style = (styles ??= new StyleStore()).Get(r.Style); style.Validate(); }
                    catch (GeminiImageException ex) { return new BatchProblem(r, rowId, ex.ErrorId, ex.Message); }
                }
                var modelId = r.Model ?? style?.Model ?? defaults.Model;
                if (!catalog.TryGet(modelId, out var model))
                    return new BatchProblem(r, rowId, "GeminiImage.UnknownModel", $"The model '{modelId}' is not in the catalog (Get-GeminiModel lists them).");
                var outside = new List<string>();
                string Place(string column, string root, string written, bool output)
                {
                    var full = PathContainment.Check(root, written, out var rule, output);
                    if (rule == null) return full;
                    // A trusting user may opt out of containment, not out of names that would lose the image.
                    if (!allowAbsolutePaths || (output && FileNames.Problem(Path.GetFileName(full)) != null))
                        throw new PathOutsideRootException(written, root, rule, column);
                    outside.Add($"{column} '{written}'");
                    return full;
                }
                BatchItem item;
                try
                {
                    item = new BatchItem(r, rowId, model)
                    {
                        Style = style,
                        AspectRatio = r.AspectRatio ?? style?.AspectRatio ?? defaults.AspectRatio,
                        ImageSize = r.ImageSize ?? (model.SupportsImageSize ? style?.ImageSize ?? defaults.ImageSize : null),
                        Tags = r.Tags.Count > 0 ? r.Tags : defaults.Tags,
                        Options = defaults.Options,
                        ImagePaths = r.Images.Select(p => Place("Image", inputDirectory, p, output: false)).ToList(),
                        OutFile = r.OutFile == null ? null : Place("OutFile", outputDirectory, r.OutFile, output: true),
                    };
                    item.OutsidePaths = outside;
                    var request = item.CreateRequest(null);
                    request.Validate();
                    if (item.ImagePaths.Count > model.MaxInputImages)
                        throw new GeminiArgumentException("GeminiImage.TooManyImages", $"{model.Id} takes at most {model.MaxInputImages} input images; this row has {item.ImagePaths.Count}.");
                }
                catch (GeminiImageException ex)
                {
                    return new BatchProblem(r, rowId, ex.ErrorId, ex.Message, ex.Kind);
                }
                foreach (var path in item.ImagePaths)
                {
                    if (!checkedImages.TryGetValue(path, out var error))
                    {
                        error = CheckImage(path, loader);
                        checkedImages[path] = error;
                    }
                    // The image's own id, as everywhere else: a missing file is ImageNotFound, a broken one InvalidImage.
                    if (error != null) return new BatchProblem(r, rowId, error.ErrorId, error.Message, error.Kind);
                }
                items.Add(item);
                return null;
            }
        }
        return new BatchPlan(items, problems);
    }

    /// <summary>Loads the image through the same checks a request uses, and drops the bytes (they are loaded again when the row runs).</summary>
    private static GeminiImageException? CheckImage(string path, InputImageLoader? loader)
    {
        try
        {
            (loader ?? new InputImageLoader()).Prepare(path);
            return null;
        }
        catch (GeminiImageException ex)
        {
            return ex;
        }
    }

}
