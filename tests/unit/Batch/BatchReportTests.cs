using System.Text.Json;
using System.Xml.Linq;
using GeminiImage.Engine.Batch;
using Xunit;

namespace GeminiImage.Tests.Batch;

public sealed class BatchReportTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "report-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_dir)) Directory.Delete(_dir, true);
    }

    private List<BatchRowResult> Rows() => new()
    {
        new() { Id = "ok", RowNumber = 1, Status = BatchRowStatus.Succeeded, Prompt = "<script>alert('x')</script> & \"q\"", Path = Path.Combine(_dir, "ok.png"), Thumbnail = "thumbnails/ok.jpg", Cost = 0.039m },
        new() { Id = "bad<id>", RowNumber = 2, Status = BatchRowStatus.Failed, Prompt = "p", Error = "500 <internal>", Cost = 0m },
        new() { Id = "inv", RowNumber = 3, Status = BatchRowStatus.Invalid, Prompt = "", Error = "empty" },
        new() { Id = "old", RowNumber = 0, Status = BatchRowStatus.Succeeded, Prompt = "earlier", Cost = 0.02m, FromJournal = true },
    };

    [Fact]
    public void SummaryCountsAndCosts()
    {
        var s = BatchSummary.From(Rows(), DateTime.UtcNow.AddSeconds(-3), _dir, "b1", "Local");
        Assert.Equal(4, s.Total);
        Assert.Equal(2, s.Succeeded);
        Assert.Equal(1, s.Failed);
        Assert.Equal(1, s.Invalid);
        Assert.Equal(1, s.Resumed);
        // This run's cost and rate only: the resumed row was paid for and counted by the run that made it.
        Assert.Equal(0.039m, s.Cost);
        Assert.Equal(0.02m, s.ResumedCost);
        Assert.Equal(2, s.Attempted);
        Assert.Equal(0.5, s.SuccessRate);
        Assert.Equal(0.5, s.SuccessRateOfTotal);
        Assert.True(s.DurationSeconds >= 3);
    }

    [Fact]
    public void WritesJsonThatParsesAndHtmlThatEscapesEverything()
    {
        var rows = Rows();
        var (json, html) = BatchReport.Write(BatchSummary.From(rows, DateTime.UtcNow, _dir, "b1", "Local"), rows);
        using var doc = JsonDocument.Parse(File.ReadAllText(json));
        Assert.Single(Directory.GetFiles(_dir, "batch-report-*.json"));   // this run's own copy beside the latest
        Assert.Equal(4, doc.RootElement.GetProperty("summary").GetProperty("total").GetInt32());
        var ids = doc.RootElement.GetProperty("rows").EnumerateArray().Select(r => r.GetProperty("id").GetString()).ToList();
        Assert.Equal(new[] { "old", "ok", "bad<id>", "inv" }, ids);

        var text = File.ReadAllText(html);
        Assert.DoesNotContain("<script>", text);
        Assert.Contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;", text);
        Assert.Contains("bad&lt;id&gt;", text);
        Assert.Contains("src=\"thumbnails/ok.jpg\"", text);
        Assert.Contains("href=\"ok.png\"", text);
        // Well-formed: every tag closed, every value escaped.
        XDocument.Parse(text.Replace("<!DOCTYPE html>", ""));
        Assert.False(File.Exists(json + ".tmp"));
    }
}
