namespace GeminiImage.Cmdlets.Infrastructure;

/// <summary>
/// One ledger record as Get-GeminiUsage emits it: flat, so Export-Csv writes every column readably
/// (tags as one comma-separated string).
/// </summary>
public sealed class GeminiUsageView
{
    public long Id { get; private set; }
    /// <summary>When the request finished, in UTC.</summary>
    public DateTime TimeUtc { get; private set; }
    public string Cmdlet { get; private set; } = "";
    // Enum values as text: a property of an engine enum type would load the engine while PowerShell scans the module's types.
    public string Operation { get; private set; } = "";
    public string Model { get; private set; } = "";
    public string Status { get; private set; } = "";
    public string? ErrorId { get; private set; }
    public int Images { get; private set; }
    public int InputTokens { get; private set; }
    public int TextOutputTokens { get; private set; }
    public int ImageOutputTokens { get; private set; }
    public int ThinkingTokens { get; private set; }
    /// <summary>USD; null when the model's prices were unknown.</summary>
    public decimal? CostUsd { get; private set; }
    /// <summary><see cref="CostUsd"/> under the name image results use, so <c>Measure-Object Cost -Sum</c> works on both.</summary>
    public decimal? Cost => CostUsd;
    public decimal? SavedCostUsd { get; private set; }
    /// <summary>The record's tags joined with commas ("" when untagged).</summary>
    public string Tags { get; private set; } = "";
    public string? BatchId { get; private set; }
    public string? RowId { get; private set; }
    public string? OutputPath { get; private set; }
    /// <summary><see cref="OutputPath"/> as <c>Path</c>, so records pipe into Get-GeminiImageInfo and Resize-GeminiImage.</summary>
    public string? Path => OutputPath;
    /// <summary>The prompt, or null when it was sent with -NoPromptLogging.</summary>
    public string? Prompt { get; private set; }
    public string? MachineName { get; private set; }
    public string? UserName { get; private set; }
    public string? ResponseId { get; private set; }
    /// <summary>The connection profile that served the call ("default" without profiles; null in records from before profiles).</summary>
    public string? Endpoint { get; private set; }
    /// <summary>The project the call was charged to (-Project); null for none.</summary>
    public string? Project { get; private set; }
    public string RecordId { get; private set; } = "";

    public static GeminiUsageView From(UsageRecord r) => new()
    {
        Id = r.Id,
        TimeUtc = DateTime.SpecifyKind(r.TimeUtc, DateTimeKind.Utc),
        Cmdlet = r.Cmdlet,
        Operation = r.Operation.ToString(),
        Model = r.Model,
        Status = r.Status.ToString(),
        ErrorId = r.ErrorId,
        Images = r.ImageCount,
        InputTokens = r.InputTokens,
        TextOutputTokens = r.TextOutputTokens,
        ImageOutputTokens = r.ImageOutputTokens,
        ThinkingTokens = r.ThinkingTokens,
        CostUsd = r.CostUsd,
        SavedCostUsd = r.SavedCostUsd,
        Tags = string.Join(",", r.Tags),
        BatchId = r.BatchId,
        RowId = r.RowId,
        OutputPath = r.OutputPath,
        Prompt = r.Prompt,
        MachineName = r.MachineName,
        UserName = r.UserName,
        ResponseId = r.ResponseId,
        Endpoint = r.Endpoint,
        Project = r.Project,
        RecordId = r.RecordId,
    };
}
