using System.Globalization;
using System.Text.Json;
using GeminiImage.Engine.Errors;
using GeminiImage.Engine.Ledger;
using Xunit;

namespace GeminiImage.Tests.Ledger;

/// <summary>The usage file finance gets (Export-GeminiUsage): exact columns, invariant money and times, safe cells.</summary>
public sealed class UsageExportTests
{
    private const string Header = "RecordId,TimeUtc,UserName,MachineName,Project,Cmdlet,Operation,Model,Status,ErrorId,Images,"
        + "InputTokens,TextOutputTokens,ImageOutputTokens,ThinkingTokens,CostUsd,SavedCostUsd,Tags,BatchId,RowId,Endpoint,ResponseId,OutputPath,Prompt";

    private static UsageRecord Full() => new()
    {
        RecordId = "r1",
        TimeUtc = new DateTime(2026, 11, 25, 12, 0, 0, DateTimeKind.Utc).AddTicks(1234567),
        UserName = "ann",
        MachineName = "pc1",
        Project = "Apollo",
        Cmdlet = "Edit-GeminiImage",
        Operation = UsageOperation.Edit,
        Model = "gemini-2.5-flash-image",
        Status = UsageStatus.Success,
        ImageCount = 2,
        InputTokens = 10,
        TextOutputTokens = 12,
        ImageOutputTokens = 2580,
        ThinkingTokens = 7,
        CostUsd = 1234.078m,
        Tags = new List<string> { "a", "b" },
        BatchId = "b1",
        RowId = "row-1",
        Endpoint = "default",
        ResponseId = "resp-1",
        OutputPath = "/o/x.png",
        Prompt = "a cat, \"big\"",
    };

    private static UsageRecord Failed() => new()
    {
        RecordId = "r2",
        TimeUtc = new DateTime(2026, 11, 25, 13, 0, 0, DateTimeKind.Unspecified),
        Cmdlet = "New-GeminiImage",
        Operation = UsageOperation.Generate,
        Model = "m",
        Status = UsageStatus.Failed,
        ErrorId = "GeminiImage.RateLimited",
        SavedCostUsd = 0.5m,
    };

    [Fact]
    public void Csv_has_the_header_and_one_invariant_row_per_record_whatever_the_culture()
    {
        var culture = CultureInfo.CurrentCulture;
        try
        {
            CultureInfo.CurrentCulture = new CultureInfo("de-DE"); // a decimal comma would split the cost into two cells
            var csv = UsageExport.Csv(new[] { Full(), Failed() });
            Assert.Equal(
                Header + "\r\n"
                + "r1,2026-11-25T12:00:00.1234567Z,ann,pc1,Apollo,Edit-GeminiImage,Edit,gemini-2.5-flash-image,Success,,2,10,12,2580,7,1234.078,,\"a,b\",b1,row-1,default,resp-1,/o/x.png,\"a cat, \"\"big\"\"\"\r\n"
                + "r2,2026-11-25T13:00:00.0000000Z,,,,New-GeminiImage,Generate,m,Failed,GeminiImage.RateLimited,0,0,0,0,0,,0.5,,,,,,,\r\n",
                csv);
            Assert.Equal(Header + "\r\n", UsageExport.Csv(Array.Empty<UsageRecord>()));
        }
        finally
        {
            CultureInfo.CurrentCulture = culture;
        }
    }

