namespace GeminiImage.Cmdlets.Infrastructure;

/// <summary>
/// One ledger record as Get-GeminiUsage emits it: flat, so Export-Csv writes every column readably
/// (tags as one comma-separated string).
/// </summary>
public sealed class GeminiUsageView
{
    private readonly UsageRecord _r;

    private GeminiUsageView(UsageRecord record) => _r = record;

    public long Id => _r.Id;
    /// <summary>When the request finished, in UTC.</summary>
    public DateTime TimeUtc => DateTime.SpecifyKind(_r.TimeUtc, DateTimeKind.Utc);
    public string Cmdlet => _r.Cmdlet;
    // Enum values as text: a property of an engine enum type would load the engine while PowerShell scans the module's types.
    public string Operation => _r.Operation.ToString();
    public string Model => _r.Model;
    public string Status => _r.Status.ToString();
    public string? ErrorId => _r.ErrorId;
    public int Images => _r.ImageCount;
    public int InputTokens => _r.InputTokens;
    public int TextOutputTokens => _r.TextOutputTokens;
    public int ImageOutputTokens => _r.ImageOutputTokens;
    public int ThinkingTokens => _r.ThinkingTokens;
    /// <summary>USD; null when the model's prices were unknown.</summary>
    public decimal? CostUsd => _r.CostUsd;
    /// <summary><see cref="CostUsd"/> under the name image results use, so <c>Measure-Object Cost -Sum</c> works on both.</summary>
    public decimal? Cost => CostUsd;
    public decimal? SavedCostUsd => _r.SavedCostUsd;
    /// <summary>The record's tags joined with commas ("" when untagged).</summary>
    public string Tags => string.Join(",", _r.Tags);
    public string? BatchId => _r.BatchId;
    public string? RowId => _r.RowId;
    public string? OutputPath => _r.OutputPath;
    /// <summary><see cref="OutputPath"/> as <c>Path</c>, so records pipe into Get-GeminiImageInfo and Resize-GeminiImage.</summary>
    public string? Path => OutputPath;
    /// <summary>The prompt, or null when it was sent with -NoPromptLogging.</summary>
    public string? Prompt => _r.Prompt;
    public string? MachineName => _r.MachineName;
    public string? UserName => _r.UserName;
    public string? ResponseId => _r.ResponseId;
    /// <summary>The connection profile that served the call ("default" without profiles; null in records from before profiles).</summary>
    public string? Endpoint => _r.Endpoint;
    /// <summary>The project the call was charged to (-Project); null for none.</summary>
    public string? Project => _r.Project;
    public string RecordId => _r.RecordId;

    public static GeminiUsageView From(UsageRecord r) => new(r);
}
