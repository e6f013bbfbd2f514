namespace GeminiImage.Engine.Ledger;

/// <summary>What kind of call produced a ledger record.</summary>
public enum UsageOperation
{
    Generate,
    Edit,
    Chat,
    Batch,
    BatchServer,
    Watch,
    CacheHit,
    /// <summary>The Google Search queries of a grounded call, priced per 1,000 as their own cost line.</summary>
    Search,
}

/// <summary>How the call ended.</summary>
public enum UsageStatus
{
    Success,
    Blocked,
    Failed,
    CacheHit,
    /// <summary>Reserved and sent, no answer recorded yet; the cost is the estimate.</summary>
    Pending,
    /// <summary>Sent, but no answer was ever recorded (the process was killed); the cost is the estimate.</summary>
    Unanswered,
}

/// <summary>One billed (or cache-served) request in the usage ledger. Never holds the API key or image bytes.</summary>
public sealed class UsageRecord
{
    /// <summary>Row id assigned by the ledger; 0 until stored.</summary>
    public long Id { get; set; }

    /// <summary>Unique id of the record; makes folding pending records in idempotent.</summary>
    public string RecordId { get; set; } = Guid.NewGuid().ToString("N");

    /// <summary>When the request finished, in UTC.</summary>
    public DateTime TimeUtc { get; set; } = DateTime.UtcNow;

    public string Cmdlet { get; set; } = "";
    public UsageOperation Operation { get; set; }
    public string Model { get; set; } = "";
    public int InputTokens { get; set; }
    public int TextOutputTokens { get; set; }
    public int ImageOutputTokens { get; set; }
    public int ThinkingTokens { get; set; }
    public int ImageCount { get; set; }

    /// <summary>Cost in USD (stored to the micro-dollar); null when the model's prices are unknown.</summary>
    public decimal? CostUsd { get; set; }

    /// <summary>What a cache hit saved, in USD.</summary>
    public decimal? SavedCostUsd { get; set; }

    public UsageStatus Status { get; set; }
    public string? ErrorId { get; set; }

    /// <summary>Free-form labels; commas are not allowed inside a tag.</summary>
    public IList<string> Tags { get; set; } = new List<string>();

    public string? BatchId { get; set; }
    public string? RowId { get; set; }
    public string? OutputPath { get; set; }

    /// <summary>The prompt, or null when prompt logging is off.</summary>
    public string? Prompt { get; set; }

    /// <summary>Filled with <see cref="Environment.MachineName"/> when left null.</summary>
    public string? MachineName { get; set; }

    /// <summary>Filled with <see cref="Environment.UserName"/> when left null.</summary>
    public string? UserName { get; set; }

    public string? ResponseId { get; set; }

    /// <summary>The connection profile that served (or last failed) the call; "default" without profiles.</summary>
    public string? Endpoint { get; set; }

    /// <summary>The project the spend is charged to (-Project, a profile setting or a batch column); null for none.</summary>
    public string? Project { get; set; }

    /// <summary>Text plus image output tokens.</summary>
    public int OutputTokens => TextOutputTokens + ImageOutputTokens;
}
