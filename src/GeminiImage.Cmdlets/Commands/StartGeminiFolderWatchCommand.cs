using System.Threading;
using GeminiImage.Engine.Watch;

namespace GeminiImage.Cmdlets.Commands;

/// <summary>
/// Start-GeminiFolderWatch: edits every image dropped into a folder with one prompt, unattended, until Ctrl+C,
/// -Once or -Timeout. The watcher runs on a worker and only queues; results and errors are written here.
/// </summary>
[Cmdlet(VerbsLifecycle.Start, "GeminiFolderWatch", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(FolderWatchResult))]
public sealed class StartGeminiFolderWatchCommand : GeminiGenerationCmdlet
{
    // ---- what to watch --------------------------------------------------------------------------

    [Parameter(Mandatory = true, Position = 0)]
    [ValidateNotNullOrEmpty]
    public string Path { get; set; } = "";

    [Parameter(Mandatory = true, Position = 1)]
    [ValidateNotNullOrEmpty]
    public string Prompt { get; set; } = "";

    [Parameter(Mandatory = true)]
    [ValidateNotNullOrEmpty]
    public string OutputDirectory { get; set; } = "";

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string[]? Filter { get; set; }

    [Parameter]
    public SwitchParameter Recurse { get; set; }

    [Parameter]
    public string? ProcessedDirectory { get; set; }

    [Parameter]
    public string? FailedDirectory { get; set; }

    [Parameter]
    public string? LogDirectory { get; set; }

    // ---- the edit -------------------------------------------------------------------------------

    // -Model, -AspectRatio, -ImageSize, -ReferenceImage, -Tag and the request options: the base's.

    /// <summary>Not a parameter here: the prompt goes as written.</summary>
    public override string? Style { get => null; set { } }

    /// <summary>Not a parameter here: every dropped image is a new edit.</summary>
    public override SwitchParameter Cache { get => default; set { } }

    [Parameter]
    public string Suffix { get; set; } = "-edited";

    // ---- how long, how patient ------------------------------------------------------------------

    [Parameter]
    public SwitchParameter Once { get; set; }

    [Parameter]
    public TimeSpan Timeout { get; set; }

    [Parameter]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    [Parameter]
    public TimeSpan StableFor { get; set; } = TimeSpan.FromSeconds(2);

    [Parameter]
    public TimeSpan RescanInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>A continuous watch stops on an outage or at the budget (exit code 2) instead of pausing and resuming.</summary>
    [Parameter]
    public SwitchParameter StopOnError { get; set; }

    /// <summary>A file holding only the API key, for unattended runs (the key stays off command lines).</summary>
    [Parameter]
    public string? ApiKeyFile { get; set; }

