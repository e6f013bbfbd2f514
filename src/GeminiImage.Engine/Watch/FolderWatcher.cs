using System.Collections.Concurrent;
using System.Diagnostics;
using GeminiImage.Engine.Generation;
using GeminiImage.Engine.Imaging;
using GeminiImage.Engine.IO;
using GeminiImage.Engine.Ledger;
using GeminiImage.Engine.Resilience;

namespace GeminiImage.Engine.Watch;

/// <summary>Does the paid work for one file: reads <paramref name="sourcePath"/>, and saves the result as <paramref name="plan"/> says.</summary>
public delegate Task<IReadOnlyList<GeminiImageResult>> WatchProcessor(string sourcePath, OutputPlan plan, CancellationToken cancellationToken);

/// <summary>
/// Processes a drop folder unattended: what is there at the start, then each new arrival (file-system events,
/// plus a periodic rescan for the events that get lost). A file is taken once it is completely written, claimed in
/// the folder's <see cref="WatchState"/> before anything is spent, and moved to the processed or failed folder after.
/// Files are handled one at a time, so stopping never leaves more than one request in flight.
/// </summary>
public sealed class FolderWatcher
{
    private static readonly string[] s_outputExtensions = { ".png", ".jpg", ".jpeg", ".webp", ".gif", ".heic", ".heif" };

    private readonly FolderWatchOptions _options;
    private readonly WatchProcessor _processor;
    private readonly FailureCircuit _circuit;
    private readonly FileNameFilter _filter;
    private readonly FileStabilityTracker _stability;
    private readonly ConcurrentDictionary<string, DateTime> _candidates = new(StringComparer.Ordinal);
    private readonly Dictionary<string, DateTime> _retryAfter = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _signal = new(0);
    private readonly string[] _excludedFolders;
    private readonly ConcurrentDictionary<string, byte> _reportedLinks = new(StringComparer.Ordinal);
    private volatile bool _rescanRequested;

    public FolderWatcher(FolderWatchOptions options, WatchProcessor processor, FailureCircuit? circuit = null)
    {
        _options = options;
        _processor = processor;
        _circuit = circuit ?? new FailureCircuit();
        _filter = new FileNameFilter(options.Filters.Count > 0 ? options.Filters : FolderWatchOptions.DefaultFilters);
        _stability = new FileStabilityTracker(options.StableFor);
        _excludedFolders = new[] { options.Processed, options.Failed, options.OutputDirectory, options.LogDirectory }
            .Where(d => !string.IsNullOrEmpty(d)).Select(PathUtil.Normalize).ToArray();
        Log = new WatchLog(string.IsNullOrEmpty(options.LogDirectory) ? Path.Combine(DataFolder.Default, "logs") : options.LogDirectory, options.Folder, m => Warning?.Invoke(m));
    }

    /// <summary>Called (on the watcher's thread) for every file handled.</summary>
    public Action<FolderWatchResult>? ItemCompleted { get; set; }
    public Action<string>? Verbose { get; set; }
    public Action<string>? Warning { get; set; }

    public WatchLog Log { get; }

    /// <summary>Why a cancellation stops the watch, for the log ("by the user", "by SIGTERM").</summary>
    public string StopCause { get; set; } = "by the user";

    /// <summary>A warning from the paid work (budget near, image downscaled): logged and passed on to <see cref="Warning"/>.</summary>
    public void Warn(string message)
    {
        Log.Warn(message);
        Warning?.Invoke(message);
    }

