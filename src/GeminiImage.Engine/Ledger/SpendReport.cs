using System.Net;

namespace GeminiImage.Engine.Ledger;

/// <summary>A self-contained HTML spend report: a daily-spend bar chart (inline SVG, no scripts) and summary tables.</summary>
public static class SpendReport
{
    private const int ChartWidth = 760;
    private const int ChartHeight = 240;
    private const int Margin = 40;

    /// <summary>Writes the report to <paramref name="path"/> (UTF-8), atomically and never through a link planted there.</summary>
    /// <param name="force">Replace an existing file (otherwise <see cref="Errors.OutputExistsException"/>).</param>
    public static void WriteHtml(string path, UsageSummary daily, IEnumerable<UsageSummary>? tables = null, string title = "GeminiImage spend report", bool force = true) =>
        Generation.OutputWriter.WriteAtomic(path, stream =>
        {
            var bytes = new UTF8Encoding(false).GetBytes(BuildHtml(daily, tables, title));
            stream.Write(bytes, 0, bytes.Length);
        }, force, durable: false);

    /// <summary>The report's HTML; every value from the ledger is HTML-escaped.</summary>
    public static string BuildHtml(UsageSummary daily, IEnumerable<UsageSummary>? tables = null, string title = "GeminiImage spend report")
    {
        if (daily == null) throw new ArgumentNullException(nameof(daily));
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>").Append(E(title)).Append("</title>\n<style>")
            .Append("body{font-family:system-ui,sans-serif;margin:2em;color:#222}table{border-collapse:collapse;margin:1em 0}")
            .Append("th,td{border:1px solid #ccc;padding:4px 8px;text-align:right}th:first-child,td:first-child{text-align:left}")
            .Append("tfoot td{font-weight:bold}rect.bar{fill:#4a7bd0}text{font-size:11px;fill:#444}")
            .Append("</style></head><body>\n<h1>").Append(E(title)).Append("</h1>\n");
        html.Append("<h2>Daily spend (USD, UTC days)</h2>\n").Append(Chart(daily.Groups));
        AppendTable(html, daily);
        foreach (var table in tables ?? Enumerable.Empty<UsageSummary>()) AppendTable(html, table);
        html.Append("</body></html>\n");
        return html.ToString();
    }

    private static string Chart(IReadOnlyList<UsageGroup> days)
    {
        var svg = new StringBuilder();
        svg.Append(Invariant($"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{ChartWidth}\" height=\"{ChartHeight}\" role=\"img\" aria-label=\"Daily spend\">"));
        if (days.Count == 0)
        {
            svg.Append(Invariant($"<text x=\"{Margin}\" y=\"{ChartHeight / 2}\">No spending recorded.</text></svg>\n"));
            return svg.ToString();
        }
        var max = Math.Max(days.Max(d => d.CostUsd), 0.000001m);
        var plotHeight = ChartHeight - 2 * Margin;
        var slot = (double)(ChartWidth - 2 * Margin) / days.Count;
        var barWidth = Math.Max(1, slot * 0.8);
        svg.Append(Invariant($"<line x1=\"{Margin}\" y1=\"{ChartHeight - Margin}\" x2=\"{ChartWidth - Margin}\" y2=\"{ChartHeight - Margin}\" stroke=\"#888\"/>"));
        svg.Append(Invariant($"<text x=\"4\" y=\"{Margin - 8}\">max ${max:0.00####}</text>"));
        for (var i = 0; i < days.Count; i++)
        {
            var height = (double)(days[i].CostUsd / max) * plotHeight;
            var x = Margin + i * slot + (slot - barWidth) / 2;
            var y = ChartHeight - Margin - height;
            svg.Append(Invariant($"<rect class=\"bar\" x=\"{x:0.##}\" y=\"{y:0.##}\" width=\"{barWidth:0.##}\" height=\"{height:0.##}\"><title>"))
               .Append(E(days[i].Key)).Append(Invariant($": ${days[i].CostUsd:0.00####}</title></rect>"));
            // Label the first, last and every n-th day so labels do not overlap.
            var every = Math.Max(1, (int)Math.Ceiling(days.Count / 10.0));
            if (i % every == 0 || i == days.Count - 1)
                svg.Append(Invariant($"<text x=\"{x:0.##}\" y=\"{ChartHeight - Margin + 14}\">")).Append(E(days[i].Key)).Append("</text>");
        }
        return svg.Append("</svg>\n").ToString();
    }

    private static void AppendTable(StringBuilder html, UsageSummary summary)
    {
        html.Append("<h2>By ").Append(E(summary.GroupBy.ToString().ToLowerInvariant())).Append("</h2>\n<table><thead><tr>")
            .Append("<th>").Append(E(summary.GroupBy.ToString())).Append("</th><th>Requests</th><th>Images</th><th>Input tokens</th>")
            .Append("<th>Output tokens</th><th>Cost (USD)</th><th>Saved (USD)</th><th>Avg per image</th></tr></thead><tbody>\n");
        foreach (var group in summary.Groups) AppendRow(html, group);
        html.Append("</tbody><tfoot>");
        AppendRow(html, summary.Total);
        html.Append("</tfoot></table>\n");
    }

    private static void AppendRow(StringBuilder html, UsageGroup g)
    {
        html.Append("<tr><td>").Append(E(g.Key)).Append("</td>");
        foreach (var cell in new[] { Invariant($"{g.Requests}"), Invariant($"{g.Images}"), Invariant($"{g.InputTokens}"), Invariant($"{g.OutputTokens}"),
                                     Invariant($"{g.CostUsd:0.00####}"), Invariant($"{g.SavedCostUsd:0.00####}"),
                                     g.AverageCostPerImage is decimal avg ? Invariant($"{avg:0.00####}") : "" })
            html.Append("<td>").Append(E(cell)).Append("</td>");
        html.Append("</tr>\n");
    }

    private static string E(string text) => WebUtility.HtmlEncode(text);

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
