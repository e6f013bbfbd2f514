namespace GeminiImage.Cmdlets.Commands;

/// <summary>Get-GeminiCost: ledger totals per day, week, month, model, tag or cmdlet, a grand total, and an optional HTML report.</summary>
[Cmdlet(VerbsCommon.Get, "GeminiCost", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
[OutputType(typeof(GeminiCostView))]
public sealed class GetGeminiCostCommand : LedgerQueryCmdlet
{
    // A string, not the engine enum: an enum-typed property would load the engine at import, before the module's load context is set up.
    [Parameter(Position = 0)]
    [ValidateSet("Day", "Week", "Month", "Model", "Tag", "Cmdlet", "Batch", "Endpoint", "User", "Machine", "Project")]
    public string GroupBy { get; set; } = "Day";

    private UsageGroupBy Grouping => EnumParameter.Parse<UsageGroupBy>(GroupBy);

    /// <summary>Also write an HTML page (daily-spend chart and tables) to this path.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Report { get; set; }

    /// <summary>Replace an existing -Report file.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    protected override void EndProcessing()
    {
        var filter = CreateFilter();
        var ledger = LedgerParameters.OpenExisting();
        IReadOnlyList<UsageRecord> records = Array.Empty<UsageRecord>();
        if (ledger == null)
        {
            WriteVerbose($"No usage ledger in '{DataFolder.Default}' yet.");
        }
        else
        {
            WriteVerbose($"Reading {ledger.Location}.");
            try
            {
                records = ledger.Query(filter);
            }
            catch (Exception ex) when (ex is not PipelineStoppedException)
            {
                WriteError(LedgerErrors.Unavailable(ex, ledger.Location));
                return;
            }
        }

        var summary = UsageSummary.Create(records, Grouping);
        foreach (var group in summary.Groups) WriteObject(GeminiCostView.From(group, Grouping, isTotal: false));
        WriteObject(GeminiCostView.From(summary.Total, Grouping, isTotal: true));

        if (Report != null) WriteReport(records, summary);
    }

    private void WriteReport(IReadOnlyList<UsageRecord> records, UsageSummary requested)
    {
        var path = GetUnresolvedProviderPathFromPSPath(Report);
        if (!ShouldProcess(path, "Write spend report")) return;
        if (!Force && System.IO.File.Exists(path))
        {
            WriteError(ErrorRecords.From(new Engine.Errors.OutputExistsException(path), path));
            return;
        }
        var daily = requested.GroupBy == UsageGroupBy.Day ? requested : UsageSummary.Create(records, UsageGroupBy.Day);
        // The daily table comes with the chart; then the requested grouping, then by model and by tag.
        var tables = new List<UsageSummary>();
        foreach (var groupBy in new[] { requested.GroupBy, UsageGroupBy.Model, UsageGroupBy.Tag }.Distinct())
        {
            if (groupBy == UsageGroupBy.Day) continue;
            tables.Add(groupBy == requested.GroupBy ? requested : UsageSummary.Create(records, groupBy));
        }
        var title = "GeminiImage spend report";
        if (Since != null || Until != null)
            title += $" ({(Since?.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) ?? "start")} to {(Until?.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) ?? "now")})";
        try
        {
            SpendReport.WriteHtml(path, daily, tables, title, Force);
            WriteVerbose($"Wrote the spend report to {path}.");
        }
        catch (Exception ex) when (ex is System.IO.IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException or Engine.Errors.UnsafePathException or Engine.Errors.OutputExistsException)
        {
            WriteError(ErrorRecords.From(ex, path));
        }
    }
}