    /// <summary>The usual processor: load the image through <see cref="InputImageLoader"/> (checks before spending), then one paid edit.</summary>
    public static WatchProcessor EditWith(GenerationService service, ImageRequest template, Action<string>? warning = null)
    {
        var loader = new InputImageLoader();
        return (source, plan, token) =>
        {
            var prepared = loader.Prepare(source);
            foreach (var w in prepared.Warnings) warning?.Invoke($"{Path.GetFileName(source)}: {w}");
            var request = new ImageRequest
            {
                Prompt = template.Prompt,
                Model = template.Model,
                AspectRatio = template.AspectRatio,
                ImageSize = template.ImageSize,
                InputImages = new[] { new InputImage(prepared.Data, prepared.MimeType, source) }.Concat(template.InputImages).ToList(),
                Tags = template.Tags,
                Options = template.Options,
            };
            return RunAsync(service, request, plan, source, token);
        };
    }

    private static async Task<IReadOnlyList<GeminiImageResult>> RunAsync(GenerationService service, ImageRequest request, OutputPlan plan, string source, CancellationToken token) =>
        (await service.RunAsync(request, plan, source, token).ConfigureAwait(false)).Images;

    /// <summary>
    /// Runs until cancelled, or until <see cref="FolderWatchOptions.Once"/> / <see cref="FolderWatchOptions.Timeout"/> ends it.
    /// A continuous watch rides out outages and budget stops: it pauses (with growing pauses) and resumes, unless
    /// <see cref="FolderWatchOptions.StopOnError"/>. A broken output folder always stops it, before anything is paid for.
    /// </summary>
    public async Task<FolderWatchSummary> RunAsync(CancellationToken cancellationToken)
    {
        var summary = new FolderWatchSummary { StartedUtc = DateTime.UtcNow };
        WatchState state;
        try
        {
            _options.Validate();
            state = WatchState.Open(_options.Folder);
        }
        catch (Exception ex) when (ex is GeminiImageException or IOException or UnauthorizedAccessException or ArgumentException)
        {
            Log.Fail($"Refused to start: {ex.Message}");
            throw;
        }
        using var stateScope = state;
        state.Prune();
        Log.Info($"Watch started{(_options.Once ? " (once)" : "")}: '{_options.Folder}' -> '{_options.OutputDirectory}' (process {Process.GetCurrentProcess().Id})");
        foreach (var pair in state.Claims.Where(c => c.Value.Status == ClaimStatus.InProgress))
            Log.Warn($"{pair.Key}: the previous run stopped while processing it; it is taken again.");

        var clock = Stopwatch.StartNew();
        using var events = _options.Once ? null : StartEvents();
        Scan();
        var lastScan = clock.Elapsed;
        var pause = _options.RescanInterval;
        try
        {
            while (true)
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (TimedOut(clock)) { summary.StopReason = WatchStopReason.Timeout; break; }
                if (!_options.Once && (_rescanRequested || clock.Elapsed - lastScan >= _options.RescanInterval))
                {
                    Scan();
                    lastScan = clock.Elapsed;
                }
                foreach (var path in ReadyFiles())
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    if (TimedOut(clock)) break;
                    var result = await ProcessAsync(state, path, summary, cancellationToken).ConfigureAwait(false);
                    if (result != null)
                    {
                        Count(summary, result);
                        ItemCompleted?.Invoke(result);
                        if (result.Status == WatchItemStatus.Succeeded) pause = _options.RescanInterval;
                    }
                    if (summary.StopError == null) continue;
                    if (!CanPause(summary)) return Finish(summary);
                    pause = await PauseAsync(summary, pause, clock, cancellationToken).ConfigureAwait(false);
                    break;
                }
                if (_options.Once && (_candidates.IsEmpty || clock.Elapsed >= _options.OnceSettleTime))
                {
                    foreach (var left in _candidates.Keys) Log.Warn($"{Rel(left)}: still being written; left for the next run.");
                    summary.StopReason = WatchStopReason.Completed;
                    break;
                }
                await _signal.WaitAsync(_options.PollInterval, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            summary.StopReason = WatchStopReason.Stopped;
            Log.Info($"Watch stopped {StopCause}: {Totals(summary)}.");
            WriteRunSummary(summary);
            throw;
        }
        return Finish(summary);
    }

