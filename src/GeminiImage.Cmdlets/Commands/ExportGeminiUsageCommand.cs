namespace GeminiImage.Cmdlets.Commands;

/// <summary>Export-GeminiUsage: the ledger's records (SQLite or the team ledger) as a CSV or JSON file for finance.</summary>
[Cmdlet(VerbsData.Export, "GeminiUsage", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
[OutputType(typeof(System.IO.FileInfo))]
public sealed class ExportGeminiUsageCommand : LedgerQueryCmdlet
{
    /// <summary>The file to write; .json writes JSON, anything else CSV (or say -Format).</summary>
    [Parameter(Mandatory = true, Position = 0)]
    [Alias("LiteralPath", "PSPath")]
    [ValidateNotNullOrEmpty]
    public string Path { get; set; } = "";

    /// <summary>Csv or Json; default from the file's extension.</summary>
    [Parameter]
    [ValidateSet("Csv", "Json")]
    public string? Format { get; set; }

    /// <summary>Replace an existing file.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void EndProcessing()
    {
        var path = GetUnresolvedProviderPathFromPSPath(Path);
        var format = Format == null ? UsageExport.FormatOf(path) : EnumParameter.Parse<UsageExportFormat>(Format);
        var filter = CreateFilter();
        var ledger = LedgerParameters.OpenExisting();
        System.Collections.Generic.IReadOnlyList<UsageRecord> records = Array.Empty<UsageRecord>();
        if (ledger != null)
        {
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
        if (!ShouldProcess(path, $"Export {records.Count} usage record(s) as {format}")) return;
        try
        {
            UsageExport.Write(path, records, format, Force);
        }
        catch (Exception ex) when (ex is System.IO.IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException or Engine.Errors.GeminiImageException)
        {
            WriteError(ErrorRecords.From(ex, path));
            return;
        }
        WriteVerbose($"Wrote {records.Count} record(s) from {ledger?.Location ?? "the (empty) ledger"} to {path}.");
        if (PassThru) WrittenFile.Write(this, path);
    }
}
