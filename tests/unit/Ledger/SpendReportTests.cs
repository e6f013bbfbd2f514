using GeminiImage.Engine.Ledger;
using Xunit;

namespace GeminiImage.Tests.Ledger;

public sealed class SpendReportTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Report_is_self_contained_with_a_bar_per_day_and_escaped_values()
    {
        var day = new DateTime(2026, 11, 24, 9, 0, 0, DateTimeKind.Utc);
        var records = new[]
        {
            Make.Record(day, cost: 0.039m, tags: "<script>alert(1)</script>"),
            Make.Record(day.AddDays(1), model: "gemini-3-pro-image", cost: 0.134m, tags: "a&b"),
        };
        var path = Path.Combine(_dir.Path, "out", "report.html");

        SpendReport.WriteHtml(path, UsageSummary.Create(records, UsageGroupBy.Day),
            new[] { UsageSummary.Create(records, UsageGroupBy.Tag), UsageSummary.Create(records, UsageGroupBy.Model) });

        var html = File.ReadAllText(path);
        Assert.StartsWith("<!DOCTYPE html>", html);
        Assert.Equal(2, html.Split("<rect class=\"bar\"").Length - 1);
        Assert.DoesNotContain("<script", html);
        Assert.DoesNotContain("src=", html);
        Assert.Contains("&lt;script&gt;alert(1)&lt;/script&gt;", html);
        Assert.Contains("a&amp;b", html);
        Assert.Contains("<td>0.173</td>", html);
        Assert.Contains("gemini-3-pro-image", html);
    }

    [Fact]
    public void Empty_report_says_so()
    {
        var html = SpendReport.BuildHtml(UsageSummary.Create(Array.Empty<UsageRecord>(), UsageGroupBy.Day));
        Assert.Contains("No spending recorded.", html);
    }
}