    /// <summary>A continuous watch pauses on outages and budget stops (not on a broken output folder) unless told to stop.</summary>
    private bool CanPause(FolderWatchSummary summary) =>
        !_options.Once && !_options.StopOnError && summary.StopReason is WatchStopReason.BudgetReached or WatchStopReason.ServiceFailing;

    /// <summary>Waits, then lets the watch try again; returns the next, longer pause.</summary>
    private async Task<TimeSpan> PauseAsync(FolderWatchSummary summary, TimeSpan pause, Stopwatch clock, CancellationToken cancellationToken)
    {
        if (_options.Timeout is { } timeout && clock.Elapsed + pause > timeout) pause = timeout - clock.Elapsed;
        if (pause < TimeSpan.Zero) pause = TimeSpan.Zero;
        summary.Pauses++;
        Log.Warn($"Pausing {pause.TotalSeconds:0} s ({summary.StopError!.Message}); the watch then tries again by itself (-StopOnError stops instead).");
        summary.StopError = null;
        summary.StopReason = WatchStopReason.Completed;
        await Task.Delay(pause, cancellationToken).ConfigureAwait(false);
        _circuit.RecordSuccess();
        _retryAfter.Clear();
        _rescanRequested = true;
        Log.Info("Resuming after the pause.");
        var next = TimeSpan.FromTicks(pause.Ticks * 2);
        return next > _options.MaxPause ? _options.MaxPause : next < _options.RescanInterval ? _options.RescanInterval : next;
    }

    private bool TimedOut(Stopwatch clock) => _options.Timeout is { } timeout && clock.Elapsed >= timeout;

    private FolderWatchSummary Finish(FolderWatchSummary summary)
    {
        var why = summary.StopReason switch
        {
            WatchStopReason.Timeout => "the time limit was reached",
            WatchStopReason.BudgetReached => "the budget was reached; the remaining files wait in the folder",
            WatchStopReason.ServiceFailing => "the service kept failing",
            WatchStopReason.OutputUnavailable => "the output folder cannot be written; the remaining files wait in the folder",
            _ => "done",
        };
        Log.Info($"Watch ended ({why}): {Totals(summary)}; exit code {summary.ExitCode}.");
        WriteRunSummary(summary);
        return summary;
    }

    /// <summary>The one JSON line per run that monitoring reads.</summary>
    private void WriteRunSummary(FolderWatchSummary summary)
    {
        var line = System.Text.Json.JsonSerializer.Serialize(new
        {
            time = DateTimeOffset.Now.ToString("yyyy-MM-dd'T'HH:mm:sszzz", System.Globalization.CultureInfo.InvariantCulture),
            folder = _options.Folder,
            mode = _options.Once ? "once" : "continuous",
            stopReason = summary.StopReason.ToString(),
            exitCode = summary.ExitCode,
            succeeded = summary.Succeeded,
            skipped = summary.Skipped,
            failed = summary.Failed,
            deferred = summary.Deferred,
            pauses = summary.Pauses,
            cost = summary.Cost,
            seconds = Math.Round((DateTime.UtcNow - summary.StartedUtc).TotalSeconds, 1),
            processId = Process.GetCurrentProcess().Id,
        });
        Log.Summary(line);
    }

    private static string Totals(FolderWatchSummary s) => $"{s.Succeeded} succeeded, {s.Skipped} skipped, {s.Failed} failed, {s.Deferred} deferred";

    private static void Count(FolderWatchSummary summary, FolderWatchResult result)
    {
        switch (result.Status)
        {
            case WatchItemStatus.Succeeded: summary.Succeeded++; summary.Cost += result.Cost ?? 0m; break;
            case WatchItemStatus.Skipped: summary.Skipped++; break;
            case WatchItemStatus.Failed: summary.Failed++; break;
            case WatchItemStatus.Deferred: summary.Deferred++; break;
        }
    }

    private string Rel(string fullPath) => PathUtil.Relative(_options.Folder, fullPath);

