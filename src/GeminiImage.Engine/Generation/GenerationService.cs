using System.Diagnostics;
using GeminiImage.Engine.Api;
using GeminiImage.Engine.Cache;
using GeminiImage.Engine.Catalog;
using GeminiImage.Engine.Imaging;
using GeminiImage.Engine.Ledger;
using GeminiImage.Engine.Pricing;

namespace GeminiImage.Engine.Generation;

/// <summary>Who is spending, for the ledger and the budget.</summary>
public sealed class UsageContext
{
    public string Cmdlet { get; set; } = "";
    public UsageOperation Operation { get; set; } = UsageOperation.Generate;
    public bool NoPromptLogging { get; set; }
    /// <summary>Scrubbed from every ledger field, defensively.</summary>
    public string? ApiKey { get; set; }
    public string? BatchId { get; set; }
    /// <summary>The project the spend is charged to (a request's own project wins: a batch column).</summary>
    public string? Project { get; set; }
    /// <summary>Batch prices (50 %).</summary>
    public bool BatchPricing { get; set; }
    /// <summary>Receives warnings (budget threshold, ledger fallback); called from any thread.</summary>
    public Action<string>? Warning { get; set; }
}

/// <summary>A finished call: the classified response and the files saved from it.</summary>
public sealed class GenerationOutcome
{
    public GenerationOutcome(GenerateResult result, IReadOnlyList<GeminiImageResult> images) { Result = result; Images = images; }
    public GenerateResult Result { get; }
    public IReadOnlyList<GeminiImageResult> Images { get; }
    /// <summary>Served from the response cache: nothing was sent and nothing was spent.</summary>
    public bool FromCache { get; set; }

    /// <summary>
    /// Gives the answer's pooled blocks back once its images are saved (the results hold what they need): the next
    /// answers reuse them instead of new ones. Not for an answer whose bytes are read again (a chat's history).
    /// </summary>
    public void ReleaseImages() => Result.ReleaseImages();
}

/// <summary>
/// One paid call with everything around it: budget check before, the request, saving every image,
/// and one ledger record whatever happened (success, block or failure).
/// </summary>
public sealed class GenerationService
{
    /// <summary>
    /// Keeps the blocks answers give back (<see cref="GenerationOutcome.ReleaseImages"/>) for the next answers until
    /// disposed: a command or run with many calls holds them for its life, so that their blocks are not made anew for every image.
    /// </summary>
    public static IDisposable HoldImageBlocks() => Api.ImageBytes.HoldBlocks();

    private readonly GeminiClient _client;
    private readonly UsageContext _usage;
    private readonly GenerationStores _stores;

    /// <summary>A service on the data folder's ledger, prices, budget and cache (GEMINI_IMAGE_HOME or the user's own).</summary>
    public GenerationService(GeminiClient client, UsageContext usage) : this(client, usage, GenerationStores.InDataFolder(null, usage.ApiKey)) { }

    /// <param name="client">Sends the requests.</param>
    /// <param name="usage">Who is spending: cmdlet, operation, batch, prompt logging, where warnings go.</param>
    /// <param name="stores">The ledger, prices, budget, cache and fallback folder.</param>
    public GenerationService(GeminiClient client, UsageContext usage, GenerationStores stores)
    {
        _client = client;
        _usage = usage;
        _stores = stores;
    }

    /// <summary>The ledger in effect (Set-GeminiConfig -Ledger): the per-user SQLite file or a team's PostgreSQL database.</summary>
    public IUsageLedger Ledger => _stores.Ledger;

