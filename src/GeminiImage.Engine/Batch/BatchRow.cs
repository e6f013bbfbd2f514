namespace GeminiImage.Engine.Batch;

/// <summary>One input row of a batch as the user wrote it, before validation.</summary>
public sealed class BatchRow
{
    /// <summary>1-based position in the input (the data row number for CSV, the line number for JSONL).</summary>
    public int RowNumber { get; set; }
    public string? Id { get; set; }
    public string? Prompt { get; set; }
    /// <summary>Input images (edit or composition), as written: relative paths are resolved by the validator.</summary>
    public IReadOnlyList<string> Images { get; set; } = Array.Empty<string>();
    public string? AspectRatio { get; set; }
    public string? ImageSize { get; set; }
    public string? Model { get; set; }
    public string? OutFile { get; set; }
    /// <summary>A prompt style (Get-GeminiStyle) applied to this row.</summary>
    public string? Style { get; set; }
    public IReadOnlyList<string> Tags { get; set; } = Array.Empty<string>();
    /// <summary>The project this row's spend is charged to (the run's -Project when empty).</summary>
    public string? Project { get; set; }
    /// <summary>Submit-GeminiJob's de-duplication key for this row (a batch ignores it).</summary>
    public string? DedupKey { get; set; }
    /// <summary>Set when the row itself could not be read (bad JSON line).</summary>
    public string? ParseError { get; set; }
}

/// <summary>Reads batch rows from CSV, JSONL or name/value maps (pipeline objects). Column names are case-insensitive.</summary>
public static class BatchRowParser
{
    // Column names as constants: the same names are the list below and the reads in FromValues.
    private const string IdColumn = "Id", PromptColumn = "Prompt", ImageColumn = "Image", AspectRatioColumn = "AspectRatio",
        ImageSizeColumn = "ImageSize", ModelColumn = "Model", OutFileColumn = "OutFile", TagColumn = "Tag", StyleColumn = "Style",
        ProjectColumn = "Project", DedupKeyColumn = "DedupKey";

    /// <summary>The known columns; others are ignored.</summary>
    public static readonly IReadOnlyList<string> Columns = new[] { IdColumn, PromptColumn, ImageColumn, AspectRatioColumn, ImageSizeColumn, ModelColumn, OutFileColumn, TagColumn, StyleColumn, ProjectColumn, DedupKeyColumn };