    // ---- discovery ------------------------------------------------------------------------------

    private FileSystemWatcher StartEvents()
    {
        var watcher = new FileSystemWatcher(_options.Folder)
        {
            IncludeSubdirectories = _options.Recurse,
            NotifyFilter = NotifyFilters.FileName | NotifyFilters.Size | NotifyFilters.LastWrite,
            InternalBufferSize = 64 * 1024,
        };
        // Event handlers only note the path and wake the loop; all work happens on the loop.
        FileSystemEventHandler changed = (_, e) => Offer(e.FullPath);
        watcher.Created += changed;
        watcher.Changed += changed;
        watcher.Renamed += (_, e) => Offer(e.FullPath);
        watcher.Error += (_, e) =>
        {
            Verbose?.Invoke($"File-system events were lost ({e.GetException().Message}); rescanning.");
            _rescanRequested = true;
            _signal.Release();
        };
        watcher.EnableRaisingEvents = true;
        return watcher;
    }

    private void Offer(string path)
    {
        if (!IsCandidate(path)) return;
        if (_candidates.TryAdd(path, DateTime.UtcNow)) _signal.Release();
    }

    /// <summary>The files a run would take now (for -WhatIf), in name order.</summary>
    public IReadOnlyList<string> ListCandidates()
    {
        Scan();
        return _candidates.Keys.OrderBy(p => p, StringComparer.Ordinal).ToList();
    }

    /// <summary>Lists the folder (and subfolders with Recurse, skipping our own folders) for files to take.</summary>
    internal void Scan()
    {
        _rescanRequested = false;
        var folders = new Stack<string>();
        folders.Push(_options.Folder);
        while (folders.Count > 0)
        {
            var folder = folders.Pop();
            try
            {
                foreach (var file in Directory.EnumerateFiles(folder))
                    if (IsCandidate(file)) _candidates.TryAdd(file, DateTime.UtcNow);
                if (!_options.Recurse) continue;
                foreach (var sub in Directory.EnumerateDirectories(folder))
                    if (!Path.GetFileName(sub).StartsWith(".", StringComparison.Ordinal) && !IsExcluded(sub) && !IsLinkReported(sub)) folders.Push(sub);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                Verbose?.Invoke($"Cannot list '{folder}': {ex.Message}");
            }
        }
    }

    private bool IsExcluded(string path) => _excludedFolders.Any(d => PathUtil.IsWithin(path, d));

    internal bool IsCandidate(string path)
    {
        var name = Path.GetFileName(path);
        if (name.StartsWith(".", StringComparison.Ordinal) || name.EndsWith(".error.txt", StringComparison.OrdinalIgnoreCase)) return false;
        if (!_filter.IsMatch(name) || IsExcluded(path)) return false;
        var parent = Path.GetDirectoryName(path)!;
        var within = _options.Recurse ? PathUtil.IsWithin(parent, _options.Folder) : PathUtil.SameFolder(parent, _options.Folder);
        return within && !IsLinkReported(path);
    }

    /// <summary>
    /// True when <paramref name="path"/> is, or lies under, a link inside the watched folder: such files are never read or
    /// moved (they may belong to someone else). Each one is reported once, as GeminiImage.UnsafePath.
    /// </summary>
    private bool IsLinkReported(string path)
    {
        try
        {
            SafePaths.Inside(_options.Folder, path);
            return false;
        }
        catch (UnsafePathException ex)
        {
            if (_reportedLinks.TryAdd(ex.Path, 0))
            {
                Log.Warn($"{UnsafePathException.Id}: {ex.Message}");
                Warning?.Invoke($"{UnsafePathException.Id}: {ex.Message}");
            }
            return true;
        }
    }

