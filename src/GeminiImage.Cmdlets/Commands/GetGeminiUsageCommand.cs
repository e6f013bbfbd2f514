using System;
using System.Management.Automation;
using GeminiImage.Cmdlets.Infrastructure;
using GeminiImage.Engine.Ledger;

namespace GeminiImage.Cmdlets.Commands;

/// <summary>Get-GeminiUsage: the usage ledger's records, oldest first, as flat objects (Export-Csv friendly).</summary>
[Cmdlet(VerbsCommon.Get, "GeminiUsage")]
[OutputType(typeof(GeminiUsageView))]
public sealed class GetGeminiUsageCommand : PSCmdlet
{
    /// <summary>Records at or after this time (a date without a zone is local time).</summary>
    [Parameter]
    public DateTime? Since { get; set; }

    /// <summary>Records strictly before this time.</summary>
    [Parameter]
    public DateTime? Until { get; set; }

    /// <summary>Exact model id (case-insensitive).</summary>
    [Parameter]
    [ArgumentCompleter(typeof(ModelCompleter))]
    public string? Model { get; set; }

    /// <summary>Only records carrying this tag.</summary>
    [Parameter]
    public string? Tag { get; set; }

    /// <summary>Only records of this user name (case-insensitive).</summary>
    [Parameter]
    public string? User { get; set; }

    /// <summary>Only records charged to this project (case-insensitive).</summary>
    [Parameter]
    public string? Project { get; set; }

    /// <summary>Only the newest N matching records (still written oldest first).</summary>
    [Parameter]
    [ValidateRange(1, int.MaxValue)]
    public int Last { get; set; }

    protected override void ProcessRecord()
    {
        var filter = new UsageFilter
        {
            Since = LedgerParameters.ToUtc(Since),
            Until = LedgerParameters.ToUtc(Until),
            Model = string.IsNullOrWhiteSpace(Model) ? null : Model,
            Tag = string.IsNullOrWhiteSpace(Tag) ? null : Tag,
            User = Text.NullIfBlank(User),
            Project = Text.NullIfBlank(Project),
            Last = Last > 0 ? Last : null,
        };
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