    /// <summary>Reads <paramref name="path"/> as JSONL when it ends in .jsonl/.ndjson/.json, otherwise as CSV.</summary>
    public static IReadOnlyList<BatchRow> ReadFile(string path)
    {
        var ext = Path.GetExtension(path).ToLowerInvariant();
        using var reader = new StreamReader(path, Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        return ext is ".jsonl" or ".ndjson" or ".json" ? ParseJsonl(reader) : ParseCsv(reader);
    }

    /// <summary>RFC 4180 CSV with a header row: quoted fields may hold commas, quotes ("") and line breaks.</summary>
    public static IReadOnlyList<BatchRow> ParseCsv(TextReader reader)
    {
        var records = ReadCsvRecords(reader).ToList();
        var rows = new List<BatchRow>();
        if (records.Count == 0) return rows;
        var header = records[0].Select(h => h.Trim()).ToList();
        if (!header.Contains(PromptColumn, StringComparer.OrdinalIgnoreCase)) throw NoPromptColumn(header);
        for (var i = 1; i < records.Count; i++)
        {
            var record = records[i];
            if (record.Count == 1 && record[0].Length == 0) continue; // blank line
            var values = new Dictionary<string, object?>(StringComparer.OrdinalIgnoreCase);
            for (var c = 0; c < header.Count && c < record.Count; c++) values[header[c]] = record[c];
            rows.Add(FromValues(i, values));
        }
        return rows;
    }

    /// <summary>
    /// A header without a Prompt column would make every row "empty": one error that names the columns found and, for a
    /// file separated by semicolons or tabs (Excel in many locales), the delimiter to use.
    /// </summary>
    private static GeminiOperationException NoPromptColumn(IReadOnlyList<string> header)
    {
        var found = string.Join(", ", header.Select(h => $"'{h}'"));
        var joined = string.Join(",", header);
        var delimiter = joined.Contains(";") ? "semicolons" : joined.Contains("\t") ? "tabs" : null;
        var hint = delimiter != null
            ? $" The file looks separated by {delimiter}, not commas: save it as comma-separated (Export-Csv does), or read it with Import-Csv -Delimiter '{(delimiter == "tabs" ? "`t" : ";")}' and pipe the rows to Invoke-GeminiBatch."
            : " Name the prompt column Prompt (the known columns: " + string.Join(", ", Columns) + ").";
        return new GeminiOperationException("GeminiImage.BatchNoPromptColumn", ErrorKind.InvalidData,
            $"The CSV file has no Prompt column; the columns found are {found}.{hint} Nothing was sent.");
    }

    /// <summary>One JSON object per line; blank lines are skipped; a line that is not an object becomes a row with <see cref="BatchRow.ParseError"/>.</summary>
    public static IReadOnlyList<BatchRow> ParseJsonl(TextReader reader)
    {
        var rows = new List<BatchRow>();
        foreach (var (number, line) in IO.TextLines.NonBlank(reader))
        {
            try
            {
                using var doc = JsonDocument.Parse(line);
                if (doc.RootElement.ValueKind != JsonValueKind.Object) throw new FormatException("not a JSON object");
                var values = new Dictionary<string, object?>(StringComparer.OrdinalIgnoreCase);
                foreach (var p in doc.RootElement.EnumerateObject()) values[p.Name] = FromJson(p.Value);
                rows.Add(FromValues(number, values));
            }
            catch (Exception ex) when (ex is JsonException || ex is FormatException)
            {
                rows.Add(new BatchRow { RowNumber = number, ParseError = $"Line {number} is not a JSON object ({ex.Message.Split('.')[0]})." });
            }
        }
        return rows;
    }

    /// <summary>A row from column values: strings, string arrays or anything with a ToString (numbers as ids).</summary>
    public static BatchRow FromValues(int rowNumber, IDictionary<string, object?> values)
    {
        string? Text(string name) => values.TryGetValue(name, out var v) && v != null ? NullIfBlank(Convert.ToString(Single(v), CultureInfo.InvariantCulture)) : null;
        IReadOnlyList<string> List(string name) => values.TryGetValue(name, out var v) && v != null ? SplitList(v) : Array.Empty<string>();
        return new BatchRow
        {
            RowNumber = rowNumber,
            Id = Text(IdColumn)?.Trim(),
            Prompt = Text(PromptColumn),
            Images = List(ImageColumn),
            AspectRatio = Text(AspectRatioColumn)?.Trim(),
            ImageSize = Text(ImageSizeColumn)?.Trim(),
            Model = Text(ModelColumn)?.Trim(),
            OutFile = Text(OutFileColumn)?.Trim(),
            Tags = List(TagColumn),
            Style = Text(StyleColumn)?.Trim(),
            Project = Text(ProjectColumn)?.Trim(),
            DedupKey = Text(DedupKeyColumn)?.Trim(),
        };
    }

    private static object? Single(object value) => value is IEnumerable<string> list && value is not string ? string.Join(";", list) : value;

    private static IReadOnlyList<string> SplitList(object value)
    {
        IEnumerable<string> items = value switch
        {
            string s => s.Split(';'),
            IEnumerable<string> many => many.SelectMany(m => m.Split(';')),
            System.Collections.IEnumerable many => many.Cast<object?>().Select(o => Convert.ToString(o, CultureInfo.InvariantCulture) ?? ""),
            _ => new[] { Convert.ToString(value, CultureInfo.InvariantCulture) ?? "" },
        };
        return items.Select(i => i.Trim()).Where(i => i.Length > 0).ToList();
    }

    private static object? FromJson(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString(),
        JsonValueKind.Array => value.EnumerateArray().Select(e => e.ValueKind == JsonValueKind.String ? e.GetString() ?? "" : e.GetRawText()).ToList(),
        JsonValueKind.Null or JsonValueKind.Undefined => null,
        _ => value.GetRawText(),
    };

    private static string? NullIfBlank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;

    private static IEnumerable<List<string>> ReadCsvRecords(TextReader reader)
    {
        var record = new List<string>();
        var field = new StringBuilder();
        var inQuotes = false;
        var any = false;
        int ch;
        while ((ch = reader.Read()) != -1)
        {
            any = true;
            var c = (char)ch;
            if (inQuotes)
            {
                if (c == '"')
                {
                    if (reader.Peek() == '"') { field.Append('"'); reader.Read(); }
                    else inQuotes = false;
                }
                else field.Append(c);
                continue;
            }
            switch (c)
            {
                case '"': inQuotes = true; break;
                case ',': record.Add(field.ToString()); field.Clear(); break;
                case '\r': break;
                case '\n':
                    record.Add(field.ToString()); field.Clear();
                    yield return record;
                    record = new List<string>();
                    any = false;
                    break;
                default: field.Append(c); break;
            }
        }
        if (any)
        {
            record.Add(field.ToString());
            yield return record;
        }
    }
}
