namespace GeminiImage.Cmdlets.Commands;

/// <summary>Get-GeminiUsage: the usage ledger's records, oldest first, as flat objects (Export-Csv friendly).</summary>
[Cmdlet(VerbsCommon.Get, "GeminiUsage")]
[OutputType(typeof(GeminiUsageView))]
public sealed class GetGeminiUsageCommand : LedgerQueryCmdlet
{
    /// <summary>Only the newest N matching records (still written oldest first).</summary>
    [Parameter]
    [ValidateRange(1, int.MaxValue)]
    public int Last { get; set; }

    protected override void ProcessRecord()
    {
        var filter = CreateFilter();
        filter.Last = Last > 0 ? Last : null;

        var ledger = LedgerParameters.OpenExisting();
        if (ledger == null)
        {
            WriteVerbose($"No usage ledger in '{DataFolder.Default}' yet.");
            return;
        }
        WriteVerbose($"Reading {ledger.Location}.");
        System.Collections.Generic.IReadOnlyList<UsageRecord> records;
        try
        {
            records = ledger.Query(filter);
        }
        catch (Exception ex) when (ex is not PipelineStoppedException)
        {
            WriteError(LedgerErrors.Unavailable(ex, ledger.Location));
            return;
        }
        foreach (var record in records) WriteObject(GeminiUsageView.From(record));
    }
}