    /// <summary>The candidates that are completely written, in name order; forgets the ones that went away.</summary>
    private List<string> ReadyFiles()
    {
        var now = DateTime.UtcNow;
        var ready = new List<string>();
        foreach (var path in _candidates.Keys.OrderBy(p => p, StringComparer.Ordinal))
        {
            var info = new FileInfo(path);
            if (!info.Exists)
            {
                Forget(path);
                continue;
            }
            if (_retryAfter.TryGetValue(path, out var after) && now < after) continue;
            if (!_stability.Observe(path, info.Length, info.LastWriteTimeUtc, now)) continue;
            // Still open for writing (a camera, a copy in progress): not finished, whatever the size says.
            if (FileStabilityTracker.IsOpenForWriting(path) || !FileStabilityTracker.CanOpenExclusively(path))
            {
                _stability.Forget(path);
                continue;
            }
            ready.Add(path);
        }
        return ready;
    }

    private void Forget(string path)
    {
        _candidates.TryRemove(path, out _);
        _stability.Forget(path);
    }

    // ---- one file -------------------------------------------------------------------------------

    private async Task<FolderWatchResult?> ProcessAsync(WatchState state, string source, FolderWatchSummary summary, CancellationToken cancellationToken)
    {
        Forget(source);
        // Checked again at the moment of use: a file can be swapped for a link after it was listed.
        if (IsLinkReported(source)) return null;
        var rel = Rel(source);
        var relDir = Path.GetDirectoryName(rel) ?? "";
        var outDir = Path.Combine(_options.OutputDirectory, relDir);
        var stem = Path.GetFileNameWithoutExtension(source) + _options.Suffix;
        var claim = state.Get(rel);
        var clock = Stopwatch.StartNew();
        var result = new FolderWatchResult { SourcePath = source };
        var taken = new FileInfo(source);
        var (takenSize, takenTime) = (taken.Length, taken.LastWriteTimeUtc);

        if (claim?.Status == ClaimStatus.Failed)
            return Fail(state, rel, source, result, claim.ErrorId ?? "GeminiImage.WatchFailed", claim.Error ?? "failed in an earlier run", null);

        string hash;
        try { hash = HashOf(source); }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Gone or locked meanwhile: look again on a later pass.
            if (File.Exists(source)) Offer(source);
            return null;
        }
        // This name with the same content as a file edited before (its output still exists), or a claim of this very content whose output
        // was saved by a run that stopped before the move: not paid for again. Same name, other content: a new file.
        var existing = state.ProcessedOutput(rel, hash)
            ?? (claim != null && claim.Hash == hash && claim.OutputPath != null && File.Exists(claim.OutputPath) ? claim.OutputPath : null)
            ?? (claim?.Status == ClaimStatus.Done && claim.Hash == null && File.Exists(claim.OutputPath) ? claim.OutputPath : null);
        if (existing != null)
        {
            result.Status = WatchItemStatus.Skipped;
            result.OutputPath = existing;
            result.MovedTo = Move(state, rel, source, _options.Processed, relDir);
            Log.Skip($"{rel}: the same content was already edited into '{existing}'; not sent again. Source moved to '{result.MovedTo ?? source}'.");
            return result;
        }

        if (claim?.Status == ClaimStatus.InProgress && claim.Attempts >= _options.MaxAttempts)
            return Fail(state, rel, source, result, "GeminiImage.WatchInterrupted",
                $"Runs stopped {claim.Attempts} times while processing this file (the process was killed or crashed); it was moved aside so it does not hold up the folder.", null);

        // Nothing is paid for while the output folder cannot take the result.
        if (OutputFolder.Problem(outDir) is { } problem)
        {
            summary.StopReason = WatchStopReason.OutputUnavailable;
            summary.StopError = new WatchOutputUnavailableException(outDir, problem);
            Log.Fail($"{rel}: not sent: {summary.StopError.Message}");
            return null;
        }

