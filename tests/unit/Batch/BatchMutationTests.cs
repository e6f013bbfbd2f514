using System.Text;
using System.Text.Json;
using GeminiImage.Engine.Api;
using GeminiImage.Engine.Batch;
using GeminiImage.Engine.Catalog;
using GeminiImage.Engine.Generation;
using GeminiImage.Engine.Ledger;
using GeminiImage.Engine.Pricing;
using Xunit;

namespace GeminiImage.Tests.Batch;

/// <summary>Reading rows: file types, CSV corners, JSON value kinds and list columns.</summary>
public sealed class BatchRowReadingTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "gi-rows-" + Guid.NewGuid().ToString("N"));

    public BatchRowReadingTests() => Directory.CreateDirectory(_dir);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Write(string name, string text)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, text, new UTF8Encoding(true)); // with a BOM, as Excel and Windows PowerShell write
        return path;
    }

    [Theory]
    [InlineData("rows.jsonl")]
    [InlineData("rows.NDJSON")]
    [InlineData("rows.Json")]
    public void Json_lines_files_by_extension(string name)
    {
        var row = Assert.Single(BatchRowParser.ReadFile(Write(name, "{\"id\":\"a\",\"prompt\":\"p\"}\n")));
        Assert.Equal(("a", "p"), (row.Id, row.Prompt));
    }

    [Theory]
    [InlineData("rows.csv")]
    [InlineData("rows.txt")]
    public void Everything_else_is_csv(string name)
    {
        var row = Assert.Single(BatchRowParser.ReadFile(Write(name, "Id,Prompt\na,p\n")));
        Assert.Equal(("a", "p"), (row.Id, row.Prompt));
    }

    [Fact]
    public void Csv_without_rows_short_rows_and_padded_headers()
    {
        Assert.Empty(BatchRowParser.ParseCsv(new StringReader("")));
        Assert.Empty(BatchRowParser.ParseCsv(new StringReader("Id,Prompt\n")));
        var rows = BatchRowParser.ParseCsv(new StringReader(" Id , Prompt ,Model\na,p\nb,q,gemini-3-pro-image,extra\n"));
        Assert.Equal(2, rows.Count);
        Assert.Equal(("a", "p", (string?)null), (rows[0].Id, rows[0].Prompt, rows[0].Model));
        Assert.Equal(("b", "q", "gemini-3-pro-image"), (rows[1].Id, rows[1].Prompt, rows[1].Model));
        Assert.Equal(new[] { 1, 2 }, rows.Select(r => r.RowNumber));
    }

    [Fact]
    public void Csv_quotes_keep_separators_and_carriage_returns_are_dropped()
    {
        var row = Assert.Single(BatchRowParser.ParseCsv(new StringReader("Prompt,Tag\r\n\"a,b\nc\",\"x;y\"\r\n")));
        Assert.Equal("a,b\nc", row.Prompt);
        Assert.Equal(new[] { "x", "y" }, row.Tags);
    }

    [Fact]
    public void Every_column_is_read_and_trimmed()
    {
        var row = BatchRowParser.FromValues(4, new Dictionary<string, object?>(StringComparer.OrdinalIgnoreCase)
        {
            ["id"] = " a1 ", ["prompt"] = " keep my spaces ", ["aspectratio"] = " 3:2 ", ["imagesize"] = " 2K ", ["model"] = " m ",
            ["outfile"] = " o.png ", ["style"] = " noir ", ["tag"] = " t1 ; ; t2 ", ["image"] = new object[] { 1, "b.png" },
        });
        Assert.Equal(4, row.RowNumber);
        Assert.Equal(("a1", " keep my spaces "), (row.Id, row.Prompt));
        Assert.Equal(("3:2", "2K", "m", "o.png", "noir"), (row.AspectRatio, row.ImageSize, row.Model, row.OutFile, row.Style));
        Assert.Equal(new[] { "t1", "t2" }, row.Tags);
        Assert.Equal(new[] { "1", "b.png" }, row.Images);
        Assert.Null(row.ParseError);
    }

    [Fact]
    public void A_list_given_for_a_text_column_is_joined_and_a_single_value_for_a_list_column_is_split()
    {
        var row = BatchRowParser.FromValues(1, new Dictionary<string, object?>(StringComparer.OrdinalIgnoreCase)
        {
            ["Prompt"] = new[] { "a", "b" }, ["Id"] = 12, ["Tag"] = 5, ["Image"] = null,
        });
        Assert.Equal("a;b", row.Prompt);
        Assert.Equal("12", row.Id);
        Assert.Equal(new[] { "5" }, row.Tags);
        Assert.Empty(row.Images);
    }

    [Fact]
    public void Json_values_of_every_kind()
    {
        var rows = BatchRowParser.ParseJsonl(new StringReader(
            "{\"Id\": 3.5, \"Prompt\": true, \"Model\": null, \"Tag\": [1, \"two\", {\"x\":1}]}\n" +
            "   \n" +
            "\"just a string\"\n"));
        Assert.Equal(2, rows.Count);
        Assert.Equal(("3.5", "true", (string?)null), (rows[0].Id, rows[0].Prompt, rows[0].Model));
        Assert.Equal(new[] { "1", "two", "{\"x\":1}" }, rows[0].Tags);
        Assert.Equal(3, rows[1].RowNumber);
        Assert.Equal("Line 3 is not a JSON object (not a JSON object).", rows[1].ParseError);
        Assert.Null(rows[1].Prompt);
    }
}

