namespace GeminiImage.Cmdlets.Commands;

/// <summary>Import-GeminiUsage: moves a machine's SQLite usage history into the team ledger, each record once.</summary>
[Cmdlet(VerbsData.Import, "GeminiUsage", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(GeminiUsageImportView))]
public sealed class ImportGeminiUsageCommand : PSCmdlet
{
    /// <summary>The SQLite ledger to read: a usage.db file or the folder that holds it; default the data folder's.</summary>
    [Parameter(Position = 0)]
    [Alias("LiteralPath", "PSPath")]
    [ValidateNotNullOrEmpty]
    public string? Path { get; set; }

    protected override void EndProcessing()
    {
        var source = Path == null ? DataFolder.Default : GetUnresolvedProviderPathFromPSPath(Path);
        var folder = Directory.Exists(source) ? source : System.IO.Path.GetDirectoryName(source)!;
        var file = System.IO.Path.Combine(folder, UsageLedger.DatabaseFileName);
        if (!File.Exists(file) || (!Directory.Exists(source) && !string.Equals(System.IO.Path.GetFileName(source), UsageLedger.DatabaseFileName, StringComparison.OrdinalIgnoreCase)))
        {
            WriteError(ErrorRecords.From(new Engine.Errors.GeminiNotFoundException("GeminiImage.LedgerNotFound",
                $"No SQLite usage ledger at '{source}' (give the usage.db file or its folder)."), source));
            return;
        }
        try
        {
            var team = TeamBudgetScope.Ledger("Imports of usage history");
            var records = new UsageLedger(new UsageLedgerOptions { DataFolder = folder }).Query();
            if (!ShouldProcess(team.Location, $"Import {records.Count} usage record(s) from {file}")) return;
            var added = team.Import(records);
            WriteObject(new GeminiUsageImportView(file, team.Location, records.Count, added, records.Count - added));
        }
        catch (Exception ex) when (ex is not PipelineStoppedException)
        {
            WriteError(LedgerErrors.Unavailable(ex, file));
        }
    }
}
