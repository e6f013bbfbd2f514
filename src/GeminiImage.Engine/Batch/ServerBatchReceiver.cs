using GeminiImage.Engine.Api;
using GeminiImage.Engine.Generation;
using GeminiImage.Engine.IO;

namespace GeminiImage.Engine.Batch;

/// <summary>
/// This machine's side of a server batch: the manifest of each submitted job, and receiving a finished one: each
/// row's image saved, priced at the batch rate in the ledger (settling its reservation), journaled so that receiving
/// twice saves and records nothing twice, and the report (previews on request). The HTTP is <see cref="ServerBatchClient"/>'s.
/// </summary>
public sealed class ServerBatchReceiver
{
    private readonly ServerBatchClient _client;

    public ServerBatchReceiver(ServerBatchClient client) => _client = client;

    /// <summary>Submits rows that share one model as one job and saves its manifest (data folder and output folder).</summary>
    /// <param name="reservationIds">The rows' ledger reservations (same order as <paramref name="items"/>), settled when the job is received.</param>
    public async Task<GeminiBatchJob> SubmitAsync(IReadOnlyList<BatchItem> items, string displayName, string outputDirectory, CancellationToken cancellationToken,
        IReadOnlyList<string?>? reservationIds = null)
    {
        var job = await _client.SubmitAsync(items, displayName, cancellationToken).ConfigureAwait(false);
        var manifest = new BatchJobManifest
        {
            Name = job.Name,
            Model = items[0].Model.Id,
            InputMode = job.InputMode ?? "Inline",
            OutputDirectory = outputDirectory,
            Rows = items.Select((item, i) =>
            {
                var row = BatchJobManifest.RowOf(item);
                row.ReservationId = reservationIds != null && i < reservationIds.Count ? reservationIds[i] : null;
                return row;
            }).ToList(),
        };
        manifest.Save(_client.DataFolder);
        return job with { OutputDirectory = outputDirectory };
    }

    /// <summary>
    /// Saves the results of a finished job into <paramref name="manifest"/>'s output folder: one <see cref="BatchRowResult"/>
    /// per manifest row, each to <paramref name="onResult"/> (on a worker thread). Rows without a result (cancelled or
    /// expired jobs) come back as <see cref="BatchRowStatus.NotRun"/>, and their reservations are released. With
    /// <paramref name="thumbnails"/> a small JPEG preview of each image is made for the report (as Invoke-GeminiBatch -Thumbnail);
    /// without, the report's gallery shows the saved images and nothing is decoded.
    /// Throws <see cref="GeminiOperationException"/> (GeminiImage.BatchFolderInUse) when a run holds the folder.
    /// </summary>
    public async Task<BatchOutcome> ReceiveAsync(string name, BatchJobManifest manifest, GenerationService service,
        Action<BatchRowResult> onResult, CancellationToken cancellationToken, bool thumbnails = false)
    {
        var started = DateTime.UtcNow;
        Directory.CreateDirectory(manifest.OutputDirectory);
        var done = BatchJournal.Load(manifest.OutputDirectory);
        var results = new List<BatchRowResult>();
        void Add(BatchRowResult result)
        {
            lock (results) results.Add(result);
            onResult(result);
        }
        var journal = BatchJournal.Open(manifest.OutputDirectory);
        GeminiBatchJob job;
        using (journal)
        {
            var rows = manifest.Rows.ToDictionary(r => r.Id, StringComparer.Ordinal);
            var seen = new HashSet<string>(StringComparer.Ordinal);
            var jobId = manifest.Name.StartsWith("batches/", StringComparison.Ordinal) ? manifest.Name.Substring(8) : manifest.Name;

            void Handle(BatchResultLine line)
            {
                var key = line.Key ?? (line.Index < manifest.Rows.Count ? manifest.Rows[line.Index].Id : null);
                if (key == null || !rows.TryGetValue(key, out var row) || !seen.Add(key)) return;
                // A server job's results are final: a row already received from this job (even a failed one) is not saved
                // or recorded again.
                if (done.TryGetValue(key, out var previous) && (previous.IsComplete || previous.BatchId == jobId))
                {
                    previous.FromJournal = true;
                    Add(previous);
                    return;
                }
                var item = manifest.ToItem(row);
                var result = BatchRowResult.For(item, BatchRowStatus.Succeeded);
                result.BatchId = jobId;
                var request = item.CreateRequest(null);
                try
                {
                    if (line.Response == null)
                    {
                        var failure = BatchLineError(line.Error);
                        service.RecordFailure(request, failure, key, row.ReservationId);
                        throw failure;
                    }
                    var classified = ResponseClassifier.Classify(line.Response);
                    var outcome = service.Complete(request, classified, item.CreatePlan(manifest.OutputDirectory), item.ImagePaths.FirstOrDefault(), key, reservationId: row.ReservationId);
                    result.SetImages(outcome.Images);
                    if (thumbnails && result.Path != null) result.Thumbnail = BatchThumbnails.TryCreate(result.Path, manifest.OutputDirectory, key);
                }
                catch (Exception ex) when (ex is GeminiImageException || ex is IOException || ex is UnauthorizedAccessException)
                {
                    result.Status = ex is GeminiNoImageException ? BatchRowStatus.Blocked : BatchRowStatus.Failed;
                    result.Error = ex.Message;
                    result.ErrorId = (ex as GeminiImageException)?.ErrorId ?? "GeminiImage.IOError";
                    result.Exception = ex;
                    result.Cost ??= 0m;
                }
                result.CompletedUtc = DateTime.UtcNow;
                journal.Append(result);
                Add(result);
            }

            job = await _client.ReadResultsAsync(name, Handle, cancellationToken).ConfigureAwait(false);

            // Rows the job produced nothing for (cancelled, expired or failed jobs): nothing was spent on them.
            var unrun = manifest.Rows.Where(r => !seen.Contains(r.Id)).ToList();
            if (job.Done) service.Release(unrun.Select(r => r.ReservationId));
            foreach (var row in unrun)
            {
                var result = done.TryGetValue(row.Id, out var previous) && previous.IsComplete ? previous : null;
                if (result != null) { result.FromJournal = true; Add(result); continue; }
                result = BatchRowResult.For(manifest.ToItem(row), BatchRowStatus.NotRun);
                result.BatchId = job.Id;
                result.Cost = 0m;
                result.Error = $"The batch job ended as {job.State} without a result for this row" + (job.Error != null ? $" ({job.Error})." : ".");
                result.ErrorId = "GeminiImage.BatchRowNotRun";
                Add(result);
            }
        }
        var summary = BatchSummary.From(results, started, manifest.OutputDirectory, job.Id, "Server");
        var report = BatchReport.TryWrite(summary, results);
        // A job that ended without running its rows is an error a script must see, not just NotRun rows.
        var notRun = results.Count(r => r.Status == BatchRowStatus.NotRun);
        var notCompleted = job.State is "Cancelled" or "Expired" or "Failed" && results.Any(r => r.Status == BatchRowStatus.NotRun && !r.FromJournal)
            ? new GeminiOperationException("GeminiImage.BatchJobNotCompleted", ErrorKind.Stopped,
                $"The batch job {job.Name} ended as {job.State}; {notRun} row(s) were not run and nothing was charged for them.")
            : null;
        return new BatchOutcome(summary, results, report, notCompleted);
    }

