namespace GeminiImage.Engine.Ledger;

/// <summary>File formats of <see cref="UsageExport"/>.</summary>
public enum UsageExportFormat
{
    Csv,
    Json,
}

/// <summary>Usage records as a file for finance: CSV (RFC 4180, invariant culture) or a JSON array, one flat object per record.</summary>
public static class UsageExport
{
    private static readonly string[] s_columns =
    {
        "RecordId", "TimeUtc", "UserName", "MachineName", "Project", "Cmdlet", "Operation", "Model", "Status", "ErrorId", "Images",
        "InputTokens", "TextOutputTokens", "ImageOutputTokens", "ThinkingTokens", "CostUsd", "SavedCostUsd", "Tags", "BatchId", "RowId",
        "Endpoint", "ResponseId", "OutputPath", "Prompt",
    };

    /// <summary>The format a file name implies (.json, else CSV).</summary>
    public static UsageExportFormat FormatOf(string path) =>
        string.Equals(Path.GetExtension(path), ".json", StringComparison.OrdinalIgnoreCase) ? UsageExportFormat.Json : UsageExportFormat.Csv;

    /// <summary>Writes the records to <paramref name="path"/> atomically; an existing file is replaced only with <paramref name="force"/>.</summary>
    public static void Write(string path, IReadOnlyList<UsageRecord> records, UsageExportFormat format, bool force)
    {
        var bytes = new UTF8Encoding(false).GetBytes(format == UsageExportFormat.Json ? Json(records) : Csv(records));
        Generation.OutputWriter.WriteAtomic(bytes, path, force);
    }

    /// <summary>The CSV text: a header row, then one row per record; money with invariant decimals, times ISO 8601 UTC.</summary>
    public static string Csv(IReadOnlyList<UsageRecord> records)
    {
        var text = new StringBuilder();
        text.Append(string.Join(",", s_columns)).Append("\r\n");
        foreach (var record in records) text.Append(string.Join(",", Values(record).Select(v => Quote(Format(v))))).Append("\r\n");
        return text.ToString();
    }

    /// <summary>The JSON text: an array of objects with the same names as the CSV header.</summary>
    public static string Json(IReadOnlyList<UsageRecord> records)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            writer.WriteStartArray();
            foreach (var record in records)
            {
                writer.WriteStartObject();
                foreach (var (name, value) in s_columns.Zip(Values(record), (n, v) => (n, v)))
                {
                    switch (value)
                    {
                        case null: writer.WriteNull(name); break;
                        case int i: writer.WriteNumber(name, i); break;
                        case decimal d: writer.WriteNumber(name, d); break;
                        default: writer.WriteString(name, Format(value)); break;
                    }
                }
                writer.WriteEndObject();
            }
            writer.WriteEndArray();
        }
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    private static object?[] Values(UsageRecord r) => new object?[]
    {
        r.RecordId, r.TimeUtc, r.UserName, r.MachineName, r.Project, r.Cmdlet, r.Operation.ToString(), r.Model, r.Status.ToString(), r.ErrorId,
        r.ImageCount, r.InputTokens, r.TextOutputTokens, r.ImageOutputTokens, r.ThinkingTokens, r.CostUsd, r.SavedCostUsd,
        string.Join(",", r.Tags), r.BatchId, r.RowId, r.Endpoint, r.ResponseId, r.OutputPath, r.Prompt,
    };

    private static string Format(object? value) => value switch
    {
        null => "",
        DateTime time => LedgerSql.AsUtc(time).ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture),
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    // A cell that a spreadsheet would run as a formula (=, +, -, @) gets a leading quote, as OWASP advises for CSV.
    private static string Quote(string cell)
    {
        if (cell.Length > 0 && "=+-@\t\r".IndexOf(cell[0]) >= 0 && !decimal.TryParse(cell, NumberStyles.Number, CultureInfo.InvariantCulture, out _)) cell = "'" + cell;
        return cell.IndexOfAny(new[] { ',', '"', '\r', '\n' }) >= 0 ? "\"" + cell.Replace("\"", "\"\"") + "\"" : cell;
    }
}