    protected override void EndProcessing()
    {
        // "Stopped early" until the run gets to its end: a refused start (busy or missing folder) leaves 2.
        SetExitCode(2);
        var options = new FolderWatchOptions
        {
            Folder = GetUnresolvedProviderPathFromPSPath(Path),
            OutputDirectory = GetUnresolvedProviderPathFromPSPath(OutputDirectory),
            ProcessedDirectory = Resolve(ProcessedDirectory),
            FailedDirectory = Resolve(FailedDirectory),
            LogDirectory = Resolve(LogDirectory) ?? System.IO.Path.Combine(DataFolder.Default, "logs"),
            Filters = Filter ?? FolderWatchOptions.DefaultFilters.ToArray(),
            Recurse = Recurse,
            Suffix = Suffix,
            Once = Once,
            Timeout = Timeout > TimeSpan.Zero ? Timeout : null,
            PollInterval = PollInterval,
            StableFor = StableFor,
            RescanInterval = RescanInterval,
            StopOnError = StopOnError,
        };
        ImageRequest template;
        try
        {
            options.Validate();
            if (ApiKeyFile != null) ApiKey = ReadKeyFile(GetUnresolvedProviderPathFromPSPath(ApiKeyFile));
            var model = ResolveModel(warn: false);
            // Checked once up front: a bad aspect ratio would otherwise fail every file.
            template = BuildRequest(Prompt, model, LoadReferenceImages());
            if (template.InputImages.Count + 1 > model.MaxInputImages)
                throw new GeminiArgumentException("GeminiImage.TooManyImages", $"{model.Id} takes at most {model.MaxInputImages} input images: the dropped image and {model.MaxInputImages - 1} reference image(s).");
        }
        catch (Exception ex) when (ex is GeminiImageException or IOException or UnauthorizedAccessException or ArgumentException)
        {
            new WatchLog(options.LogDirectory, options.Folder).Fail($"Refused to start: {ex.Message}");
            ThrowTerminatingError(ErrorRecords.From(ex, Path));
            return;
        }

        FolderWatcher? watcherRef = null;
        // Near-budget and downscale warnings go to the watch log too, not only to the console.
        Action<string> warn = message => { if (watcherRef != null) watcherRef.Warn(message); else QueueWarning(message); };
        var service = CreateGenerationService(UsageOperation.Watch, warning: warn);
        var watcher = watcherRef = new FolderWatcher(options, FolderWatcher.EditWith(service, template, warn))
        {
            Verbose = QueueVerbose,
            Warning = QueueWarning,
            ItemCompleted = OnItem,
        };

        // The estimate per file: the dropped image plus the reference images.
        var placeholder = new InputImage(Array.Empty<byte>(), "image/png");
        var estimate = service.Estimate(new ImageRequest { Prompt = Prompt, Model = template.Model, ImageSize = template.ImageSize, InputImages = template.InputImages.Concat(new[] { placeholder }).ToList() });
        var what = $"Edit each image with {template.Model.Id}: '{Prompt}'" + (estimate.HasValue ? $" (estimated ${estimate.Value:0.000} per image)" : "");
        if (!ShouldProcess(options.Folder, (Once ? "Process the images there now. " : "Watch for images. ") + what))
        {
            // -WhatIf: say which files a run would take now.
            foreach (var file in watcher.ListCandidates()) ShouldProcess(file, what);
            return;
        }

        WriteVerbose($"Watching '{options.Folder}'; log: {watcher.Log.CurrentPath}");
        FolderWatchSummary summary;
        // SIGTERM (systemd, docker stop, kill): stop like Ctrl+C, so the watch logs that it stopped and releases the
        // folder's lock, then the process exits with 2 (stopped early).
        using var finished = new ManualResetEventSlim(false);
        using (var signal = new TerminationSignal(() =>
        {
            watcher.StopCause = "by a termination signal (SIGTERM)";
            StopProcessing();
            finished.Wait(TimeSpan.FromSeconds(10));
        }, exitCode: 2))
        {
            try
            {
                summary = Run(token => watcher.RunAsync(token));
            }
            catch (PipelineStoppedException)
            {
                finished.Set();
                signal.Exit();
                throw;
            }
            catch (GeminiImageException ex)
            {
                ThrowTerminatingError(ErrorRecords.From(ex, Path));
                return;
            }
            finally
            {
                finished.Set();
            }
        }
        if (summary.StopError != null)
        {
            WriteWarning(summary.StopReason switch
            {
                WatchStopReason.BudgetReached => "The budget is reached: no more files are taken; the rest wait in the folder.",
                WatchStopReason.OutputUnavailable => "The output folder cannot be written: the watch stopped before paying for more; the rest wait in the folder.",
                _ => "The service kept failing: the watch stopped; the files not done wait in the folder.",
            });
            WriteError(ErrorRecords.From(summary.StopError, options.Folder));
        }
        WriteVerbose($"{summary.Succeeded} succeeded, {summary.Skipped} skipped, {summary.Failed} failed, {summary.Deferred} deferred; exit code {summary.ExitCode}.");
        // For scheduled tasks and services: `Start-GeminiFolderWatch ...; exit $LASTEXITCODE` gives the process this code.
        SetExitCode(summary.ExitCode);
    }

    /// <summary>Runs on the watcher's thread: only queues.</summary>
    private void OnItem(FolderWatchResult result)
    {
        QueueObject(result);
        if (result.Status is WatchItemStatus.Failed or WatchItemStatus.Deferred)
        {
            var error = result.Exception ?? new WatchItemException(result.ErrorId ?? "GeminiImage.WatchFailed", result.Error ?? "failed");
            QueueError(ErrorRecords.From(error, result.SourcePath));
        }
    }

    private string? Resolve(string? path) => string.IsNullOrWhiteSpace(path) ? null : GetUnresolvedProviderPathFromPSPath(path);

    private static SecureString ReadKeyFile(string path)
    {
        string key;
        try { key = File.ReadAllText(path).Trim(); }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new GeminiNotFoundException("GeminiImage.ApiKeyNotFound", $"The API key file '{path}' does not exist.", ex);
        }
        if (key.Length == 0) throw new GeminiArgumentException("GeminiImage.EmptyApiKeyFile", $"The API key file '{path}' is empty.");
        var secure = new SecureString();
        foreach (var c in key) secure.AppendChar(c);
        secure.MakeReadOnly();
        return secure;
    }
}
