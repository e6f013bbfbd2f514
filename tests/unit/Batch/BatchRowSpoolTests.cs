using System.Text.Json;
using GeminiImage.Engine.Api;
using GeminiImage.Engine.Batch;
using Xunit;

namespace GeminiImage.Tests.Batch;

/// <summary>
/// A local run keeps its rows on disk for the report as they finish (issue 17, memory at 10,000 rows): they come back
/// whole, in report order, and the file goes with the run.
/// </summary>
public sealed class BatchRowSpoolTests : IDisposable
{
    private readonly string _dir = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "spool-" + Guid.NewGuid().ToString("N"))).FullName;

    public void Dispose() => Directory.Delete(_dir, true);

    private static BatchRowResult Row(int number, string id, BatchRowStatus status) => new()
    {
        Id = id, RowNumber = number, Status = status, Prompt = $"prompt {number} \"quoted\" é <b>", Model = "gemini-3.1-flash-image",
        Path = status == BatchRowStatus.Succeeded ? $"/out/{id}.png" : null, Paths = status == BatchRowStatus.Succeeded ? new[] { $"/out/{id}.png" } : Array.Empty<string>(),
        Cost = status == BatchRowStatus.Succeeded ? 0.0390m : 0m, Width = 1024, Height = 680, Duration = TimeSpan.FromMilliseconds(1234.5),
        Tags = new[] { "a", "b" }, Thumbnail = number % 2 == 0 ? $"thumbnails/{id}.jpg" : null, CompletedUtc = new DateTime(2026, 11, 29, 4, 0, 0, DateTimeKind.Utc),
        Error = status == BatchRowStatus.Failed ? "500 <internal>" : null, ErrorId = status == BatchRowStatus.Failed ? "GeminiImage.ServerError" : null,
    };

    private static string Json(BatchRowResult row) => JsonSerializer.Serialize(row, GeminiJson.Options);

    [Fact]
    public void Rows_come_back_whole_in_report_order_as_often_as_asked_and_the_file_goes_with_the_spool()
    {
        // Finished out of order, as concurrent rows do; two rows share a number (ordered by id then).
        var rows = new[] { Row(3, "c", BatchRowStatus.Failed), Row(1, "a", BatchRowStatus.Succeeded), Row(2, "z", BatchRowStatus.NotRun), Row(2, "b", BatchRowStatus.Succeeded) };
        var spool = new BatchRowSpool(_dir, 2);
        foreach (var row in rows) spool.Add(row);
        Assert.Single(Directory.GetFiles(_dir, ".*.tmp"));
        var expected = rows.OrderBy(r => r.RowNumber).ThenBy(r => r.Id, StringComparer.Ordinal).Select(Json).ToList();
        Assert.Equal(expected, spool.Rows().Select(Json).ToList());
        Assert.Equal(expected, spool.Rows().Select(Json).ToList());
        Assert.True(spool.Ids().SetEquals(new[] { "A", "b", "C", "z" }));
        spool.Dispose();
        Assert.Empty(Directory.GetFiles(_dir, ".*.tmp"));
    }

    [Fact]
    public void The_report_of_a_spool_is_the_report_of_the_same_rows_in_memory()
    {
        var rows = Enumerable.Range(1, 300).Select(i => Row(301 - i, "r" + (301 - i), (BatchRowStatus)(i % 5))).ToList();
        var summary = BatchSummary.From(rows, new DateTime(2026, 11, 29, 4, 0, 0, DateTimeKind.Utc), _dir, "b1", "Local");
        BatchReport.Write(summary, rows);
        var inMemory = (File.ReadAllText(Path.Combine(_dir, BatchReport.JsonFileName)), File.ReadAllText(Path.Combine(_dir, BatchReport.HtmlFileName)));
        using (var spool = new BatchRowSpool(_dir, rows.Count))
        {
            foreach (var row in rows) spool.Add(row);
            Assert.StartsWith("Report: ", BatchReport.TryWrite(summary, spool));
        }
        Assert.Equal(inMemory, (File.ReadAllText(Path.Combine(_dir, BatchReport.JsonFileName)), File.ReadAllText(Path.Combine(_dir, BatchReport.HtmlFileName))));
    }

    [Fact]
    public void A_tally_counts_as_the_summary_of_the_rows_does()
    {
        var rows = Enumerable.Range(1, 50).Select(i => Row(i, "r" + i, (BatchRowStatus)(i % 5))).ToList();
        foreach (var row in rows.Where(r => r.RowNumber % 7 == 0)) row.FromJournal = true;
        var started = DateTime.UtcNow.AddSeconds(-2);
        var tally = new BatchTally();
        foreach (var row in rows) tally.Add(row);
        var counted = tally.ToSummary(started, _dir, "b2", "Local");
        // The old way, written out: every figure from the whole list.
        var fresh = rows.Where(r => !r.FromJournal).ToList();
        var attempted = fresh.Count(r => r.Status is BatchRowStatus.Succeeded or BatchRowStatus.Failed or BatchRowStatus.Blocked);
        Assert.Equal(
            (rows.Count, rows.Count(r => r.Status == BatchRowStatus.Succeeded), rows.Count(r => r.Status == BatchRowStatus.Failed), rows.Count(r => r.Status == BatchRowStatus.Blocked),
             rows.Count(r => r.Status == BatchRowStatus.Invalid), rows.Count(r => r.Status == BatchRowStatus.NotRun), rows.Count(r => r.FromJournal), attempted,
             Math.Round((double)fresh.Count(r => r.Status == BatchRowStatus.Succeeded) / attempted, 4), Math.Round((double)rows.Count(r => r.Status == BatchRowStatus.Succeeded) / rows.Count, 4),
             fresh.Sum(r => r.Cost ?? 0m), rows.Where(r => r.FromJournal).Sum(r => r.Cost ?? 0m)),
            (counted.Total, counted.Succeeded, counted.Failed, counted.Blocked, counted.Invalid, counted.NotRun, counted.Resumed, counted.Attempted,
             counted.SuccessRate, counted.SuccessRateOfTotal, counted.Cost, counted.ResumedCost));
        Assert.Equal(("b2", "Local", _dir, started), (counted.BatchId, counted.Mode, counted.OutputDirectory, counted.StartedUtc));
    }
}
