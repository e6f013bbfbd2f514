namespace GeminiImage.Cmdlets.Commands;

/// <summary>
/// Submit-GeminiJob: rows (as Invoke-GeminiBatch takes them) into a work queue of the team database, checked here so a
/// bad row never reaches a worker; a duplicate of a queued, running or done job returns that job.
/// </summary>
[Cmdlet(VerbsLifecycle.Submit, "GeminiJob", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low, DefaultParameterSetName = PipelineSet)]
[OutputType(typeof(GeminiJob))]
public sealed class SubmitGeminiJobCommand : PSCmdlet
{
    private const string PipelineSet = "Pipeline";
    private const string PathSet = "Path";
    private readonly List<BatchRow> _rows = new();

    [Parameter(Mandatory = true)]
    [ValidateNotNullOrEmpty]
    public string Queue { get; set; } = "";

    /// <summary>A row: an object or hashtable with Id, Prompt, Image, AspectRatio, ImageSize, Model, OutFile, Tag, Style; or a prompt string.</summary>
    [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = PipelineSet)]
    public PSObject? InputObject { get; set; }

    /// <summary>A CSV file (header row) or a JSONL file (.jsonl, .ndjson, .json).</summary>
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = PathSet)]
    [ValidateNotNullOrEmpty]
    public string Path { get; set; } = "";

    [Parameter]
    [ValidateSet("High", "Normal", "Low", IgnoreCase = true)]
    public string Priority { get; set; } = "Normal";

    /// <summary>Jobs with the same key in a queue are one job (default: a row's DedupKey column, else the request's cache key).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? DedupKey { get; set; }

    /// <summary>The project the jobs' spend is charged to in the ledger, for rows without a Project column (default: the worker's -Project).</summary>
    [Parameter]
    public string? Project { get; set; }

    /// <summary>Attempts before a job that keeps failing with retryable errors becomes a dead letter.</summary>
    [Parameter]
    [ValidateRange(1, 100)]
    public int MaxAttempts { get; set; } = 3;

    // Defaults for rows that leave a column empty, as Invoke-GeminiBatch has them.

    [Parameter]
    [ArgumentCompleter(typeof(ModelCompleter))]
    public string? Model { get; set; }

    [Parameter]
    [ArgumentCompleter(typeof(AspectRatioCompleter))]
    public string? AspectRatio { get; set; }

    [Parameter]
    [ArgumentCompleter(typeof(ImageSizeCompleter))]
    public string? ImageSize { get; set; }

    [Parameter]
    public string[]? Tag { get; set; }

    /// <summary>Let Image and OutFile be absolute or lead out of the input folder and the queue's output root.</summary>
    [Parameter]
    public SwitchParameter AllowAbsolutePaths { get; set; }

    protected override void ProcessRecord()
    {
        if (ParameterSetName == PipelineSet && InputObject != null)
            _rows.Add(BatchRowParser.FromValues(_rows.Count + 1, InvokeGeminiBatchCommand.ToValues(InputObject)));
    }

    protected override void EndProcessing()
    {
        var queue = QueueAccess.Open(this, Queue);
        GeminiQueueInfo info;
        try { info = queue.GetQueue(Queue); }
        catch (GeminiImageException ex)
        {
            ThrowTerminatingError(ErrorRecords.From(ex, Queue));
            return;
        }
        var inputDirectory = SessionState.Path.CurrentFileSystemLocation.ProviderPath;
        IReadOnlyList<BatchRow> rows = _rows;
        if (ParameterSetName == PathSet)
        {
            var file = GetUnresolvedProviderPathFromPSPath(Path);
            if (!File.Exists(file))
                ThrowTerminatingError(ErrorRecords.From(new GeminiNotFoundException("GeminiImage.BatchFileNotFound", $"The batch file '{file}' does not exist."), Path));
            inputDirectory = System.IO.Path.GetDirectoryName(file)!;
            rows = BatchRowParser.ReadFile(file);
        }
        var defaults = new BatchDefaults
        {
            Model = SettingsResolver.Resolve(new SettingsParameters { Model = Model }).Model.Value,
            AspectRatio = Text.NullIfBlank(AspectRatio),
            ImageSize = Text.NullIfBlank(ImageSize),
            Tags = Tag ?? Array.Empty<string>(),
            Options = new PromptOptions { NoStore = SettingsResolver.Resolve().NoStore.Value },
        };
        // Checked here, against the queue's output root: a row that cannot be sent never reaches a worker.
        var plan = BatchPlan.Validate(rows, defaults, inputDirectory, info.OutputRoot, allowAbsolutePaths: AllowAbsolutePaths);
        foreach (var problem in plan.Problems)
            WriteError(ErrorRecords.ForRow(new GeminiArgumentException(problem.ErrorId, problem.ToString()), problem.Id ?? $"row-{problem.RowNumber}"));
        if (plan.Items.Count == 0) return;

        var priority = EnumParameter.Parse<JobPriority>(Priority);
        var loader = new InputImageLoader();
        var jobs = new List<JobSubmission>(plan.Items.Count);
        foreach (var item in plan.Items)
        {
            // The row's own key, else -DedupKey, else the response cache key: the same request (prompt, model, settings, input bytes) is one job.
            var key = item.Row.DedupKey ?? DedupKey ?? CacheKey.Compute(item.CreateRequest(loader), 0);
            jobs.Add(new JobSubmission(JobSpec.From(item, Text.NullIfBlank(Project)?.Trim()), item.Id, priority, key, MaxAttempts));
        }
        var estimate = plan.EstimatedCost(false);
        var cost = estimate.HasValue ? "$" + estimate.Value.ToString("0.000", CultureInfo.InvariantCulture) : "unknown";
        if (!ShouldProcess($"queue '{info.Name}' in {queue.Location}", $"Submit {jobs.Count} job(s) at {priority} priority (estimated cost {cost} when run)")) return;
        try
        {
            foreach (var job in queue.Submit(info.Name, jobs))
            {
                if (job.Existing) WriteVerbose($"Row '{job.RowId}' is job {job.Id} ({job.State}) already; nothing new was queued for it.");
                WriteObject(job);
            }
        }
        catch (GeminiImageException ex)
        {
            ThrowTerminatingError(ErrorRecords.From(ex, Queue));
        }
    }
}
