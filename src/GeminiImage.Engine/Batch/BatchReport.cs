using GeminiImage.Engine.Generation;
using System.Net;
using GeminiImage.Engine.IO;
using GeminiImage.Engine.Api;

namespace GeminiImage.Engine.Batch;

internal static class TextWriterAppend
{
    /// <summary>StringBuilder-style chaining for the page writer.</summary>
    public static TextWriter Append(this TextWriter writer, string? text)
    {
        writer.Write(text);
        return writer;
    }
}

/// <summary>
/// Writes batch-report.json (totals and every row) and batch-report.html (a gallery of every image) into the output folder,
/// the latest run under these stable names, and a copy of each run's JSON as batch-report-yyyyMMdd-HHmmss.json.
/// </summary>
public static class BatchReport
{
    public const string JsonFileName = "batch-report.json";
    public const string HtmlFileName = "batch-report.html";

    /// <summary>
    /// Writes the reports and returns the line to show: where the report is, with the totals; or, when it could not be
    /// written (the folder went away, a link), why. A run's results are never lost for want of a report.
    /// </summary>
    public static string TryWrite(BatchSummary summary, IReadOnlyCollection<BatchRowResult> rows) => TryWrite(summary, () => Write(summary, rows));

    /// <summary>As <see cref="TryWrite(BatchSummary, IReadOnlyCollection{BatchRowResult})"/> for a local run's rows, read back from where they were kept.</summary>
    internal static string TryWrite(BatchSummary summary, BatchRowSpool rows) => TryWrite(summary, () => WriteOrdered(summary, rows.Rows));