        var outFile = FreeOutputPath(outDir, stem);
        state.Claim(rel, hash, outFile);
        Verbose?.Invoke($"Processing '{source}'.");
        try
        {
            var plan = new OutputPlan { Directory = outDir, OutFile = outFile, Root = _options.OutputDirectory };
            var images = await _processor(source, plan, cancellationToken).ConfigureAwait(false);
            _circuit.RecordSuccess();
            result.Images = images;
            result.OutputPath = images.FirstOrDefault()?.Path;
            result.Cost = images.Any(i => i.Cost.HasValue) ? images.Sum(i => i.Cost ?? 0m) : null;
            state.Update(rel, ClaimStatus.Done, result.OutputPath);
            if (result.OutputPath != null) state.RememberProcessed(rel, hash, result.OutputPath);
            result.Status = WatchItemStatus.Succeeded;
            result.Duration = clock.Elapsed;
            result.MovedTo = Move(state, rel, source, _options.Processed, relDir);
            Log.Ok($"{rel} -> '{result.OutputPath}'" + (result.Cost.HasValue ? $" (${result.Cost.Value:0.000}" : " (cost unknown") + $", {clock.Elapsed.TotalSeconds:0.0} s)");
            return result;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopped, not a crash: the file is simply taken again next time.
            state.Release(rel);
            Log.Info($"{rel}: stopped while processing; it is taken again on the next run.");
            throw;
        }
        catch (BudgetExceededException ex)
        {
            state.Release(rel);
            Log.Warn($"Budget reached, no more files are taken for now: {ex.Message}");
            summary.StopReason = WatchStopReason.BudgetReached;
            summary.StopError = ex;
            return null;
        }
        catch (GeminiApiException ex) when (ex.HttpStatus == 429 && !ex.IsDailyQuota && !_options.Once)
        {
            // The per-minute quota (perhaps shared with another program): pace, do not count it as the service failing.
            state.Release(rel);
            _retryAfter[source] = DateTime.UtcNow + (ex.RetryDelay ?? TimeSpan.FromSeconds(10));
            _candidates.TryAdd(source, DateTime.UtcNow);
            Log.Warn($"{rel}: the per-minute quota is used up; tried again after {(_retryAfter[source] - DateTime.UtcNow).TotalSeconds:0} s.");
            return null;
        }
        catch (Exception ex) when (FailureCircuit.IsServiceFailure(ex))
        {
            // Not the file's fault: leave it where it is and try again later.
            state.Release(rel);
            _retryAfter[source] = DateTime.UtcNow + _options.RescanInterval;
            if (!_options.Once) _candidates.TryAdd(source, DateTime.UtcNow);
            var id = (ex as GeminiImageException)?.ErrorId ?? ex.GetType().Name;
            Log.Warn($"{rel}: the service failed ({id}: {ex.Message}); left in place for a later attempt.");
            result.Status = WatchItemStatus.Deferred;
            result.ErrorId = id;
            result.Error = ex.Message;
            result.Exception = ex;
            result.Duration = clock.Elapsed;
            if (_circuit.RecordFailure(ex))
            {
                summary.StopReason = WatchStopReason.ServiceFailing;
                summary.StopError = new CircuitOpenException(_circuit.Threshold, ex);
                Log.Fail(summary.StopError.Message);
            }
            return result;
        }
        catch (ImageFileException ex) when (StillChanging(source, takenSize, takenTime))
        {
            // Looked empty or cut off because it is still being written: nothing was sent; look again later.
            state.Release(rel);
            Offer(source);
            Log.Info($"{rel}: still being written ({ex.ErrorId}); taken when it is complete.");
            return null;
        }
        catch (ImageSaveException ex)
        {
            // Paid for, but the output folder broke: the image is in the fallback folder, and the watch stops so that
            // no further file is paid for.
            result.Duration = clock.Elapsed;
            summary.StopReason = WatchStopReason.OutputUnavailable;
            summary.StopError = new WatchOutputUnavailableException(outDir, ex.Message);
            Log.Fail($"{rel}: the edit was paid for, but the image could not be saved to '{outDir}'; it was kept at '{ex.FallbackPath}'. The watch stops so that nothing more is paid for.");
            return Fail(state, rel, source, result, ex.ErrorId, ex.Message, ex);
        }
        catch (Exception ex) when (ex is GeminiImageException or IOException or UnauthorizedAccessException or ArgumentException or InvalidOperationException)
        {
            result.Duration = clock.Elapsed;
            return Fail(state, rel, source, result, (ex as GeminiImageException)?.ErrorId ?? ex.GetType().Name, ex.Message, ex);
        }
    }

    /// <summary>Whether the file changed since it was taken, or a program still writes it.</summary>
    private static bool StillChanging(string path, long size, DateTime lastWriteUtc)
    {
        var info = new FileInfo(path);
        return !info.Exists || info.Length != size || info.LastWriteTimeUtc != lastWriteUtc || FileStabilityTracker.IsOpenForWriting(path);
    }

    private static string HashOf(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        using var sha = System.Security.Cryptography.SHA256.Create();
        return BitConverter.ToString(sha.ComputeHash(stream)).Replace("-", "").ToLowerInvariant();
    }

    private FolderWatchResult Fail(WatchState state, string rel, string source, FolderWatchResult result, string errorId, string message, Exception? ex)
    {
        state.Update(rel, ClaimStatus.Failed, error: message, errorId: errorId);
        result.Status = WatchItemStatus.Failed;
        result.ErrorId = errorId;
        result.Error = message;
        result.Exception = ex;
        result.MovedTo = Move(state, rel, source, _options.Failed, Path.GetDirectoryName(rel) ?? "");
        if (result.MovedTo != null) WriteErrorText(result.MovedTo + ".error.txt", source, errorId, message, (ex as GeminiImageException)?.RecommendedAction);
        Log.Fail($"{rel}: {errorId}: {message}" + (result.MovedTo != null ? $" Moved to '{result.MovedTo}'." : ""));
        return result;
    }

    private static void WriteErrorText(string path, string source, string errorId, string message, string? action)
    {
        var text = new StringBuilder()
            .AppendLine($"File:     {source}")
            .AppendLine($"Failed:   {DateTime.Now:yyyy-MM-dd HH:mm:ss}")
            .AppendLine($"Error id: {errorId}")
            .AppendLine($"Error:    {message}");
        if (action != null) text.AppendLine($"What to do: {action}");
        text.AppendLine("To try again, fix the file and move it back into the watched folder.");
        try { OutputWriter.WriteAtomic(new UTF8Encoding(false).GetBytes(text.ToString()), path, force: true); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or UnsafePathException) { }
    }

    /// <summary>Moves the source (numbering the name when taken) and drops its claim; on failure keeps the claim so a later scan retries the move.</summary>
    private string? Move(WatchState state, string rel, string source, string root, string relativeDirectory)
    {
        var directory = Path.Combine(root, relativeDirectory);
        try
        {
            // Never into (or through) a link planted in the processed or failed folder.
            directory = SafePaths.CreateFolder(root, relativeDirectory);
            var target = OutputWriter.UniquePath(directory, Path.GetFileNameWithoutExtension(source), Path.GetExtension(source));
            File.Move(source, target);
            state.Release(rel);
            return target;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or UnsafePathException)
        {
            Log.Warn($"{rel}: could not be moved to '{directory}' ({ex.Message}); the move is retried on the next scan.");
            Warning?.Invoke($"'{source}' could not be moved to '{directory}': {ex.Message}");
            return null;
        }
    }

    /// <summary>The name to save to: stem, stem-2, ... the first that no output (of any image type) has yet.</summary>
    internal static string FreeOutputPath(string directory, string stem)
    {
        for (var n = 1; ; n++)
        {
            var candidate = n == 1 ? stem : $"{stem}-{n}";
            if (!s_outputExtensions.Any(ext => File.Exists(Path.Combine(directory, candidate + ext)))) return Path.Combine(directory, candidate + ".png");
        }
    }
}