/// <summary>A row's result, the summary of a run, and the journal that makes re-runs skip finished rows.</summary>
public sealed class BatchResultsTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "gi-results-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_dir)) Directory.Delete(_dir, recursive: true);
    }

    private static BatchItem Item(string id = "r1", string prompt = "a fox") =>
        new(new BatchRow { RowNumber = 3, Id = id, Prompt = prompt }, id, ModelCatalog.Default.Get("gemini-3-pro-image"))
        {
            AspectRatio = "1:1", ImageSize = "2K", Tags = new[] { "t" },
        };

    private static GeminiImageResult Image(string path, decimal? cost, string text = "") => new()
    {
        Path = path, Width = 10, Height = 20, MimeType = "image/png", InputTokens = 1, OutputTokens = 2, ThinkingTokens = 3,
        FinishReason = "STOP", Text = text, ResponseId = "resp", ModelVersion = "v", Duration = TimeSpan.FromSeconds(2), Cost = cost,
    };

    [Fact]
    public void A_result_starts_from_the_row()
    {
        var result = BatchRowResult.For(Item(), BatchRowStatus.Failed);
        Assert.Equal(("r1", BatchRowStatus.Failed, 3, "a fox"), (result.Id, result.Status, result.RowNumber, result.Prompt));
        Assert.Equal(("gemini-3-pro-image", "1:1", "2K"), (result.Model, result.AspectRatio, result.ImageSize));
        Assert.Equal(new[] { "t" }, result.Tags);
        Assert.True((DateTime.UtcNow - result.CompletedUtc).Duration() < TimeSpan.FromMinutes(1));
        Assert.Equal("r1: Failed", result.ToString());
    }

    [Fact]
    public void Saved_images_fill_the_result_and_their_costs_add_up()
    {
        var result = BatchRowResult.For(Item(), BatchRowStatus.Succeeded);
        result.SetImages(new[] { Image("/o/a.png", 0.1m, "caption"), Image("/o/b.png", 0.2m) });
        Assert.Equal(new[] { "/o/a.png", "/o/b.png" }, result.Paths);
        Assert.Equal("/o/a.png", result.Path);
        Assert.Equal((10, 20, "image/png"), (result.Width, result.Height, result.MimeType));
        Assert.Equal((1, 2, 3), (result.InputTokens, result.OutputTokens, result.ThinkingTokens));
        Assert.Equal(("STOP", "caption", "resp", "v"), (result.FinishReason, result.Text, result.ResponseId, result.ModelVersion));
        Assert.Equal(TimeSpan.FromSeconds(2), result.Duration);
        Assert.Equal(0.3m, result.Cost);

        var unpriced = BatchRowResult.For(Item(), BatchRowStatus.Succeeded);
        unpriced.SetImages(new[] { Image("/o/a.png", 0.1m), Image("/o/b.png", null) });
        Assert.Null(unpriced.Cost);
        Assert.Null(unpriced.Text); // an empty text is no text

        var none = BatchRowResult.For(Item(), BatchRowStatus.Failed);
        none.SetImages(Array.Empty<GeminiImageResult>());
        Assert.Empty(none.Paths);
        Assert.Null(none.Path);
        Assert.Null(none.Cost);
    }

    [Theory]
    [InlineData(BatchRowStatus.Succeeded, true)]
    [InlineData(BatchRowStatus.Blocked, true)]
    [InlineData(BatchRowStatus.Failed, false)]
    [InlineData(BatchRowStatus.Invalid, false)]
    [InlineData(BatchRowStatus.NotRun, false)]
    public void Only_saved_or_blocked_rows_are_complete(BatchRowStatus status, bool complete) =>
        Assert.Equal(complete, new BatchRowResult { Status = status }.IsComplete);

    [Fact]
    public void The_summary_counts_each_status_and_rates_only_attempted_rows()
    {
        BatchRowResult Row(BatchRowStatus status, decimal? cost = 0m, bool resumed = false) => new() { Status = status, Cost = cost, FromJournal = resumed };
        var started = DateTime.UtcNow.AddSeconds(-5);
        var rows = new[]
        {
            Row(BatchRowStatus.Succeeded, 0.1m), Row(BatchRowStatus.Succeeded, null, resumed: true), Row(BatchRowStatus.Succeeded, 0.2m),
            Row(BatchRowStatus.Failed), Row(BatchRowStatus.Blocked), Row(BatchRowStatus.Invalid), Row(BatchRowStatus.Invalid), Row(BatchRowStatus.NotRun),
        };
        var s = BatchSummary.From(rows, started, "/out", "b7", "Server");
        Assert.Equal(("b7", "Server", "/out", started), (s.BatchId, s.Mode, s.OutputDirectory, s.StartedUtc));
        Assert.Equal((8, 3, 1, 1, 2, 1, 1), (s.Total, s.Succeeded, s.Failed, s.Blocked, s.Invalid, s.NotRun, s.Resumed));
        Assert.Equal(0.5, s.SuccessRate); // 2 of the 4 sent in this run (the resumed row was sent by an earlier run)
        Assert.Equal(0.375, s.SuccessRateOfTotal); // 3 of all 8 rows
        Assert.Equal(4, s.Attempted);
        Assert.Equal(0.3m, s.Cost);
        Assert.InRange(s.DurationSeconds, 4.5, 120);
        Assert.True(s.FinishedUtc >= started);

        Assert.Equal(0.6667, BatchSummary.From(new[] { Row(BatchRowStatus.Succeeded), Row(BatchRowStatus.Succeeded), Row(BatchRowStatus.Failed) }, started, "/o", null, "Local").SuccessRate);
        Assert.Equal(0, BatchSummary.From(new[] { Row(BatchRowStatus.Invalid) }, started, "/o", null, "Local").SuccessRate);
    }

    [Fact]
    public void The_journal_keeps_the_latest_outcome_per_id_in_any_case_and_skips_blank_lines()
    {
        Assert.Empty(BatchJournal.Load(_dir)); // no folder, no journal
        using (var journal = BatchJournal.Open(_dir))
        {
            Assert.Equal(Path.Combine(_dir, BatchJournal.FileName), journal.Path);
            journal.Append(new BatchRowResult { Id = "Row-1", Status = BatchRowStatus.Failed });
            journal.Append(new BatchRowResult { Id = "row-1", Status = BatchRowStatus.Succeeded, Path = "/o/row-1.png" });
            journal.Append(new BatchRowResult { Id = "", Status = BatchRowStatus.Succeeded });
        }
        File.AppendAllText(Path.Combine(_dir, BatchJournal.FileName), "\n   \n");
        var loaded = BatchJournal.Load(_dir);
        var only = Assert.Single(loaded);
        Assert.Equal(BatchRowStatus.Succeeded, loaded["ROW-1"].Status);
        Assert.Equal("/o/row-1.png", only.Value.Path);
        Assert.Equal(3, File.ReadAllLines(Path.Combine(_dir, BatchJournal.FileName)).Count(l => l.StartsWith("{")));
    }

    [Fact]
    public void Reopening_a_complete_journal_adds_no_blank_line()
    {
        using (var journal = BatchJournal.Open(_dir)) journal.Append(new BatchRowResult { Id = "a", Status = BatchRowStatus.Succeeded });
        var before = File.ReadAllText(Path.Combine(_dir, BatchJournal.FileName));
        using (var journal = BatchJournal.Open(_dir)) journal.Append(new BatchRowResult { Id = "b", Status = BatchRowStatus.Succeeded });
        var lines = File.ReadAllText(Path.Combine(_dir, BatchJournal.FileName)).Split('\n');
        Assert.EndsWith("\n", before);
        Assert.Equal(3, lines.Length); // a, b, and the empty rest after the final newline
        Assert.All(lines.Take(2), l => Assert.StartsWith("{", l));
    }
}