    private static string TryWrite(BatchSummary summary, Func<(string Json, string Html)> write)
    {
        try
        {
            var (_, html) = write();
            return $"Report: {html} ({summary.Succeeded} succeeded, {summary.Failed} failed, {summary.Blocked} blocked, {summary.Invalid} invalid, {summary.NotRun} not run, ${summary.Cost:0.0000}).";
        }
        catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException || ex is Errors.UnsafePathException)
        {
            return $"The batch report could not be written: {ex.Message}";
        }
    }

    /// <summary>Rows in the order the report lists them: by row number, then id.</summary>
    internal static IEnumerable<T> InReportOrder<T>(IEnumerable<T> rows, Func<T, int> rowNumber, Func<T, string> id) =>
        rows.OrderBy(rowNumber).ThenBy(id, StringComparer.Ordinal);

    /// <summary>Writes both files (each atomically, streamed: a 10,000-row report is never held in memory whole) and returns their paths.</summary>
    public static (string Json, string Html) Write(BatchSummary summary, IEnumerable<BatchRowResult> rows)
    {
        var ordered = InReportOrder(rows, r => r.RowNumber, r => r.Id).ToList();
        return WriteOrdered(summary, () => ordered);
    }

    /// <summary>Writes both files from <paramref name="rows"/>, called once for each file, which lists them in report order.</summary>
    private static (string Json, string Html) WriteOrdered(BatchSummary summary, Func<IEnumerable<BatchRowResult>> rows)
    {
        Directory.CreateDirectory(summary.OutputDirectory);
        var jsonPath = SafePaths.Child(summary.OutputDirectory, JsonFileName);
        var htmlPath = SafePaths.Child(summary.OutputDirectory, HtmlFileName);
        WriteAtomic(jsonPath, stream =>
        {
            using var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
            w.WriteStartObject();
            w.WritePropertyName("summary");
            JsonSerializer.Serialize(w, summary, GeminiJson.Options);
            w.WriteStartArray("rows");
            foreach (var row in rows()) JsonSerializer.Serialize(w, row, GeminiJson.Options);
            w.WriteEndArray();
            w.WriteEndObject();
        });
        WriteAtomic(htmlPath, stream =>
        {
            using var writer = new StreamWriter(stream, new UTF8Encoding(false), 65536);
            WriteHtml(writer, summary, rows());
        });
        // batch-report.json is always the latest run; each run also keeps its own, so a re-run does not erase the last.
        var stamp = summary.StartedUtc.ToString("yyyyMMdd-HHmmss", System.Globalization.CultureInfo.InvariantCulture);
        File.Copy(jsonPath, Path.Combine(summary.OutputDirectory, $"batch-report-{stamp}.json"), overwrite: true);
        return (jsonPath, htmlPath);
    }

    /// <summary>The gallery page; every value taken from rows is HTML-escaped.</summary>
    private static void WriteHtml(TextWriter sb, BatchSummary summary, IEnumerable<BatchRowResult> rows)
    {
        static string E(string? s) => WebUtility.HtmlEncode(s ?? "");
        var inv = CultureInfo.InvariantCulture;
        sb.Append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"/><title>Gemini batch report</title>\n<style>")
          .Append("body{font-family:system-ui,sans-serif;margin:1.5em;background:#fafafa;color:#222}")
          .Append(".grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(220px,1fr));gap:12px}")
          .Append(".card{background:#fff;border:1px solid #ddd;border-radius:6px;padding:8px;font-size:13px}")
          .Append(".card img{width:100%;height:200px;object-fit:contain;background:#eee}")
          .Append(".noimg{height:200px;display:flex;align-items:center;justify-content:center;background:#f3e5e5;color:#a33}")
          .Append(".Succeeded .status{color:#187a2f}.Failed .status,.Invalid .status{color:#b3261e}.Blocked .status{color:#a56200}.NotRun .status{color:#666}")
          .Append(".prompt{margin:4px 0;max-height:5.2em;overflow:auto}.err{color:#b3261e}table{border-collapse:collapse}td{padding:2px 10px 2px 0}")
          .Append("</style></head><body>\n<h1>Gemini batch report</h1>\n<table>");
        void Row(string k, string v) => sb.Append("<tr><td>").Append(E(k)).Append("</td><td>").Append(E(v)).Append("</td></tr>");
        Row("Batch", summary.BatchId ?? "");
        Row("Mode", summary.Mode);
        Row("Rows", summary.Total.ToString(inv));
        Row("Succeeded", summary.Succeeded.ToString(inv));
        Row("Failed", summary.Failed.ToString(inv));
        Row("Blocked", summary.Blocked.ToString(inv));
        Row("Invalid", summary.Invalid.ToString(inv));
        Row("Not run", summary.NotRun.ToString(inv));
        Row("Success rate", summary.SuccessRate.ToString("P1", inv) + " of rows sent, " + summary.SuccessRateOfTotal.ToString("P1", inv) + " of all rows");
        Row("Cost", "$" + summary.Cost.ToString("0.0000", inv) + (summary.ResumedCost > 0 ? " this run (earlier runs: $" + summary.ResumedCost.ToString("0.0000", inv) + ")" : ""));
        Row("Duration", summary.DurationSeconds.ToString("0.0", inv) + " s");
        sb.Append("</table>\n<div class=\"grid\">\n");
        foreach (var r in rows)
        {
            sb.Append("<div class=\"card ").Append(E(r.Status.ToString())).Append("\">");
            var link = Relative(summary.OutputDirectory, r.Path);
            if (r.Thumbnail != null || link != null)
            {
                if (link != null) sb.Append("<a href=\"").Append(E(link)).Append("\">");
                // The saved image itself unless a preview was made: nothing is decoded to write the page. Its size (from
                // the answer's header) lets the browser lay the page out before loading, and it loads only near view.
                sb.Append("<img loading=\"lazy\" decoding=\"async\" alt=\"").Append(E(r.Id)).Append("\"");
                if (r.Width > 0 && r.Height > 0) sb.Append(" width=\"").Append(r.Width.ToString(inv)).Append("\" height=\"").Append(r.Height.ToString(inv)).Append("\"");
                sb.Append(" src=\"").Append(E(r.Thumbnail != null ? Relative(summary.OutputDirectory, Path.Combine(summary.OutputDirectory, r.Thumbnail)) : link)).Append("\"/>");
                if (link != null) sb.Append("</a>");
            }
            else
            {
                sb.Append("<div class=\"noimg\">no image</div>");
            }
            sb.Append("<div><b>").Append(E(r.Id)).Append("</b> · <span class=\"status\">").Append(E(r.Status.ToString())).Append("</span>");
            if (r.Cost.HasValue) sb.Append(" · $").Append(r.Cost.Value.ToString("0.0000", inv));
            sb.Append("</div><div class=\"prompt\">").Append(E(r.Prompt)).Append("</div>");
            if (r.Error != null) sb.Append("<div class=\"err\">").Append(E(r.Error)).Append("</div>");
            sb.Append("</div>\n");
        }
        sb.Append("</div>\n</body></html>\n");
    }

    /// <summary>A forward-slash relative URL path for an image under the output folder, or the file: URI of one elsewhere.</summary>
    private static string? Relative(string root, string? path)
    {
        if (string.IsNullOrEmpty(path)) return null;
        var full = Path.GetFullPath(path);
        var prefix = Path.GetFullPath(root).TrimEnd(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar) + Path.DirectorySeparatorChar;
        if (!full.StartsWith(prefix, StringComparison.OrdinalIgnoreCase)) return new Uri(full).AbsoluteUri;
        return string.Join("/", full.Substring(prefix.Length).Split(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar).Select(Uri.EscapeDataString));
    }

    private static void WriteAtomic(string path, Action<Stream> write) => OutputWriter.WriteAtomic(path, write, force: true, durable: false);
}
