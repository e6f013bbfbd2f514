namespace GeminiImage.Engine.Ledger;

/// <summary>A ledger shared by a team (PostgreSQL): budgets for the team and per project, and an audit log of changes.</summary>
public interface ITeamLedger : IUsageLedger
{
    /// <summary>Every team and project budget.</summary>
    IReadOnlyList<ScopedBudget> GetBudgets();

    /// <summary>Sets (replaces) a budget and records the change in the audit log, in one transaction.</summary>
    void SetBudget(ScopedBudget budget);

    /// <summary>Removes a budget (and its audit entry); false when there was none.</summary>
    bool RemoveBudget(string scope);

    /// <summary>Spend counted by a scope's budget (every record for the team, the project's records for a project).</summary>
    decimal ScopeSpend(string scope, DateTime sinceUtc, DateTime untilUtc);

    /// <summary>Adds an audit entry (who and when are filled in).</summary>
    void Audit(string action, string? scope, string? detail);

    /// <summary>
    /// Adds the records waiting in this machine's pending file now, rather than on the next append (a work queue's
    /// reclaim check must see an answer recorded while the server was away); how many were new. Never throws.
    /// </summary>
    int FoldPending();

    /// <summary>Audit entries, oldest first.</summary>
    IReadOnlyList<LedgerAuditEntry> ReadAudit(DateTime? sinceUtc = null);
}
