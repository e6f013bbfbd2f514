using GeminiImage.Engine.Ledger;

namespace GeminiImage.Tests.Ledger;

/// <summary>A temp folder that is deleted afterwards.</summary>
public sealed class TempDir : IDisposable
{
    public TempDir() => Directory.CreateDirectory(Path);

    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "gi-ledger-tests-" + Guid.NewGuid().ToString("N"));

    public string Sub(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}

public sealed class FixedClock
{
    public FixedClock(DateTime utc) => UtcNow = utc;
    public DateTime UtcNow { get; set; }
}

internal static class Make
{
    public static UsageLedger Ledger(TempDir dir, FixedClock? clock = null, string? folder = null, IEnumerable<string?>? secrets = null, TimeSpan? busy = null) =>
        new(new UsageLedgerOptions
        {
            DataFolder = folder ?? dir.Sub("data"),
            TempFolder = dir.Sub("temp"),
            UtcNow = clock == null ? null : () => clock.UtcNow,
            Secrets = secrets,
            BusyTimeout = busy ?? TimeSpan.FromSeconds(5),
        });

    public static UsageRecord Record(DateTime time, string model = "gemini-2.5-flash-image", decimal? cost = 0.039m, int images = 1, params string[] tags) => new()
    {
        TimeUtc = time,
        Cmdlet = "New-GeminiImage",
        Operation = UsageOperation.Generate,
        Model = model,
        InputTokens = 10,
        TextOutputTokens = 12,
        ImageOutputTokens = 1290 * images,
        ImageCount = images,
        CostUsd = cost,
        Status = UsageStatus.Success,
        Tags = tags.ToList(),
    };
}
