using GeminiImage.Engine.Batch;
using Xunit;

namespace GeminiImage.Tests.Batch;

public class BatchRowParserTests
{
    [Fact]
    public void CsvHandlesQuotesCommasLineBreaksAndImageLists()
    {
        var csv = "id,PROMPT,Image,AspectRatio,Tag,Other\r\n" +
                  "a,\"a fox, \"\"quoted\"\"\",,16:9,one;two,x\r\n" +
                  "\r\n" +
                  "b,\"two\nlines\",x.png; y.png ,,,\n" +
                  "c,last row without newline,,,,";
        var rows = BatchRowParser.ParseCsv(new StringReader(csv));
        Assert.Equal(3, rows.Count);
        Assert.Equal("a", rows[0].Id);
        Assert.Equal("a fox, \"quoted\"", rows[0].Prompt);
        Assert.Equal("16:9", rows[0].AspectRatio);
        Assert.Equal(new[] { "one", "two" }, rows[0].Tags);
        Assert.Empty(rows[0].Images);
        Assert.Equal("two\nlines", rows[1].Prompt);
        Assert.Equal(new[] { "x.png", "y.png" }, rows[1].Images);
        Assert.Null(rows[1].AspectRatio);
        Assert.Equal("last row without newline", rows[2].Prompt);
        Assert.Equal(new[] { 1, 3, 4 }, rows.Select(r => r.RowNumber));
    }

    [Fact]
    public void JsonlTakesArraysAndNumbersAndFlagsBadLines()
    {
        var jsonl = "{\"Id\": 7, \"prompt\": \"p1\", \"image\": [\"a.png\", \"b.png\"], \"tag\": \"t\"}\n\n" +
                    "not json\n" +
                    "[1,2]\n" +
                    "{\"prompt\": \"p2\", \"imageSize\": \"2K\"}\n";
        var rows = BatchRowParser.ParseJsonl(new StringReader(jsonl));
        Assert.Equal(4, rows.Count);
        Assert.Equal("7", rows[0].Id);
        Assert.Equal(new[] { "a.png", "b.png" }, rows[0].Images);
        Assert.Equal(new[] { "t" }, rows[0].Tags);
        Assert.NotNull(rows[1].ParseError);
        Assert.Equal(3, rows[1].RowNumber);
        Assert.NotNull(rows[2].ParseError);
        Assert.Null(rows[3].Id);
        Assert.Equal("2K", rows[3].ImageSize);
        Assert.Equal(5, rows[3].RowNumber);
    }

    [Fact]
    public void FromValuesTreatsBlankAsMissing()
    {
        var row = BatchRowParser.FromValues(2, new Dictionary<string, object?>(StringComparer.OrdinalIgnoreCase) { ["Prompt"] = "x", ["Model"] = "  ", ["Image"] = new List<string> { "a.png;b.png" } });
        Assert.Null(row.Model);
        Assert.Equal(new[] { "a.png", "b.png" }, row.Images);
    }
}
