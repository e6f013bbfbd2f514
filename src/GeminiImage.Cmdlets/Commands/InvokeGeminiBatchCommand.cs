using GeminiImage.Engine.Resilience;

namespace GeminiImage.Cmdlets.Commands;

/// <summary>Invoke-GeminiBatch: many rows (prompt, images, settings) locally with bounded concurrency, or as a server-side batch job.</summary>
[Cmdlet(VerbsLifecycle.Invoke, "GeminiBatch", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, DefaultParameterSetName = PipelineSet)]
[OutputType(typeof(BatchRowResult), typeof(GeminiBatchJob))]
public sealed class InvokeGeminiBatchCommand : GeminiGenerationCmdlet
{
    private const string PipelineSet = "Pipeline";
    private const string PathSet = "Path";
    private const string LocalMode = "Local";
    private const string ServerMode = "Server";

    private readonly List<BatchRow> _rows = new();

    // ---- input

    /// <summary>A row: an object or hashtable with Id, Prompt, Image, AspectRatio, ImageSize, Model, OutFile, Tag.</summary>
    [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = PipelineSet)]
    public PSObject? InputObject { get; set; }

    /// <summary>A CSV file (header row) or a JSONL file (.jsonl, .ndjson, .json: one object per line).</summary>
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = PathSet)]
    [ValidateNotNullOrEmpty]
    public string Path { get; set; } = "";

    // ---- where and how

    /// <summary>Images, the journal and the reports go here.</summary>
    [Parameter(Mandatory = true)]
    [ValidateNotNullOrEmpty]
    public string OutputDirectory { get; set; } = "";

    [Parameter]
    [ValidateSet(LocalMode, ServerMode, IgnoreCase = true)]
    public string Mode { get; set; } = LocalMode;

    /// <summary>Requests in flight at once (local mode).</summary>
    [Parameter]
    [ValidateRange(1, 64)]
    public int ThrottleLimit { get; set; } = 4;

    /// <summary>Continue a run in the same output folder: completed rows are skipped (this also happens without -Resume).</summary>
    [Parameter]
    public SwitchParameter Resume { get; set; }

    /// <summary>
    /// Trust the rows' paths: let Image and OutFile be absolute or lead out of the input and output folders
    /// (by default such rows are refused with GeminiImage.PathOutsideRoot). -WhatIf lists them.
    /// </summary>
    [Parameter]
    public SwitchParameter AllowAbsolutePaths { get; set; }

    /// <summary>Refuse the whole run when any row is invalid.</summary>
    [Parameter]
    public SwitchParameter Strict { get; set; }

    // -Model, -AspectRatio, -ImageSize and -Tag are the defaults for rows that leave a column empty.

    /// <summary>Not a parameter here: rows carry their own prompts.</summary>
    public override string? Style { get => null; set { } }

    /// <summary>Not a parameter here: each row names its own images.</summary>
    public override string[]? ReferenceImage { get => null; set { } }

    /// <summary>Not a parameter here: a batch pays for fresh images.</summary>
    public override SwitchParameter Cache { get => default; set { } }

    /// <summary>Also make small JPEG previews (thumbnails/) for the report gallery; by default it shows the saved images.</summary>
    [Parameter]
    public SwitchParameter Thumbnail { get; set; }

    /// <summary>Accepted so scripts written when previews were on by default still run; previews are off unless -Thumbnail.</summary>
    [Parameter(DontShow = true)]
    public SwitchParameter NoThumbnail { get; set; }

    /// <summary>Name of the server-side job (server mode).</summary>
    [Parameter]
    public string? DisplayName { get; set; }

    protected override void ProcessRecord()
    {
        if (ParameterSetName == PipelineSet && InputObject != null)
            _rows.Add(BatchRowParser.FromValues(_rows.Count + 1, ToValues(InputObject)));
    }

    protected override void EndProcessing()
    {
        // "Stopped early" until the run gets to its end: a terminating error (missing file, busy folder) leaves 2.
        SetExitCode(2);
        var output = GetUnresolvedProviderPathFromPSPath(OutputDirectory);
        string inputDirectory = SessionState.Path.CurrentFileSystemLocation.ProviderPath;
        IReadOnlyList<BatchRow> rows = _rows;
        if (ParameterSetName == PathSet)
        {
            var file = GetUnresolvedProviderPathFromPSPath(Path);
            if (Directory.Exists(file))
                ThrowTerminatingError(ErrorRecords.From(new GeminiNotFoundException("GeminiImage.BatchFileNotFound", $"'{file}' is a folder, not a batch file: name a .csv or .jsonl file."), Path));
            if (!File.Exists(file))
                ThrowTerminatingError(ErrorRecords.From(new GeminiNotFoundException("GeminiImage.BatchFileNotFound", $"The batch file '{file}' does not exist."), Path));
            // Image paths in a file are relative to the file, so a folder of tasks can be moved as a whole.
            inputDirectory = System.IO.Path.GetDirectoryName(file)!;
            try { rows = BatchRowParser.ReadFile(file); }
            catch (Exception ex) when (ex is GeminiImageException or IOException or UnauthorizedAccessException)
            {
                ThrowTerminatingError(ErrorRecords.From(ex, Path));
                return;
            }
            if (rows.Count == 0)
                ThrowTerminatingError(ErrorRecords.From(new GeminiOperationException("GeminiImage.BatchFileEmpty", ErrorKind.InvalidData,
                    $"The batch file '{file}' has no rows (it is empty, or has only a header line); nothing was sent."), Path));
        }

        var server = string.Equals(Mode, ServerMode, StringComparison.OrdinalIgnoreCase);
        var defaults = new BatchDefaults
        {
            Model = SettingsResolver.Resolve(new SettingsParameters { Model = Model }).Model.Value,
            AspectRatio = AspectRatioValue,
            ImageSize = ImageSizeValue,
            Tags = Tags,
            Options = CreatePromptOptions(),
        };
        var plan = BatchPlan.Validate(rows, defaults, inputDirectory, output, allowAbsolutePaths: AllowAbsolutePaths);
        foreach (var problem in plan.Problems)
        {
            WriteError(ErrorRecords.ForRow(new GeminiOperationException(problem.ErrorId, problem.Kind, problem.ToString()), problem.Id ?? $"row-{problem.RowNumber}"));
        }
        if (Strict && plan.Problems.Count > 0)
            ThrowTerminatingError(ErrorRecords.From(new GeminiOperationException("GeminiImage.BatchInvalidRows", ErrorKind.InvalidData,
                $"{plan.Problems.Count} of {rows.Count} rows are invalid; nothing was sent (-Strict)."), Path));

        if (!ConfirmOutsidePaths(plan, inputDirectory, output)) return;
        if (server) RunServer(plan, output);
        else RunLocal(plan, output);
    }

    /// <summary>
    /// With -AllowAbsolutePaths: -WhatIf names every row that reaches outside the folders (then the run's own line
    /// follows); -Confirm asks about each, and a "no" stops the run before anything is sent.
    /// </summary>
    private bool ConfirmOutsidePaths(BatchPlan plan, string inputDirectory, string output)
    {
        var confirmed = true;
        foreach (var item in plan.Items.Where(i => i.OutsidePaths.Count > 0))
            confirmed &= ShouldProcess($"row {item.Row.RowNumber} ({item.Id})", $"Use {string.Join(" and ", item.OutsidePaths)}, outside '{inputDirectory}' or '{output}' (-AllowAbsolutePaths)");
        var whatIf = MyInvocation.BoundParameters.TryGetValue("WhatIf", out var w) ? ((SwitchParameter)w).IsPresent : LanguagePrimitives.IsTrue(GetVariableValue("WhatIfPreference"));
        return confirmed || whatIf;
    }

    private void RunLocal(BatchPlan plan, string output)
    {
        LocalBatchRun run;
        // A link planted where the batch writes its own files is refused before anything is sent.
        try { run = LocalBatchRun.Prepare(plan, output); }
        catch (UnsafePathException ex) { ThrowTerminatingError(ErrorRecords.From(ex, ex.Path)); return; }
        if (Resume && !run.HasJournal) WriteWarning($"There is no journal in '{output}' to resume; every row runs.");
        var action = $"Send {run.Todo.Count} request(s) (estimated cost {Money(run.Estimate)})" + (run.Resumed.Count > 0 ? $"; {run.Resumed.Count} row(s) completed earlier are skipped" : "");
        if (!ShouldProcess(output, action))
        {
            SetExitCode(0);
            return;
        }

        CheckWritable(output);
        var options = new LocalBatchOptions { OutputDirectory = output, ThrottleLimit = ThrottleLimit, BatchId = LocalBatchRun.NewBatchId(DateTime.UtcNow), Thumbnails = Thumbnail };
        var service = CreateGenerationService(UsageOperation.Batch, options.BatchId, limiter: LocalBatchRun.LimiterFor(Settings.Limiter, ThrottleLimit));
        var progress = new BatchProgress("Invoke-GeminiBatch", run.Todo.Count);
        BatchOutcome summary;
        try
        {
            summary = Run(token => run.RunAsync(service, options, result =>
            {
                if (result.Exception != null) QueueError(ErrorRecords.ForRow(result.Exception, result.Id));
                QueueObject(result);
                // Progress counts the rows this run sends.
                if (result.Status != BatchRowStatus.Invalid && !result.FromJournal && progress.Record(result) is { } record) QueueProgress(record);
            }, QueueVerbose, token));
        }
        catch (GeminiOperationException ex) when (ex.ErrorId == BatchJournal.FolderInUseId)
        {
            ThrowTerminatingError(ErrorRecords.From(ex, output));
            return;
        }
        WriteProgress(progress.Completed());
        WriteVerbose(summary.Report);
        // Not terminating: `$r = Invoke-GeminiBatch ...` keeps the rows that finished.
        if (summary.StopError != null) WriteError(ErrorRecords.From(summary.StopError, output));
        SetExitCode(summary.ExitCode);
    }

    private void RunServer(BatchPlan plan, string output)
    {
        if (plan.Items.Count == 0)
        {
            SetExitCode(plan.Problems.Count > 0 ? 1 : 0);
            return;
        }
        var receiver = new ServerBatchReceiver(CreateBatchClient());
        ServerBatchRun run;
        try { run = Run(token => ServerBatchRun.PrepareAsync(receiver, plan, output, token)); }
        catch (UnsafePathException ex)
        {
            ThrowTerminatingError(ErrorRecords.From(ex, ex.Path));
            return;
        }
        foreach (var c in run.Covered)
            WriteVerbose(c.Job == null ? $"Row '{c.Item.Id}' was received earlier; not submitted again." : $"Row '{c.Item.Id}' is in {c.Job.Name} ({c.Job.State}); not submitted again.");
        var action = $"Submit {run.Todo.Count} request(s) as {run.Jobs.Count} batch job(s) (estimated cost at the batch price {Money(run.Estimate)})" +
            (run.Covered.Count > 0 ? $"; {run.Covered.Count} row(s) covered by earlier jobs are skipped" : "");
        if (!ShouldProcess(output, action))
        {
            SetExitCode(0);
            return;
        }
        // The jobs that still hold rows come out again, so `... | Wait-GeminiBatchJob | Receive-GeminiBatchJob` works on a re-run.
        foreach (var job in run.CoveringJobs) WriteObject(job);
        if (run.Todo.Count == 0)
        {
            WriteWarning($"Every row is covered by an earlier job in '{output}'; nothing was submitted.");
            SetExitCode(plan.Problems.Count > 0 ? 1 : 0);
            return;
        }
        CheckWritable(output);
        var service = CreateGenerationService(UsageOperation.BatchServer);
        var failed = !Run(token => run.SubmitAsync(service, DisplayName, (job, rows) =>
        {
            QueueVerbose($"Submitted {job.Name} ({rows} rows, {job.InputMode}); Wait-GeminiBatchJob then Receive-GeminiBatchJob collect the images.");
            QueueObject(job);
        }, (ex, model) => QueueError(ErrorRecords.From(ex, model)), token));
        SetExitCode(failed ? 2 : plan.Problems.Count > 0 ? 1 : 0);
    }

    /// <summary>A folder the run cannot write is refused before the first request, not paid for row by row.</summary>
    private void CheckWritable(string output)
    {
        try { BatchOutputFolder.CheckWritable(output); }
        catch (OutputUnusableException ex) { ThrowTerminatingError(ErrorRecords.From(ex, output)); }
    }

    private static string Money(decimal? value) => value.HasValue ? "$" + value.Value.ToString("0.000", CultureInfo.InvariantCulture) : "unknown";

    /// <summary>Column values of a pipeline row: hashtable keys, or the object's properties (Submit-GeminiJob reads rows the same way).</summary>
    internal static IDictionary<string, object?> ToValues(PSObject input)
    {
        var values = new Dictionary<string, object?>(StringComparer.OrdinalIgnoreCase);
        if (input.BaseObject is IDictionary dictionary)
        {
            foreach (DictionaryEntry entry in dictionary) values[Convert.ToString(entry.Key, CultureInfo.InvariantCulture) ?? ""] = Unwrap(entry.Value);
            return values;
        }
        if (input.BaseObject is string prompt)
        {
            values["Prompt"] = prompt;
            return values;
        }
        foreach (var property in input.Properties)
        {
            if (!BatchRowParser.Columns.Contains(property.Name, StringComparer.OrdinalIgnoreCase)) continue;
            try { values[property.Name] = Unwrap(property.Value); }
            catch (GetValueException) { }
        }
        return values;
    }

    private static object? Unwrap(object? value)
    {
        if (value is PSObject ps) value = ps.BaseObject;
        if (value is object[] array) return array.Select(a => Convert.ToString(a is PSObject p ? p.BaseObject : a, CultureInfo.InvariantCulture) ?? "").ToList();
        return value;
    }
}
