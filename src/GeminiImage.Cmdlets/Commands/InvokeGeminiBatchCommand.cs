using System;
using System.Collections;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Threading;
using GeminiImage.Cmdlets.Infrastructure;
using GeminiImage.Engine.Batch;
using GeminiImage.Engine.Configuration;
using GeminiImage.Engine.Errors;
using GeminiImage.Engine.Generation;
using GeminiImage.Engine.Ledger;
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

    /// <summary>Make no thumbnail files: the report gallery then shows the saved images scaled down.</summary>
    [Parameter]
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
            if (!File.Exists(file))
                ThrowTerminatingError(ErrorRecords.From(new GeminiNotFoundException("GeminiImage.BatchFileNotFound", $"The batch file '{file}' does not exist."), Path));
            // Image paths in a file are relative to the file, so a folder of tasks can be moved as a whole.
            inputDirectory = System.IO.Path.GetDirectoryName(file)!;
            rows = BatchRowParser.ReadFile(file);
        }

        var server = string.Equals(Mode, ServerMode, StringComparison.OrdinalIgnoreCase);
        var defaults = new BatchDefaults
        {
            Model = SettingsResolver.ResolveModel(Model),
            AspectRatio = AspectRatioValue,
            ImageSize = ImageSizeValue,
            Tags = Tags,
            Options = CreatePromptOptions(),
        };
        var plan = BatchPlan.Validate(rows, defaults, inputDirectory, output, allowAbsolutePaths: AllowAbsolutePaths);
        var invalid = plan.Problems.Select(p => InvalidResult(p)).ToList();
        foreach (var problem in plan.Problems)
        {
            WriteError(ErrorRecords.ForRow(new GeminiArgumentException(problem.ErrorId, problem.ToString()), problem.Id ?? $"row-{problem.RowNumber}"));
        }
        if (Strict && plan.Problems.Count > 0)
            ThrowTerminatingError(ErrorRecords.From(new GeminiOperationException("GeminiImage.BatchInvalidRows", ErrorKind.InvalidData,
                $"{plan.Problems.Count} of {rows.Count} rows are invalid; nothing was sent (-Strict)."), Path));

        if (!ConfirmOutsidePaths(plan, inputDirectory, output)) return;
        if (server) RunServer(plan, output);
        else RunLocal(plan, invalid, output);
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

    private void RunLocal(BatchPlan plan, List<BatchRowResult> invalid, string output)
    {
        // A link planted where the batch writes its own files is refused before anything is sent.
        try { BatchOutputFolder.Check(output); }
        catch (UnsafePathException ex) { ThrowTerminatingError(ErrorRecords.From(ex, ex.Path)); }
        var done = BatchJournal.Load(output);
        if (Resume && done.Count == 0) WriteWarning($"There is no journal in '{output}' to resume; every row runs.");
        var resumed = plan.Items.Where(i => done.TryGetValue(i.Id, out var r) && r.IsComplete).Select(i => { var r = done[i.Id]; r.FromJournal = true; return r; }).ToList();
        var resumedIds = new HashSet<string>(resumed.Select(r => r.Id), StringComparer.OrdinalIgnoreCase);
        var todo = plan.Items.Where(i => !resumedIds.Contains(i.Id)).ToList();
        var estimate = SumEstimate(todo, false);
        var action = $"Send {todo.Count} request(s) (estimated cost {Money(estimate)})" + (resumed.Count > 0 ? $"; {resumed.Count} row(s) completed earlier are skipped" : "");
        if (!ShouldProcess(output, action))
        {
            SetExitCode(0);
            return;
        }

        var started = DateTime.UtcNow;
        var batchId = "local-" + started.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture) + "-" + Guid.NewGuid().ToString("N").Substring(0, 6);
        var results = new List<BatchRowResult>(invalid.Count + plan.Items.Count);
        results.AddRange(invalid);
        foreach (var r in invalid) WriteObject(r);
        if (resumed.Count > 0) WriteVerbose($"{resumed.Count} row(s) were completed by an earlier run and are skipped.");
        foreach (var r in resumed) { results.Add(r); WriteObject(r); }

        BatchJournal journal;
        try
        {
            journal = BatchJournal.Open(output);
        }
        catch (IOException ex)
        {
            // The journal is opened for exclusive writing: another run is using this folder.
            ThrowTerminatingError(ErrorRecords.From(new GeminiOperationException("GeminiImage.BatchFolderInUse", ErrorKind.ResourceUnavailable,
                $"The output folder '{output}' is in use by another batch run ({ex.Message}).", ex), output));
            return;
        }
        using var journalScope = journal;
        // Holding the folder now: what a killed run was half-way through writing goes.
        var folders = new[] { output, System.IO.Path.Combine(output, BatchThumbnails.FolderName) }
            .Concat(todo.Where(i => i.OutFile != null).Select(i => System.IO.Path.GetDirectoryName(i.OutFile)!))
            .Distinct(StringComparer.Ordinal);
        var stale = folders.Sum(OutputWriter.RemoveTemporaryFiles);
        if (stale > 0) WriteVerbose($"Removed {stale} half-written file(s) left by an interrupted run.");
        // A run that needs more requests in flight than the session allows gets a limiter of its own (the session's
        // rate, its throttle): nothing process-wide is changed for it.
        var shared = RequestLimiter.Shared;
        var limiter = shared.MaxConcurrency >= ThrottleLimit ? shared : new RequestLimiter(shared.RequestsPerMinute, ThrottleLimit);
        var service = CreateGenerationService(UsageOperation.Batch, batchId, limiter: limiter);
        var progress = new BatchProgress("Invoke-GeminiBatch", todo.Count);
        Exception? stopped = null;
        try
        {
            var runner = new LocalBatchRunner(service);
            var options = new LocalBatchOptions { OutputDirectory = output, ThrottleLimit = ThrottleLimit, BatchId = batchId, Thumbnails = !NoThumbnail };
            try
            {
                Run(token => runner.RunAsync(todo, options, journal, result =>
                {
                    lock (results) results.Add(result);
                    if (result.Exception != null) QueueError(ErrorRecords.ForRow(result.Exception, result.Id));
                    QueueObject(result);
                    if (progress.Record(result) is { } record) QueueProgress(record);
                }, token));
            }
            catch (Exception ex) when (ex is CircuitOpenException || ex is BudgetExceededException)
            {
                stopped = ex;
            }
        }
        finally
        {
            // Rows never started (stopped early or Ctrl+C) appear in the report as not run.
            var finished = new HashSet<string>(results.Select(r => r.Id), StringComparer.OrdinalIgnoreCase);
            foreach (var item in todo.Where(i => !finished.Contains(i.Id)))
            {
                var r = BatchRowResult.For(item, BatchRowStatus.NotRun);
                r.Cost = 0m;
                results.Add(r);
            }
            // The report is written even when the run was stopped; writing to the pipeline may then fail, so it comes last.
            var summary = BatchSummary.From(results, started, output, batchId, LocalMode);
            var report = WriteReport(summary, results);
            if (!StopToken.IsCancellationRequested)
            {
                WriteProgress(progress.Completed());
                WriteVerbose(report);
            }
        }
        // Not terminating: `$r = Invoke-GeminiBatch ...` keeps the rows that finished.
        if (stopped != null) WriteError(ErrorRecords.From(stopped, output));
        SetExitCode(ExitCodeOf(results, stopped != null));
    }

    /// <summary>0 every row succeeded, 1 some failed (failed, blocked, invalid, not run), 2 the run stopped early.</summary>
    internal static int ExitCodeOf(IEnumerable<BatchRowResult> results, bool stopped) =>
        stopped ? 2 : results.All(r => r.Status == BatchRowStatus.Succeeded) ? 0 : 1;

    private void RunServer(BatchPlan plan, string output)
    {
        if (plan.Items.Count == 0)
        {
            SetExitCode(plan.Problems.Count > 0 ? 1 : 0);
            return;
        }
        try { BatchOutputFolder.Check(output); }
        catch (UnsafePathException ex) { ThrowTerminatingError(ErrorRecords.From(ex, ex.Path)); }
        var client = new ServerBatchClient(CreateClient());
        // Idempotent: rows an earlier run into this folder received, or a job there still holds, are not paid for again.
        var covered = Run(token => client.FindCoveredAsync(plan.Items, output, token));
        var coveredIds = new HashSet<string>(covered.Select(c => c.Item.Id), StringComparer.OrdinalIgnoreCase);
        var todo = plan.Items.Where(i => !coveredIds.Contains(i.Id)).ToList();
        foreach (var c in covered)
            WriteVerbose(c.Job == null ? $"Row '{c.Item.Id}' was received earlier; not submitted again." : $"Row '{c.Item.Id}' is in {c.Job.Name} ({c.Job.State}); not submitted again.");
        var groups = todo.GroupBy(i => i.Model.Id).ToList();
        var estimate = SumEstimate(todo, true);
        var action = $"Submit {todo.Count} request(s) as {groups.Count} batch job(s) (estimated cost at the batch price {Money(estimate)})" +
            (covered.Count > 0 ? $"; {covered.Count} row(s) covered by earlier jobs are skipped" : "");
        if (!ShouldProcess(output, action))
        {
            SetExitCode(0);
            return;
        }
        // The jobs that still hold rows come out again, so `... | Wait-GeminiBatchJob | Receive-GeminiBatchJob` works on a re-run.
        foreach (var job in covered.Where(c => c.Job != null).Select(c => c.Job!).GroupBy(j => j.Name).Select(g => g.First())) WriteObject(job);
        if (todo.Count == 0)
        {
            WriteWarning($"Every row is covered by an earlier job in '{output}'; nothing was submitted.");
            SetExitCode(plan.Problems.Count > 0 ? 1 : 0);
            return;
        }
        Directory.CreateDirectory(output);
        var service = CreateGenerationService(UsageOperation.BatchServer);
        var failed = false;
        foreach (var group in groups)
        {
            var name = DisplayName ?? $"GeminiImage {DateTime.Now:yyyy-MM-dd HH:mm:ss}";
            if (groups.Count > 1) name += " " + group.Key;
            var rows = group.ToList();
            try
            {
                // The whole job is reserved before anything is uploaded; a job that does not fit is refused.
                var reservations = service.Reserve(rows.Select(i => (i.CreateRequest(null), (string?)i.Id, i.Estimate(true))).ToList());
                try
                {
                    var job = Run(token => client.SubmitAsync(rows, name, output, token, reservations));
                    WriteVerbose($"Submitted {job.Name} ({rows.Count} rows, {job.InputMode}); Wait-GeminiBatchJob then Receive-GeminiBatchJob collect the images.");
                    WriteObject(job);
                }
                catch (GeminiImageException)
                {
                    service.Release(reservations);
                    throw;
                }
            }
            catch (GeminiImageException ex)
            {
                failed = true;
                WriteError(ErrorRecords.From(ex, group.Key));
                if (ex is BudgetExceededException) break;
            }
        }
        SetExitCode(failed ? 2 : plan.Problems.Count > 0 ? 1 : 0);
    }

    /// <summary>Writes the reports; returns the line to show (the caller writes it when the pipeline still runs).</summary>
    internal static string WriteReport(BatchSummary summary, IReadOnlyCollection<BatchRowResult> results)
    {
        try
        {
            var (_, html) = BatchReport.Write(summary, results);
            return $"Report: {html} ({summary.Succeeded} succeeded, {summary.Failed} failed, {summary.Blocked} blocked, {summary.Invalid} invalid, {summary.NotRun} not run, ${summary.Cost:0.0000}).";
        }
        catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException || ex is UnsafePathException)
        {
            return $"The batch report could not be written: {ex.Message}";
        }
    }

    private static BatchRowResult InvalidResult(BatchProblem problem) => new()
    {
        Id = problem.Id ?? $"row-{problem.RowNumber}",
        Status = BatchRowStatus.Invalid,
        RowNumber = problem.RowNumber,
        Prompt = problem.Row.Prompt ?? "",
        Model = problem.Row.Model ?? "",
        AspectRatio = problem.Row.AspectRatio,
        ImageSize = problem.Row.ImageSize,
        Error = problem.Message,
        ErrorId = problem.ErrorId,
        Cost = 0m,
        CompletedUtc = DateTime.UtcNow,
    };

    private static decimal? SumEstimate(IEnumerable<BatchItem> items, bool batchPricing)
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

    private static string Money(decimal? value) => value.HasValue ? "$" + value.Value.ToString("0.000", CultureInfo.InvariantCulture) : "unknown";

    /// <summary>Column values of a pipeline row: hashtable keys, or the object's properties.</summary>
    private static IDictionary<string, object?> ToValues(PSObject input)
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
