using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using GeminiImage.Engine.Errors;
using GeminiImage.Engine.Generation;
using GeminiImage.Engine.Imaging;
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
        Log = new WatchLog(string.IsNullOrEmpty(options.LogDirectory) ? Path.Combine(DataFolder.Default, "logs") : options.LogDirectory, m => Warning?.Invoke(m));
    }

    /// <summary>Called (on the watcher's thread) for every file handled.</summary>
    public Action<FolderWatchResult>? ItemCompleted { get; set; }
    public Action<string>? Verbose { get; set; }
    public Action<string>? Warning { get; set; }

    public WatchLog Log { get; }

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
            };
            return RunAsync(service, request, plan, source, token);
        };
    }

    private static async Task<IReadOnlyList<GeminiImageResult>> RunAsync(GenerationService service, ImageRequest request, OutputPlan plan, string source, CancellationToken token) =>
        (await service.RunAsync(request, plan, source, token).ConfigureAwait(false)).Images;

    /// <summary>Runs until cancelled, or until <see cref="FolderWatchOptions.Once"/> / <see cref="FolderWatchOptions.Timeout"/> ends it.</summary>
    public async Task<FolderWatchSummary> RunAsync(CancellationToken cancellationToken)
    {
        _options.Validate();
        var summary = new FolderWatchSummary();
        using var state = WatchState.Open(_options.Folder);
        state.Prune();
        Log.Info($"Watch started{(_options.Once ? " (once)" : "")}: '{_options.Folder}' -> '{_options.OutputDirectory}' (process {Process.GetCurrentProcess().Id})");
        foreach (var pair in state.Claims.Where(c => c.Value.Status == ClaimStatus.InProgress))
            Log.Warn($"{pair.Key}: the previous run stopped while processing it; it is taken again.");

        var clock = Stopwatch.StartNew();
        using var events = _options.Once ? null : StartEvents();
        Scan();
        var lastScan = clock.Elapsed;
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
                    }
                    if (summary.StopError != null) return Finish(summary);
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
            Log.Info($"Watch stopped by the user: {Totals(summary)}.");
            throw;
        }
        return Finish(summary);
    }

    private bool TimedOut(Stopwatch clock) => _options.Timeout is { } timeout && clock.Elapsed >= timeout;

    private FolderWatchSummary Finish(FolderWatchSummary summary)
    {
        var why = summary.StopReason switch
        {
            WatchStopReason.Timeout => "the time limit was reached",
            WatchStopReason.BudgetReached => "the budget was reached; the remaining files wait in the folder",
            WatchStopReason.ServiceFailing => "the service kept failing",
            _ => "done",
        };
        Log.Info($"Watch ended ({why}): {Totals(summary)}; exit code {summary.ExitCode}.");
        return summary;
    }

    private static string Totals(FolderWatchSummary s) => $"{s.Succeeded} succeeded, {s.Skipped} skipped, {s.Failed} failed, {s.Deferred} deferred";

    private static void Count(FolderWatchSummary summary, FolderWatchResult result)
    {
        switch (result.Status)
        {
            case WatchItemStatus.Succeeded: summary.Succeeded++; break;
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
                    if (!Path.GetFileName(sub).StartsWith(".", StringComparison.Ordinal) && !IsExcluded(sub)) folders.Push(sub);
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
        return _options.Recurse ? PathUtil.IsWithin(parent, _options.Folder) : PathUtil.SameFolder(parent, _options.Folder);
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
            if (_stability.Observe(path, info.Length, info.LastWriteTimeUtc, now) && FileStabilityTracker.CanOpenExclusively(path))
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
        var rel = Rel(source);
        var relDir = Path.GetDirectoryName(rel) ?? "";
        var outDir = Path.Combine(_options.OutputDirectory, relDir);
        var stem = Path.GetFileNameWithoutExtension(source) + _options.Suffix;
        var claim = state.Get(rel);
        var clock = Stopwatch.StartNew();
        var result = new FolderWatchResult { SourcePath = source };

        if (claim?.Status == ClaimStatus.Failed)
            return Fail(state, rel, source, result, claim.ErrorId ?? "GeminiImage.WatchFailed", claim.Error ?? "failed in an earlier run", null);

        string? existing, outFile;
        if (claim?.Status == ClaimStatus.Done && File.Exists(claim.OutputPath)) (existing, outFile) = (claim.OutputPath, null);
        else (existing, outFile) = ResolveOutput(outDir, stem, Path.GetFileName(source));
        if (existing != null)
        {
            result.Status = WatchItemStatus.Skipped;
            result.OutputPath = existing;
            result.MovedTo = Move(state, rel, source, Path.Combine(_options.Processed, relDir));
            Log.Skip($"{rel}: its output '{existing}' already exists; not sent again. Source moved to '{result.MovedTo ?? source}'.");
            return result;
        }

        if (claim?.Status == ClaimStatus.InProgress && claim.Attempts >= _options.MaxAttempts)
            return Fail(state, rel, source, result, "GeminiImage.WatchInterrupted",
                $"Runs stopped {claim.Attempts} times while processing this file (the process was killed or crashed); it was moved aside so it does not hold up the folder.", null);

        state.Claim(rel);
        Verbose?.Invoke($"Processing '{source}'.");
        try
        {
            var plan = new OutputPlan { Directory = outDir, OutFile = outFile };
            var images = await _processor(source, plan, cancellationToken).ConfigureAwait(false);
            _circuit.RecordSuccess();
            result.Images = images;
            result.OutputPath = images.FirstOrDefault()?.Path;
            result.Cost = images.Any(i => i.Cost.HasValue) ? images.Sum(i => i.Cost ?? 0m) : null;
            state.Update(rel, ClaimStatus.Done, result.OutputPath);
            result.Status = WatchItemStatus.Succeeded;
            result.Duration = clock.Elapsed;
            result.MovedTo = Move(state, rel, source, Path.Combine(_options.Processed, relDir));
            Log.Ok($"{rel} -> '{result.OutputPath}'" + (result.Cost.HasValue ? $" (${result.Cost.Value:0.000}" : " (cost unknown") + $", {clock.Elapsed.TotalSeconds:0.0} s)");
            return result;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopped by the user, not a crash: the file is simply taken again next time.
            state.Release(rel);
            Log.Info($"{rel}: stopped while processing; it is taken again on the next run.");
            throw;
        }
        catch (BudgetExceededException ex)
        {
            state.Release(rel);
            Log.Warn($"Budget reached, no more files are taken: {ex.Message}");
            summary.StopReason = WatchStopReason.BudgetReached;
            summary.StopError = ex;
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
        catch (Exception ex) when (ex is GeminiImageException or IOException or UnauthorizedAccessException or ArgumentException or InvalidOperationException)
        {
            result.Duration = clock.Elapsed;
            return Fail(state, rel, source, result, (ex as GeminiImageException)?.ErrorId ?? ex.GetType().Name, ex.Message, ex);
        }
    }

    private FolderWatchResult Fail(WatchState state, string rel, string source, FolderWatchResult result, string errorId, string message, Exception? ex)
    {
        state.Update(rel, ClaimStatus.Failed, error: message, errorId: errorId);
        result.Status = WatchItemStatus.Failed;
        result.ErrorId = errorId;
        result.Error = message;
        result.Exception = ex;
        var failedDir = Path.Combine(_options.Failed, Path.GetDirectoryName(rel) ?? "");
        result.MovedTo = Move(state, rel, source, failedDir);
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
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
    }

    /// <summary>Moves the source (numbering the name when taken) and drops its claim; on failure keeps the claim so a later scan retries the move.</summary>
    private string? Move(WatchState state, string rel, string source, string directory)
    {
        try
        {
            Directory.CreateDirectory(directory);
            var target = OutputWriter.UniquePath(directory, Path.GetFileNameWithoutExtension(source), Path.GetExtension(source));
            File.Move(source, target);
            state.Release(rel);
            return target;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            Log.Warn($"{rel}: could not be moved to '{directory}' ({ex.Message}); the move is retried on the next scan.");
            Warning?.Invoke($"'{source}' could not be moved to '{directory}': {ex.Message}");
            return null;
        }
    }

    /// <summary>
    /// The output this source already has (an earlier run saved it: its embedded provenance names the source), or else
    /// the name to save to: stem, stem-2, ... skipping outputs made from other sources (photo.jpg and photo.png).
    /// </summary>
    internal static (string? Existing, string? NewPath) ResolveOutput(string directory, string stem, string sourceName)
    {
        for (var n = 1; ; n++)
        {
            var candidate = n == 1 ? stem : $"{stem}-{n}";
            var found = s_outputExtensions.Select(ext => Path.Combine(directory, candidate + ext)).FirstOrDefault(File.Exists);
            if (found == null) return (null, Path.Combine(directory, candidate + ".png"));
            if (MadeFrom(found, sourceName)) return (found, null);
        }
    }

    private static bool MadeFrom(string output, string sourceName)
    {
        try
        {
            var sources = ProvenanceReader.ReadProvenance(File.ReadAllBytes(output))?.SourceImages;
            return sources != null && sources.Count > 0 && string.Equals(sources[0], sourceName, StringComparison.OrdinalIgnoreCase);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }
}
