using GeminiImage.Engine.Batch;
using GeminiImage.Engine.Catalog;
using GeminiImage.Engine.Generation;
using GeminiImage.Engine.Imaging;

namespace GeminiImage.Engine.Queue;

/// <summary>
/// What a worker needs to send a job, stored as JSON with the job: the validated row with everything resolved at
/// submit time (style applied, defaults filled, paths made full), so any worker sends the same request.
/// </summary>
public sealed class JobSpec
{
    private static readonly JsonSerializerOptions s_json = new() { PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    /// <summary>The row's own id, or null when it had none (the file is then named after the job).</summary>
    public string? RowId { get; set; }
    public string Prompt { get; set; } = "";
    public string Model { get; set; } = "";
    public string? AspectRatio { get; set; }
    public string? ImageSize { get; set; }
    public List<string> Tags { get; set; } = new();
    /// <summary>Full paths of the input images (a shared folder every worker reads).</summary>
    public List<string> ImagePaths { get; set; } = new();
    /// <summary>Full path of an explicit output file inside the queue's output root.</summary>
    public string? OutFile { get; set; }
    public string? SystemInstruction { get; set; }
    public double? Temperature { get; set; }
    public string? ThinkingLevel { get; set; }
    public bool IncludeThoughts { get; set; }
    public bool GoogleSearch { get; set; }
    public List<string> SearchTypes { get; set; } = new();
    public bool ImageOnly { get; set; }
    public bool NoStore { get; set; }
    /// <summary>The project the job's spend is charged to (the row's Project column, else Submit-GeminiJob -Project; the worker's -Project when null).</summary>
    public string? Project { get; set; }

    /// <summary>The spec of a validated batch item; <paramref name="project"/> for a row without a Project column.</summary>
    public static JobSpec From(BatchItem item, string? project = null) => new()
    {
        RowId = item.Row.Id,
        Prompt = item.Prompt,
        Model = item.Model.Id,
        AspectRatio = item.AspectRatio,
        ImageSize = item.ImageSize,
        Tags = item.Tags.ToList(),
        ImagePaths = item.ImagePaths.ToList(),
        OutFile = item.OutFile,
        SystemInstruction = item.Style?.SystemInstruction,
        Temperature = item.Style?.Temperature,
        ThinkingLevel = item.Options.ThinkingLevel,
        IncludeThoughts = item.Options.IncludeThoughts,
        GoogleSearch = item.Options.GoogleSearch,
        SearchTypes = item.Options.SearchTypes.ToList(),
        ImageOnly = item.Options.ImageOnly,
        NoStore = item.Options.NoStore,
        Project = item.Row.Project ?? project,
    };

    public string ToJson() => JsonSerializer.Serialize(this, s_json);

    public static JobSpec FromJson(string json) => JsonSerializer.Deserialize<JobSpec>(json, s_json) ?? new JobSpec();

    /// <summary>The batch item the worker runs: named after the row id, else after the job (<paramref name="jobId"/>).</summary>
    public BatchItem ToItem(long jobId, ModelCatalog? catalog = null)
    {
        var id = RowId ?? $"job-{jobId}";
        var model = (catalog ?? ModelCatalog.Default).Get(Model);
        return new BatchItem(new BatchRow { Id = id, Prompt = Prompt, Project = Project }, id, model)
        {
            AspectRatio = AspectRatio,
            ImageSize = ImageSize,
            Tags = Tags,
            ImagePaths = ImagePaths,
            OutFile = OutFile,
            Options = new PromptOptions
            {
                ThinkingLevel = ThinkingLevel, IncludeThoughts = IncludeThoughts, GoogleSearch = GoogleSearch,
                SearchTypes = SearchTypes, ImageOnly = ImageOnly, NoStore = NoStore,
            },
        };
    }

    /// <summary>The request of <paramref name="item"/> (from <see cref="ToItem"/>), its input images loaded.</summary>
    public ImageRequest CreateRequest(BatchItem item, InputImageLoader? loader)
    {
        var request = item.CreateRequest(loader);
        request.SystemInstruction = SystemInstruction;
        request.Temperature = Temperature;
        return request;
    }
}