    /// <summary>
    /// The rows an earlier run into <paramref name="outputDirectory"/> already covers, with why: received and complete
    /// (in the journal), or in a job that is still pending, running, or succeeded but not yet received. Rows of jobs
    /// that failed, were cancelled or expired are not covered and may be submitted again.
    /// </summary>
    public async Task<IReadOnlyList<CoveredRow>> FindCoveredAsync(IReadOnlyList<BatchItem> items, string outputDirectory, CancellationToken cancellationToken)
    {
        var covered = new List<CoveredRow>();
        if (!Directory.Exists(outputDirectory)) return covered;
        var done = BatchJournal.Load(outputDirectory);
        foreach (var item in items)
            if (done.TryGetValue(item.Id, out var previous) && previous.IsComplete)
                covered.Add(new CoveredRow(item, null, previous));
        var open = new HashSet<string>(items.Select(i => i.Id).Where(id => !covered.Any(c => c.Item.Id == id)), StringComparer.OrdinalIgnoreCase);
        foreach (var file in Directory.EnumerateFiles(outputDirectory, BatchJobManifest.FilePrefix + "*.json"))
        {
            BatchJobManifest? manifest;
            if (SafePaths.IsLink(file)) continue;
            try { manifest = JsonSerializer.Deserialize<BatchJobManifest>(LimitedFile.ReadAllBytes(file, LimitedFile.MaxManifestBytes), GeminiJson.Options); }
            catch (Exception ex) when (ex is JsonException or IOException or GeminiArgumentException) { continue; }
            if (manifest == null || !manifest.Rows.Any(r => open.Contains(r.Id))) continue;
            var id = manifest.Name.StartsWith("batches/", StringComparison.Ordinal) ? manifest.Name.Substring(8) : manifest.Name;
            // Rows already received from this job (even failed ones) are not held by it any more.
            var pending = manifest.Rows.Where(r => open.Contains(r.Id) && !(done.TryGetValue(r.Id, out var d) && d.BatchId == id)).ToList();
            if (pending.Count == 0) continue;
            GeminiBatchJob job;
            try { job = await _client.GetAsync(manifest.Name, cancellationToken).ConfigureAwait(false); }
            catch (GeminiNotFoundException) { continue; } // the job was deleted: it holds nothing (GetAsync turns the 404 into this)
            if (job.State is "Failed" or "Cancelled" or "Expired") continue;
            foreach (var row in pending)
            {
                open.Remove(row.Id);
                covered.Add(new CoveredRow(items.First(i => string.Equals(i.Id, row.Id, StringComparison.OrdinalIgnoreCase)), job, null));
            }
        }
        return covered;
    }

    /// <summary>A failed line's google.rpc.Status as an API exception (HTTP status from the gRPC code where known).</summary>
    private static GeminiApiException BatchLineError(JsonElement? error)
    {
        var message = "The batch returned neither a response nor an error for this row.";
        var code = 500;
        string? status = null;
        if (error is { ValueKind: JsonValueKind.Object } e)
        {
            if (e.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.String) message = m.GetString() ?? message;
            if (e.TryGetProperty("status", out var s) && s.ValueKind == JsonValueKind.String) status = s.GetString();
            if (e.TryGetProperty("code", out var c) && c.ValueKind == JsonValueKind.Number)
                code = c.GetInt32() switch { 3 => 400, 5 => 404, 7 => 403, 8 => 429, 13 => 500, 14 => 503, 4 => 504, var other when other >= 100 => other, _ => 500 };
        }
        return new GeminiApiException(code, status, message);
    }
}
