namespace GeminiImage.Engine.Ledger;

/// <summary>
/// The usage ledger every back end provides (the per-user SQLite file, a team's PostgreSQL database): records
/// idempotent by <see cref="UsageRecord.RecordId"/>, reservations for budgets, queries for the cost cmdlets, and a
/// pending file in the data folder for records the store cannot take at the moment.
/// </summary>
public interface IUsageLedger : ISpendReservations
{
    /// <summary>Where the records are, for messages: a file path, or host, port, database and user (never a password).</summary>
    string Location { get; }

    /// <summary>The per-user data folder (pending file, budget.json).</summary>
    string DataFolder { get; }

    /// <summary>Full path of the pending file in the data folder.</summary>
    string PendingPath { get; }

    /// <summary>False for a SQLite ledger never written (a query then creates nothing); true for a server.</summary>
    bool Exists { get; }

    /// <summary>
    /// Stores a record (machine and user names filled, secrets redacted, in place) and replays pending records.
    /// Never throws for storage problems: the record then goes to the pending file and the result says where.
    /// </summary>
    AppendResult Append(UsageRecord record);

    /// <summary>Records matching the filter, oldest first. Throws when the store cannot be read.</summary>
    IReadOnlyList<UsageRecord> Query(UsageFilter? filter = null);

    /// <summary>
    /// Adds records that are not in the ledger yet (by record id, whatever their status) and leaves the others alone;
    /// returns how many were added. For moving history from one ledger to another.
    /// </summary>
    int Import(IReadOnlyList<UsageRecord> records);

    /// <summary>
    /// The spend budget.json limits apply to, from <paramref name="sinceUtc"/> inclusive to <paramref name="untilUtc"/>
    /// exclusive, open reservations included: the whole file on SQLite, this user's records on a team ledger.
    /// </summary>
    decimal Spend(DateTime sinceUtc, DateTime untilUtc);

    /// <summary>The ledger's clock (UTC), for "today" and "this month".</summary>
    DateTime UtcNow();
}
