namespace GeminiImage.Cmdlets.Infrastructure;

/// <summary>What Import-GeminiUsage moved: records read from the SQLite ledger, added to the team ledger, already there.</summary>
/// <param name="Source">The SQLite file read.</param>
/// <param name="Target">The team ledger written (never with a password).</param>
/// <param name="AlreadyPresent">Records the team ledger already had (same record id): imported before, or written there in the first place.</param>
public sealed record GeminiUsageImportView(string Source, string Target, int Read, int Added, int AlreadyPresent);
