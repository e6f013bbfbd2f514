namespace GeminiImage.Engine.Cache;

/// <summary>One image of a cached response: the exact bytes that were saved the first time.</summary>
public sealed class CachedImage
{
    public string MimeType { get; set; } = "";
    public int Width { get; set; }
    public int Height { get; set; }
    public long Length { get; set; }
    /// <summary>SHA-256 of the bytes, checked on every read.</summary>
    public string Sha256 { get; set; } = "";
    /// <summary>Not stored in the header; filled from the entry's body.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public byte[] Data { get; set; } = Array.Empty<byte>();
}

/// <summary>A cached response: what the first call returned and cost.</summary>
/// <param name="Prompt">The prompt sent, or null when prompt logging was off.</param>
/// <param name="CostUsd">What the original call cost (USD), i.e. what a hit saves; null when the price was unknown.</param>
public sealed record CacheEntry(
    string Key, DateTime CreatedUtc, string Model, string? Prompt, string? AspectRatio, string? ImageSize, decimal? CostUsd,
    int InputTokens, int OutputTokens, int ThinkingTokens, string? FinishReason, string Text, string? ResponseId,
    string? ModelVersion, List<CachedImage> Images);

/// <summary>What Get-GeminiCache shows.</summary>
public sealed class CacheInfo
{
    public string Path { get; set; } = "";
    public int EntryCount { get; set; }
    public long SizeBytes { get; set; }
    public long MaxBytes { get; set; }
    public double SizeMB => Math.Round(SizeBytes / 1048576.0, 2);
    public double MaxMB => Math.Round(MaxBytes / 1048576.0, 2);
    /// <summary>Last use of the least recently used entry (UTC).</summary>
    public DateTime? OldestUtc { get; set; }
    /// <summary>Last use of the most recently used entry (UTC).</summary>
    public DateTime? NewestUtc { get; set; }
    /// <summary>Files of writers that have not finished (or crashed); never served.</summary>
    public int PendingWrites { get; set; }
}