    /// <summary>
    /// Holds the per-user ledger open until the result is disposed, for a run of several calls (a batch, a command's
    /// pipeline records or -Count): each call's two records then cost a pooled connection and a commit instead of a file
    /// opened, its folder checked and a checkpoint flushed to the disk. Null for a team ledger (it keeps its own pool) and
    /// when the ledger cannot be opened now (each record then opens it, and one that cannot is kept pending as before).
    /// </summary>
    public IDisposable? KeepLedgerOpen(Action<string>? verbose = null)
    {
        if (Ledger is not UsageLedger own) return null;
        try { return own.KeepOpen(); }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            verbose?.Invoke($"The usage ledger could not be opened for the run ({ex.Message}); each record opens it.");
            return null;
        }
    }

    /// <summary>How calls use the response cache; <see cref="CacheMode.Off"/> (the default) never touches it.</summary>
    public CacheMode CacheMode { get; set; }

    /// <summary>The response cache used when <see cref="CacheMode"/> is not Off; default: the stores' cache.</summary>
    public IResponseCache? Cache { get; set; }

    /// <summary>The estimate used by -WhatIf and by the budget, at the prices in force (overrides included); null when unknown.</summary>
    public decimal? Estimate(ImageRequest request)
    {
        // A broken price file makes the estimate unknown here; RunAsync refuses to pay for anything with it.
        try { return Prices.Compute(request.Model.Id, request.EstimateUsage(), _usage.BatchPricing); }
        catch (GeminiOperationException ex) when (ex.ErrorId == PriceOverrideStore.InvalidFileId) { return null; }
    }

    /// <summary>
    /// What <paramref name="count"/> requests (variants 0..count-1) would cost, for -WhatIf: those the response cache
    /// holds are free, and the budget that would refuse the rest is named. Reads only; reserves and sends nothing.
    /// </summary>
    public CostQuote Quote(ImageRequest request, int count = 1)
    {
        var cached = 0;
        if (CacheMode != CacheMode.Off)
        {
            for (var i = 0; i < count; i++)
            {
                try { if (ActiveCache.TryGet(CacheKey.Compute(request, i)) != null) cached++; }
                catch (Exception ex) when (ex is not OutOfMemoryException) { }
            }
        }
        var estimate = Estimate(request) * (count - cached);
        BudgetCheckResult? refusal = null;
        if (estimate > 0m)
        {
            try
            {
                var budget = _stores.Budget;
                if (budget.Daily != null || budget.Monthly != null)
                    refusal = BudgetGuard.Evaluate(budget, budget.Daily == null ? 0m : Ledger.SpendToday(), budget.Monthly == null ? 0m : Ledger.SpendThisMonth(), estimate.Value);
            }
            // A ledger that cannot be read now is reported when the call is really made.
            catch (Exception ex) when (ex is not OutOfMemoryException) { }
        }
        return new CostQuote(estimate, cached, refusal);
    }

    /// <summary>The price table in force; a broken override file fails here, before anything is paid for.</summary>
    private PriceTable Prices
    {
        get
        {
            try { return _stores.Prices; }
            catch (Exception ex) when (ex is not GeminiImageException and not OutOfMemoryException)
            {
                // A price source of the caller's own that fails its own way is reported as the override store's are.
                throw PriceOverrideStore.InvalidFile($"The prices cannot be read: {ex.Message}", ex);
            }
        }
    }

    /// <summary>
    /// Reserves the estimates of requests about to be sent, all or none, before anything is sent; throws
    /// <see cref="BudgetExceededException"/> when they would pass a budget (open reservations of other threads and
    /// processes included). Returns one reservation id per request (null ids when the ledger cannot be written and no
    /// budget is set: the requests then go out unreserved and are recorded afterwards as before).
    /// </summary>
    /// <param name="requests">Each request, its row id, and its estimate when the caller knows better (a server row whose images are not loaded).</param>
    public IReadOnlyList<string?> Reserve(IReadOnlyList<(ImageRequest Request, string? RowId, decimal? Estimate)> requests)
    {
        var settings = _stores.Budget;
        var intents = requests.Select(r => Describe(r.Request, r.RowId, r.Estimate ?? Estimate(r.Request) ?? 0m)).ToList();
        BudgetCheckResult check;
        try
        {
            check = new BudgetGuard(Ledger, settings).Reserve(intents);
        }
        catch (Exception ex) when (ex is not BudgetExceededException and not OutOfMemoryException)
        {
            // A team ledger's budgets live on its server: without it they cannot be checked, so nothing is sent.
            if (ex is LedgerException ledgerError) throw ledgerError.NothingSent();
            if (settings.Daily != null || settings.Monthly != null) throw new LedgerUnavailableException(Ledger.Location, ex);
            _usage.Warning?.Invoke($"The usage ledger could not be written ({ex.Message}); the request is sent without a reservation.");
            return intents.Select(_ => (string?)null).ToList();
        }
        if (check.Status == BudgetStatus.Warning) _usage.Warning?.Invoke(check.Message);
        return intents.Select(i => (string?)i.RecordId).ToList();
    }

    /// <summary>Drops reservations of requests that were never sent (a refused or failed submission).</summary>
    public void Release(IEnumerable<string?> reservationIds)
    {
        try { Ledger.Release(reservationIds.Where(i => i != null).Select(i => i!)); }
        // The reservation then stays visible with its estimate until it expires: never an undercount.
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            _usage.Warning?.Invoke($"The usage ledger could not be written ({ex.Message}); the reservations stay until they expire.");
        }
    }

    /// <param name="cacheVariant">Request i of a "make n images" call: part of the cache key, so n cached calls give n different images.</param>
    public async Task<GenerationOutcome> RunAsync(ImageRequest request, OutputPlan plan, string? sourcePath, CancellationToken cancellationToken, string? rowId = null, int cacheVariant = 0)
    {
        request.Validate();
        // Whatever cannot be saved is refused now, at no cost, rather than paid for and left in the fallback folder.
        plan.CheckBeforeSending(request, sourcePath);
        ModelLifecycle.WarnOnce(request.Model, _usage.Warning);
        _ = Prices;
        string? cacheKey = null;
        if (CacheMode != CacheMode.Off)
        {
            cacheKey = CacheKey.Compute(request, cacheVariant);
            var hit = TryServeFromCache(request, plan, sourcePath, cacheKey, rowId);
            if (hit != null) return hit;
        }
        var reservation = Reserve(new[] { (request, rowId, (decimal?)null) })[0];
        GenerateResult result;
        try
        {
            result = await SendAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopped while the request may be at the server: the reservation stays, "sent, no answer recorded".
            throw;
        }
        catch (Exception ex)
        {
            Record(request, null, Array.Empty<GeminiImageResult>(), ex, rowId, reservation);
            throw;
        }
        return Complete(request, result, plan, sourcePath, rowId, cacheKey, reservation);
    }

    /// <summary>
    /// The part of a paid call after the answer: save every image and write the one ledger record.
    /// Also used for answers that arrive another way (server-side batch results).
    /// </summary>
    /// <param name="reservationId">The reservation this answer settles (from <see cref="Reserve"/>).</param>
    public GenerationOutcome Complete(ImageRequest request, GenerateResult result, OutputPlan plan, string? sourcePath, string? rowId, string? cacheKey = null, string? reservationId = null)
    {
        // Priced once: the files, the ledger line and the cache entry carry the same figures.
        var price = Price(request, result);
        try
        {
            var written = cacheKey != null && (CacheMode is CacheMode.ReadWrite or CacheMode.Shared) ? new List<byte[]>() : null;
            var images = ImageSaver.Save(request, result, plan, sourcePath, price.Search is { } s ? price.Tokens + s : price.Tokens, written, _stores.FallbackDirectory);
            Record(request, result, images, null, rowId, reservationId, price);
            if (written != null) Store(cacheKey!, request, result, images, written, price.Tokens);
            return new GenerationOutcome(result, images);
        }
        catch (Exception ex)
        {
            Record(request, result, Array.Empty<GeminiImageResult>(), ex, rowId, reservationId, price);
            throw;
        }
    }

    /// <summary>Sends the request. Throws <see cref="GeminiNoImageException"/> when no image came back.</summary>
    private async Task<GenerateResult> SendAsync(ImageRequest request, CancellationToken cancellationToken)
    {
        try
        {
            return await _client.GenerateContentAsync(request.Model.Id, request.ToWireRequest(), cancellationToken).ConfigureAwait(false);
        }
        catch (GeminiApiException ex) when (ex.HttpStatus == 404 && request.Model.IsKnown)
        {
            throw ModelRetired(request.Model, ex);
        }
    }

    /// <summary>A 404 for a model the catalog believes live: most likely Google retired it after this catalog was made.</summary>
    internal static GeminiApiException ModelRetired(ModelInfo model, GeminiApiException notFound) =>
        new(notFound.HttpStatus, notFound.ApiStatus,
            $"Google answered 404 Not Found for {model.Id}, which the catalog lists as {model.Status.ToString().ToLowerInvariant()}: the model may have been retired. " +
            "List the models your key can use with Get-GeminiModel -Online, then switch with Set-GeminiConfig -Model <id> " +
            $"(or mark it retired: Set-GeminiModel -Id {model.Id} -Status ShutDown). Google said: {notFound.Message}",
            notFound);

    private IResponseCache ActiveCache => Cache ??= _stores.OpenCache();

    /// <summary>A hit: the cached images written to the requested output (same naming rules, atomic), cost 0, one cache-hit ledger record.</summary>
    private GenerationOutcome? TryServeFromCache(ImageRequest request, OutputPlan plan, string? sourcePath, string key, string? rowId)
    {
        var watch = Stopwatch.StartNew();
        CacheEntry? entry;
        try
        {
            entry = ActiveCache.TryGet(key);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            _usage.Warning?.Invoke($"The response cache could not be read ({ex.Message}); sending the request.");
            return null;
        }
        if (entry == null) return null;

        var result = new GenerateResult
        {
            Images = entry.Images.Select(i => new ReturnedImage(i.Data, i.MimeType)).ToList(),
            Text = entry.Text,
            FinishReason = entry.FinishReason,
            ResponseId = entry.ResponseId,
            ModelVersion = entry.ModelVersion,
            Duration = watch.Elapsed,
        };
        // The bytes exactly as saved the first time (provenance included): the same file again, by the one save path.
        var saved = new List<GeminiImageResult>();
        try
        {
            ImageSaver.Save(request, result, plan, sourcePath, 0m, null, _stores.FallbackDirectory, cached: entry, saved: saved);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            RecordCacheHit(request, entry, saved, ex, rowId);
            throw;
        }
        RecordCacheHit(request, entry, saved, null, rowId);
        return new GenerationOutcome(result, saved) { FromCache = true };
    }

    /// <summary>Keeps a successful response; a failure is a warning, never a failed call (the image is already saved).</summary>
    private void Store(string key, ImageRequest request, GenerateResult result, IReadOnlyList<GeminiImageResult> images, IReadOnlyList<byte[]> written, decimal? cost)
    {
        try
        {
            var entry = new CacheEntry(
                key, DateTime.UtcNow, request.Model.Id, _usage.NoPromptLogging ? null : request.Prompt, request.AspectRatio,
                request.ImageSize, cost, result.Usage.InputTokens, result.Usage.OutputTokens, result.Usage.ThinkingTokens,
                result.FinishReason, result.Text, result.ResponseId, result.ModelVersion,
                images.Select((image, i) => new CachedImage { MimeType = image.MimeType, Width = image.Width, Height = image.Height, Data = written[i] }).ToList());
            ActiveCache.Put(entry);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            _usage.Warning?.Invoke($"The response could not be stored in the cache: {ex.Message}");
        }
    }

    private void RecordCacheHit(ImageRequest request, CacheEntry entry, IReadOnlyList<GeminiImageResult> images, Exception? error, string? rowId) =>
        Append(new UsageRecord
        {
            Cmdlet = _usage.Cmdlet,
            Operation = UsageOperation.CacheHit,
            Model = request.Model.Id,
            ImageCount = images.Count,
            CostUsd = 0m,
            SavedCostUsd = error == null ? entry.CostUsd : null,
            Status = error == null ? UsageStatus.CacheHit : UsageStatus.Failed,
            ErrorId = (error as GeminiImageException)?.ErrorId ?? error?.GetType().Name,
            Tags = request.Tags.ToList(),
            BatchId = _usage.BatchId,
            RowId = rowId,
            OutputPath = OutputPathForLedger(images.FirstOrDefault()?.Path ?? (error as ImageSaveException)?.FallbackPath),
            Prompt = _usage.NoPromptLogging ? null : request.Prompt,
            Project = request.Project ?? _usage.Project,
            MachineName = Environment.MachineName,
            UserName = Environment.UserName,
            ResponseId = entry.ResponseId,
        });

    /// <summary>Records a request that failed without any answer to price (e.g. a failed line of a server batch).</summary>
    public void RecordFailure(ImageRequest request, Exception error, string? rowId, string? reservationId = null) =>
        Record(request, null, Array.Empty<GeminiImageResult>(), error, rowId, reservationId);

    /// <summary>What an answer costs: its tokens, and its grounding queries (their own ledger line; null without any).</summary>
    private (decimal? Tokens, decimal? Search) Price(ImageRequest request, GenerateResult result)
    {
        var queries = result.Grounding?.SearchQueries.Count ?? 0;
        return (Prices.Compute(request.Model.Id, result.Usage, _usage.BatchPricing), queries == 0 ? null : Prices.ComputeSearch(request.Model.Id, queries));
    }

    // An image kept in memory (-AsBytes) has no path.
    private string? OutputPathForLedger(string? path) =>
        string.IsNullOrEmpty(path) ? null : !_usage.NoPromptLogging ? path : System.IO.Path.GetDirectoryName(path);

    /// <summary>
    /// Keeps an in-memory image (-AsBytes) that could not be handed over (the command was stopped first) in the
    /// fallback folder, so a paid image is never lost; sets its <see cref="GeminiImageResult.Path"/>. Null when even that failed.
    /// </summary>
    public string? KeepUndelivered(GeminiImageResult image)
    {
        if (image.Bytes == null || image.Path.Length > 0) return image.Path;
        var kept = KeepInFallback(image.Bytes, "undelivered-", image.CreatedUtc, image.MimeType);
        if (kept != null) image.Path = kept;
        return kept;
    }

    /// <summary>
    /// Keeps an image that was handed over only in memory (an -AsBytes result piped into an edit) in the fallback
    /// folder, when its edit was refused, failed or was stopped: it exists nowhere else. Its path; null when even that failed.
    /// </summary>
    public string? KeepUnedited(byte[] bytes) => KeepInFallback(bytes, "unedited-", DateTime.UtcNow,
        SixLabors.ImageSharp.Image.DetectFormat(bytes)?.DefaultMimeType ?? HeifSniffer.DetectMimeType(bytes) ?? "image/png");

    private string? KeepInFallback(byte[] bytes, string prefix, DateTime createdUtc, string mimeType) => OutputWriter.SaveToFallback(
        stream => stream.Write(bytes, 0, bytes.Length),
        prefix + createdUtc.ToString("yyyyMMdd-HHmmss", System.Globalization.CultureInfo.InvariantCulture) + OutputWriter.ExtensionFor(mimeType),
        _stores.FallbackDirectory);

    /// <summary>The ledger record of a request; before it is sent, its reservation at the estimate.</summary>
    private UsageRecord Describe(ImageRequest request, string? rowId, decimal? cost) => new()
    {
        Cmdlet = _usage.Cmdlet,
        Operation = _usage.Operation,
        Model = request.Model.Id,
        CostUsd = cost,
        Status = UsageStatus.Pending,
        Tags = request.Tags.ToList(),
        BatchId = _usage.BatchId,
        RowId = rowId,
        Prompt = _usage.NoPromptLogging ? null : request.Prompt,
        Project = request.Project ?? _usage.Project,
    };

    private void Record(ImageRequest request, GenerateResult? result, IReadOnlyList<GeminiImageResult> images, Exception? error, string? rowId, string? reservationId,
        (decimal? Tokens, decimal? Search)? price = null)
    {
        var usage = result?.Usage ?? new TokenUsage();
        var priced = result == null ? (0m, null) : price ?? Price(request, result);
        var record = Describe(request, rowId, priced.Tokens);
        record.InputTokens = usage.InputTokens;
        record.TextOutputTokens = usage.TextOutputTokens;
        record.ImageOutputTokens = usage.ImageOutputTokens;
        record.ThinkingTokens = usage.ThinkingTokens;
        record.ImageCount = images.Count;
        record.Status = error == null ? UsageStatus.Success : error is GeminiNoImageException ? UsageStatus.Blocked : UsageStatus.Failed;
        record.ErrorId = (error as GeminiImageException)?.ErrorId ?? error?.GetType().Name;
        // File names are made from the prompt: with prompt logging off only the folder is kept.
        record.OutputPath = OutputPathForLedger(images.FirstOrDefault()?.Path ?? (error as ImageSaveException)?.FallbackPath);
        record.ResponseId = result?.ResponseId;
        record.Endpoint = result?.Endpoint ?? error?.Data[GeminiClient.EndpointKey] as string;
        if (reservationId != null) record.RecordId = reservationId;
        Append(record);
        // Search queries are billed whatever became of the image: their own line, same response.
        if (result?.Grounding is { SearchQueries.Count: > 0 } grounding)
            Append(new UsageRecord
            {
                Cmdlet = record.Cmdlet,
                Operation = UsageOperation.Search,
                Model = record.Model,
                CostUsd = priced.Search,
                Status = UsageStatus.Success,
                Tags = record.Tags,
                BatchId = record.BatchId,
                RowId = rowId,
                Project = record.Project,
                Prompt = _usage.NoPromptLogging ? null : $"{grounding.SearchQueries.Count} Google Search quer{(grounding.SearchQueries.Count == 1 ? "y" : "ies")}: {string.Join(" | ", grounding.SearchQueries)}",
                MachineName = record.MachineName,
                UserName = record.UserName,
                ResponseId = record.ResponseId,
            });
    }

    private void Append(UsageRecord record)
    {
        var appended = Ledger.Append(record);
        if (!appended.Stored)
            _usage.Warning?.Invoke($"The usage ledger could not be written ({appended.Error?.Message}); the record was kept in '{appended.PendingPath}' and will be added on the next successful write.");
    }
}
