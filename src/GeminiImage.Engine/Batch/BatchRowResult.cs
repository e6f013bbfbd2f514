using System.Text.Json.Serialization;
using GeminiImage.Engine.Generation;

namespace GeminiImage.Engine.Batch;

/// <summary>What happened to one row.</summary>
public enum BatchRowStatus
{
    /// <summary>The image was saved.</summary>
    Succeeded,
    /// <summary>The request failed (after retries); a re-run tries it again.</summary>
    Failed,
    /// <summary>The prompt or the image was blocked, or no image came back; a re-run does not repeat it.</summary>
    Blocked,
    /// <summary>Refused by validation; nothing was sent.</summary>
    Invalid,
    /// <summary>Not run: the batch stopped (circuit open, budget, Ctrl+C) or the server job was cancelled.</summary>
    NotRun,
}

/// <summary>One row's outcome: the object Invoke-GeminiBatch and Receive-GeminiBatchJob emit, and one journal line.</summary>
public sealed class BatchRowResult
{
    public string Id { get; set; } = "";
    [JsonConverter(typeof(JsonStringEnumConverter))]
    public BatchRowStatus Status { get; set; }
    /// <summary>The first saved image.</summary>
    public string? Path { get; set; }
    /// <summary>Every saved image (usually one).</summary>
    public string[] Paths { get; set; } = Array.Empty<string>();
    /// <summary>USD for the row; 0 for rows that were not charged, null when the price is unknown.</summary>
    public decimal? Cost { get; set; }
    public string? Error { get; set; }
    public string? ErrorId { get; set; }
    public int RowNumber { get; set; }
    public string Prompt { get; set; } = "";
    public string Model { get; set; } = "";
    public int Width { get; set; }
    public int Height { get; set; }
    public string? MimeType { get; set; }
    public string? AspectRatio { get; set; }
    public string? ImageSize { get; set; }
    public int InputTokens { get; set; }
    public int OutputTokens { get; set; }
    public int ThinkingTokens { get; set; }
    public string? FinishReason { get; set; }
    public string? Text { get; set; }
    public string? ResponseId { get; set; }
    public string? ModelVersion { get; set; }
    public TimeSpan Duration { get; set; }
    public string[] Tags { get; set; } = Array.Empty<string>();
    public string? BatchId { get; set; }
    /// <summary>The report's thumbnail of the image, relative to the output directory.</summary>
    public string? Thumbnail { get; set; }
    public DateTime CompletedUtc { get; set; }
    /// <summary>True when the row was completed by an earlier run (read from the journal, not sent again).</summary>
    [JsonIgnore]
    public bool FromJournal { get; set; }
    /// <summary>The exception behind a failure, for the error record.</summary>
    [JsonIgnore]
    public Exception? Exception { get; set; }

    /// <summary>A completed row is never sent again: saved, or blocked by the service.</summary>
    [JsonIgnore]
    public bool IsComplete => Status is BatchRowStatus.Succeeded or BatchRowStatus.Blocked;

    public static BatchRowResult For(BatchItem item, BatchRowStatus status) => new()
    {
        Id = item.Id,
        Status = status,
        RowNumber = item.Row.RowNumber,
        Prompt = item.Prompt,
        Model = item.Model.Id,
        AspectRatio = item.AspectRatio,
        ImageSize = item.ImageSize,
        Tags = System.Linq.Enumerable.ToArray(item.Tags),
        CompletedUtc = DateTime.UtcNow,
    };

    /// <summary>An invalid row of the plan: never sent, nothing charged.</summary>
    public static BatchRowResult Invalid(BatchProblem problem) => new()
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

    /// <summary>Copies the image fields of the saved images into the row result.</summary>
    public void SetImages(System.Collections.Generic.IReadOnlyList<GeminiImageResult> images)
    {
        Paths = System.Linq.Enumerable.ToArray(System.Linq.Enumerable.Select(images, i => i.Path));
        if (images.Count == 0) return;
        var first = images[0];
        Path = first.Path;
        Width = first.Width;
        Height = first.Height;
        MimeType = first.MimeType;
        InputTokens = first.InputTokens;
        OutputTokens = first.OutputTokens;
        ThinkingTokens = first.ThinkingTokens;
        FinishReason = first.FinishReason;
        Text = string.IsNullOrEmpty(first.Text) ? null : first.Text;
        ResponseId = first.ResponseId;
        ModelVersion = first.ModelVersion;
        Duration = first.Duration;
        decimal? cost = 0m;
        foreach (var image in images) cost = cost.HasValue && image.Cost.HasValue ? cost + image.Cost : null;
        Cost = cost;
    }

    public override string ToString() => $"{Id}: {Status}";
}