/// <summary>A server job as the cmdlets show it, and the manifest that remembers its rows.</summary>
public sealed class ServerBatchJobTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "gi-jobs-" + Guid.NewGuid().ToString("N"));
    // The data folder is handed to the engine, never set process-wide.
    private string Home => Path.Combine(_dir, "home");

    public void Dispose()
    {
        if (Directory.Exists(_dir)) Directory.Delete(_dir, recursive: true);
    }

    private static BatchOperation Operation(string json) => JsonSerializer.Deserialize<BatchOperation>(json, GeminiJson.Options)!;

    [Fact]
    public void A_job_reads_its_state_times_and_counts_from_the_operation()
    {
        var job = GeminiBatchJob.From(Operation("""
            {"name":"batches/abc","done":true,"metadata":{"model":"models/gemini-2.5-flash-image","displayName":"nightly",
             "state":"BATCH_STATE_SUCCEEDED","createTime":"2026-11-20T10:00:00Z","updateTime":"2026-11-20T10:05:00Z","endTime":"2026-11-20T10:06:00Z",
             "batchStats":{"requestCount":"5","successfulRequestCount":"3","failedRequestCount":"1","pendingRequestCount":"1"},
             "output":{"responsesFile":"files/out-1"}}}
            """), Home);
        Assert.Equal(("batches/abc", "abc", "Succeeded", true), (job.Name, job.Id, job.State, job.Done));
        Assert.Equal(("gemini-2.5-flash-image", "nightly"), (job.Model, job.DisplayName));
        Assert.Equal(new DateTime(2026, 11, 20, 10, 0, 0, DateTimeKind.Utc), job.CreateTime);
        Assert.Equal(DateTimeKind.Utc, job.CreateTime!.Value.Kind);
        Assert.Equal(new DateTime(2026, 11, 20, 10, 5, 0), job.UpdateTime);
        Assert.Equal(new DateTime(2026, 11, 20, 10, 6, 0), job.EndTime);
        Assert.Equal((5L, 3L, 1L, 1L), (job.RequestCount, job.SucceededCount, job.FailedCount, job.PendingCount));
        Assert.Equal("files/out-1", job.ResponsesFile);
        Assert.Null(job.InputMode); // not submitted from here
        Assert.Equal("batches/abc", job.ToString());
    }

    [Fact]
    public void A_bare_operation_is_an_unspecified_job()
    {
        var job = GeminiBatchJob.From(Operation("""{"name":"xyz"}"""), Home);
        Assert.Equal(("xyz", "Unspecified", false), (job.Id, job.State, job.Done));
        Assert.Null(job.Model);
        Assert.Null(job.CreateTime);
        Assert.Equal(0, job.RequestCount);
        Assert.Equal("Running", GeminiBatchJob.From(Operation("""{"name":"x","metadata":{"state":"RUNNING"}}"""), Home).State);
        Assert.Equal("", GeminiBatchJob.From(Operation("""{"name":"x","metadata":{"state":""}}"""), Home).State);
        Assert.Null(GeminiBatchJob.From(Operation("""{"name":"x","metadata":{"createTime":"soon"}}"""), Home).CreateTime);
    }

    [Fact]
    public void Names_and_ids()
    {
        Assert.Equal("batches/abc", ServerBatchClient.NameOf("abc"));
        Assert.Equal("batches/abc", ServerBatchClient.NameOf("batches/abc"));
        Assert.Equal(20 * 1024 * 1024, ServerBatchClient.InlineLimitBytes);
    }

    [Fact]
    public void The_manifest_is_kept_in_the_data_folder_and_the_output_folder()
    {
        var output = Path.Combine(_dir, "out");
        var item = new BatchItem(new BatchRow { RowNumber = 2, Id = "fox", Prompt = "a fox" }, "fox", ModelCatalog.Default.Get("gemini-3-pro-image"))
        {
            AspectRatio = "4:3", ImageSize = "4K", Tags = new[] { "t" }, ImagePaths = new[] { "/in/a.png" }, OutFile = Path.Combine(output, "fox.png"),
        };
        new BatchJobManifest { Name = "batches/j1", Model = "gemini-3-pro-image", InputMode = "File", OutputDirectory = output, Rows = { BatchJobManifest.RowOf(item) } }.Save(Home);

        Assert.True(File.Exists(BatchJobManifest.StorePath(Home, "j1")));
        Assert.StartsWith(Path.Combine(_dir, "home", "batches"), BatchJobManifest.StorePath(Home, "j1"));
        var local = Path.Combine(output, BatchJobManifest.FilePrefix + "j1.json");
        Assert.True(File.Exists(local));

        var job = GeminiBatchJob.From(Operation("""{"name":"batches/j1"}"""), Home);
        Assert.Equal(("File", output), (job.InputMode, job.OutputDirectory));

        File.Delete(BatchJobManifest.StorePath(Home, "j1"));
        Assert.Null(BatchJobManifest.TryLoad(Home, "j1"));
        var manifest = BatchJobManifest.TryLoad(Home, "j1", output)!;
        var row = Assert.Single(manifest.Rows);
        Assert.Equal(("fox", 2, "a fox", "4:3", "4K", Path.Combine(output, "fox.png")), (row.Id, row.RowNumber, row.Prompt, row.AspectRatio, row.ImageSize, row.OutFile));
        Assert.Equal(new[] { "t" }, row.Tags);
        Assert.Equal(new[] { "/in/a.png" }, row.ImagePaths);

        var back = manifest.ToItem(row);
        Assert.Equal(("fox", "gemini-3-pro-image", "a fox", "4K"), (back.Id, back.Model.Id, back.Prompt, back.ImageSize));
        Assert.Equal(("4:3", Path.Combine(output, "fox.png")), (back.AspectRatio, back.OutFile));
        Assert.Equal(new[] { "/in/a.png" }, back.ImagePaths);
        Assert.Equal(2, back.Row.RowNumber);

        File.WriteAllText(local, "{ torn");
        Assert.Null(BatchJobManifest.TryLoad(Home, "j1", output));
    }

    [Fact]
    public void Estimates_add_up_over_the_rows_and_are_unknown_with_an_unpriced_model()
    {
        var pro = ModelCatalog.Default.Get("gemini-3-pro-image");
        var a = new BatchItem(new BatchRow { Id = "a", Prompt = "x" }, "a", pro) { ImageSize = "1K" };
        var expected = CostCalculator.Estimate(pro, "1K", 1, 0, 1)!.Value;
        Assert.Equal(expected, a.Estimate(false));
        Assert.Equal(CostCalculator.Estimate(pro, "1K", 1, 0, 1, batch: true), a.Estimate(true));

        var plan = BatchPlan.Validate(new[] { new BatchRow { RowNumber = 1, Prompt = "x", ImageSize = "1K", Model = "gemini-3-pro-image" }, new BatchRow { RowNumber = 2, Prompt = "x", ImageSize = "1K", Model = "gemini-3-pro-image" } }, new BatchDefaults(), _dir, _dir);
        Assert.Equal(2 * expected, plan.EstimatedCost(false));
        var unknown = new BatchItem(new BatchRow { Id = "u", Prompt = "x" }, "u", ModelCatalog.Default.Get("imagen-9"));
        Assert.Null(unknown.Estimate(false));
    }

    [Fact]
    public void A_problem_names_its_row_and_id()
    {
        var row = new BatchRow { RowNumber = 4 };
        Assert.Equal("Row 4 (x): bad", new BatchProblem(row, "x", "E", "bad").ToString());
        Assert.Equal("Row 4: bad", new BatchProblem(row, null, "E", "bad").ToString());
        Assert.Equal(4, new BatchProblem(row, null, "E", "bad").RowNumber);
    }
}
