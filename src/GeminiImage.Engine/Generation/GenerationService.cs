using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using GeminiImage.Engine.Api;
using GeminiImage.Engine.Errors;
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
}

/// <summary>
/// One paid call with everything around it: budget check before, the request, saving every image,
/// and one ledger record whatever happened (success, block or failure).
/// </summary>
public sealed class GenerationService
{
    private readonly ImageGenerator _generator;
    private readonly UsageContext _usage;
    private readonly Lazy<UsageLedger> _ledger;
    private readonly Lazy<PriceTable> _prices = new(() => PriceTable.Load());

    public GenerationService(GeminiClient client, UsageContext usage)
    {
        _generator = new ImageGenerator(client);
        _usage = usage;
        _ledger = new Lazy<UsageLedger>(() => new UsageLedger(new UsageLedgerOptions { Secrets = new[] { usage.ApiKey } }));
    }

    public UsageLedger Ledger => _ledger.Value;

    /// <summary>The estimate used by -WhatIf and by the budget, at the prices in force.</summary>
    public decimal? Estimate(ImageRequest request)
    {
        var estimate = ImageGenerator.Estimate(request);
        return estimate.HasValue && _usage.BatchPricing ? estimate * CostCalculator.BatchDiscount : estimate;
    }

    /// <summary>Throws <see cref="BudgetExceededException"/> before spending when a budget would be passed.</summary>
    public void EnsureWithinBudget(ImageRequest request)
    {
        var settings = BudgetSettings.Load(null);
        if (settings.Daily == null && settings.Monthly == null) return;
        var check = new BudgetGuard(Ledger, settings).EnsureWithinBudget(Estimate(request) ?? 0m);
        if (check.Status == BudgetStatus.Warning) _usage.Warning?.Invoke(check.Message);
    }

    public async Task<GenerationOutcome> RunAsync(ImageRequest request, OutputPlan plan, string? sourcePath, CancellationToken cancellationToken, string? rowId = null)
    {
        request.Validate();
        EnsureWithinBudget(request);
        GenerateResult result;
        try
        {
            result = await _generator.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception ex)
        {
            Record(request, null, Array.Empty<GeminiImageResult>(), ex, rowId);
            throw;
        }
        return Complete(request, result, plan, sourcePath, rowId);
    }

    /// <summary>
    /// The part of a paid call after the answer: save every image and write the one ledger record.
    /// Also used for answers that arrive another way (server-side batch results).
    /// </summary>
    public GenerationOutcome Complete(ImageRequest request, GenerateResult result, OutputPlan plan, string? sourcePath, string? rowId)
    {
        try
        {
            var images = ImageGenerator.Save(request, result, plan, sourcePath, Cost(request, result));
            Record(request, result, images, null, rowId);
            return new GenerationOutcome(result, images);
        }
        catch (Exception ex)
        {
            Record(request, result, Array.Empty<GeminiImageResult>(), ex, rowId);
            throw;
        }
    }

    /// <summary>Records a request that failed without any answer to price (e.g. a failed line of a server batch).</summary>
    public void RecordFailure(ImageRequest request, Exception error, string? rowId) =>
        Record(request, null, Array.Empty<GeminiImageResult>(), error, rowId);

    private decimal? Cost(ImageRequest request, GenerateResult result) =>
        request.Model.IsKnown || _prices.Value.Get(request.Model.Id) != null
            ? _prices.Value.Compute(request.Model.Id, result.Usage, _usage.BatchPricing)
            : null;

    private void Record(ImageRequest request, GenerateResult? result, IReadOnlyList<GeminiImageResult> images, Exception? error, string? rowId)
    {
        var usage = result?.Usage ?? new TokenUsage();
        var record = new UsageRecord
        {
            Cmdlet = _usage.Cmdlet,
            Operation = _usage.Operation,
            Model = request.Model.Id,
            InputTokens = usage.InputTokens,
            TextOutputTokens = usage.TextOutputTokens,
            ImageOutputTokens = usage.ImageOutputTokens,
            ThinkingTokens = usage.ThinkingTokens,
            ImageCount = images.Count,
            CostUsd = result == null ? 0m : Cost(request, result),
            Status = error == null ? UsageStatus.Success : error is GeminiNoImageException ? UsageStatus.Blocked : UsageStatus.Failed,
            ErrorId = (error as GeminiImageException)?.ErrorId ?? error?.GetType().Name,
            Tags = request.Tags.ToList(),
            BatchId = _usage.BatchId,
            RowId = rowId,
            OutputPath = images.FirstOrDefault()?.Path ?? (error as ImageSaveException)?.FallbackPath,
            Prompt = _usage.NoPromptLogging ? null : request.Prompt,
            MachineName = Environment.MachineName,
            UserName = Environment.UserName,
            ResponseId = result?.ResponseId,
        };
        var appended = Ledger.Append(record);
        if (!appended.Stored)
            _usage.Warning?.Invoke($"The usage ledger could not be written ({appended.Error?.Message}); the record was kept in '{appended.PendingPath}' and will be added on the next successful write.");
    }
}