    [Fact]
    public void Cells_a_spreadsheet_would_run_as_formulas_get_a_leading_quote_and_numbers_do_not()
    {
        var record = Failed();
        record.Prompt = "=HYPERLINK(\"http://x\")";
        record.Project = "-5.5";
        record.UserName = "@me";
        record.MachineName = "+cmd";
        record.Endpoint = "\tgateway";
        record.ResponseId = "line1\nline2";
        record.BatchId = "+1";
        record.RowId = "-row";
        var row = UsageExport.Csv(new[] { record }).Split("\r\n")[1];
        Assert.Equal(
            "r2,2026-11-25T13:00:00.0000000Z,'@me,'+cmd,-5.5,New-GeminiImage,Generate,m,Failed,GeminiImage.RateLimited,0,0,0,0,0,,0.5,,+1,'-row,'\tgateway,\"line1\nline2\",,\"'=HYPERLINK(\"\"http://x\"\")\"",
            row);
        // A carriage return alone also needs quotes, or the reader would end the row there.
        record.Prompt = "a\rb";
        Assert.EndsWith(",\"a\rb\"", UsageExport.Csv(new[] { record }).Split("\r\n")[1]);
    }

    [Fact]
    public void Json_has_the_same_names_with_numbers_as_numbers_and_absent_values_as_null()
    {
        using var json = JsonDocument.Parse(UsageExport.Json(new[] { Full(), Failed() }));
        var rows = json.RootElement.EnumerateArray().ToList();
        Assert.Equal(2, rows.Count);
        Assert.Equal(Header.Split(','), rows[0].EnumerateObject().Select(p => p.Name));
        Assert.Equal(1234.078m, rows[0].GetProperty("CostUsd").GetDecimal());
        Assert.Equal(JsonValueKind.Number, rows[0].GetProperty("Images").ValueKind);
        Assert.Equal(2, rows[0].GetProperty("Images").GetInt32());
        Assert.Equal(2580, rows[0].GetProperty("ImageOutputTokens").GetInt32());
        Assert.Equal("2026-11-25T12:00:00.1234567Z", rows[0].GetProperty("TimeUtc").GetString());
        Assert.Equal("a,b", rows[0].GetProperty("Tags").GetString());
        Assert.Equal("Edit", rows[0].GetProperty("Operation").GetString());
        Assert.Equal("a cat, \"big\"", rows[0].GetProperty("Prompt").GetString()); // no CSV quoting in JSON
        Assert.Equal(JsonValueKind.Null, rows[0].GetProperty("SavedCostUsd").ValueKind);
        Assert.Equal(JsonValueKind.Null, rows[0].GetProperty("ErrorId").ValueKind);
        Assert.Equal(JsonValueKind.Null, rows[1].GetProperty("CostUsd").ValueKind);
        Assert.Equal(0.5m, rows[1].GetProperty("SavedCostUsd").GetDecimal());
        Assert.Equal("", rows[1].GetProperty("Tags").GetString());
        Assert.Equal("[]", UsageExport.Json(Array.Empty<UsageRecord>()));
    }

    [Theory]
    [InlineData("usage.json", UsageExportFormat.Json)]
    [InlineData("USAGE.JSON", UsageExportFormat.Json)]
    [InlineData("usage.csv", UsageExportFormat.Csv)]
    [InlineData("usage", UsageExportFormat.Csv)]
    [InlineData("usage.json.txt", UsageExportFormat.Csv)]
    public void The_format_follows_the_extension(string name, UsageExportFormat format) => Assert.Equal(format, UsageExport.FormatOf(name));

    [Fact]
    public void Write_puts_utf8_without_bom_and_replaces_a_file_only_with_force()
    {
        using var dir = new TempDir();
        var path = dir.Sub("usage.csv");
        var record = Full();
        record.Prompt = "café";
        UsageExport.Write(path, new[] { record }, UsageExportFormat.Csv, force: false);
        var bytes = File.ReadAllBytes(path);
        Assert.Equal((byte)'R', bytes[0]);
        Assert.Equal(UsageExport.Csv(new[] { record }), System.Text.Encoding.UTF8.GetString(bytes));

        Assert.Throws<OutputExistsException>(() => UsageExport.Write(path, Array.Empty<UsageRecord>(), UsageExportFormat.Json, force: false));
        Assert.Equal(bytes, File.ReadAllBytes(path));
        UsageExport.Write(path, new[] { record }, UsageExportFormat.Json, force: true);
        Assert.StartsWith("[", File.ReadAllText(path));
    }
}
