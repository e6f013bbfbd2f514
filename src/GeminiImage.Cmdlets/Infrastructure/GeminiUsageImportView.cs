namespace GeminiImage.Cmdlets.Infrastructure;

/// <summary>What Import-GeminiUsage moved: records read from the SQLite ledger, added to the team ledger, already there.</summary>
public sealed class GeminiUsageImportView
{
    /// <summary>The SQLite file read.</summary>
    public string Source { get; internal set; } = "";
    /// <summary>The team ledger written (never with a password).</summary>
    public string Target { get; internal set; } = "";
    public int Read { get; internal set; }
    public int Added { get; internal set; }
    /// <summary>Records the team ledger already had (same record id): imported before, or written there in the first place.</summary>
    public int AlreadyPresent { get; internal set; }
}
