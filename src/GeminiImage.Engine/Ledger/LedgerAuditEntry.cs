namespace GeminiImage.Engine.Ledger;

/// <summary>One change recorded in a team ledger's audit log: a budget set or removed, prices overridden.</summary>
public sealed class LedgerAuditEntry
{
    public long Id { get; set; }

    /// <summary>When (UTC).</summary>
    public DateTime TimeUtc { get; set; }

    /// <summary>Who: the user name.</summary>
    public string UserName { get; set; } = "";

    public string MachineName { get; set; } = "";

    /// <summary>What: e.g. "Set-GeminiBudget", "Clear-GeminiBudget", "Set-GeminiPricing".</summary>
    public string Action { get; set; } = "";

    /// <summary>The budget scope or other object concerned; null when none.</summary>
    public string? Scope { get; set; }

    /// <summary>The change in words (old and new values).</summary>
    public string? Detail { get; set; }
}
