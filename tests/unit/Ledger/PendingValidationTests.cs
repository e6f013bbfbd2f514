using GeminiImage.Engine.Ledger;
using Xunit;

namespace GeminiImage.Tests.Ledger;

public sealed class PendingValidationTests : IDisposable
{
    private static readonly DateTime s_day = new(2026, 11, 24, 10, 0, 0, DateTimeKind.Utc);
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Forged_and_duplicate_pending_records_are_not_folded_in()
    {
        var ledger = Make.Ledger(_dir);
        Directory.CreateDirectory(ledger.DataFolder);
        var good = Guid.NewGuid().ToString("N");
        string Line(string id, string cost) =>
            $"{{\"RecordId\":\"{id}\",\"TimeUtc\":\"{s_day:o}\",\"Model\":\"gemini-2.5-flash-image\",\"CostUsd\":{cost},\"Status\":\"Success\"}}";
        File.WriteAllLines(ledger.PendingPath, new[]
        {
            Line(Guid.NewGuid().ToString("N"), "-1000"),
            Line(Guid.NewGuid().ToString("N"), "99999"),
            Line("x'; DROP TABLE usage; --", "0.01"),
            Line(good, "0.02"),
            Line(good, "0.02"),
        });

        var result = ledger.Append(Make.Record(s_day, cost: 0.04m));

        Assert.Equal(1, result.FoldedIn);
        Assert.Equal(0.06m, ledger.Spend(s_day.Date, s_day.Date.AddDays(1)));
        Assert.Equal(3, File.ReadAllLines(Path.Combine(ledger.DataFolder, UsageLedger.RejectedFileName)).Length);
        Assert.Equal(0, new FileInfo(ledger.PendingPath).Length);
    }
}
