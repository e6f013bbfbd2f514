namespace GeminiImage.Engine.Ledger;

/// <summary>
/// Money set aside before a paid request is sent, so that budgets hold when many requests (threads, processes,
/// later a team) spend at once. A reservation is a ledger record in <see cref="UsageStatus.Pending"/> whose cost is the
/// estimate: it counts against the budgets at once, and a request whose process dies stays visible with its estimate.
/// </summary>
public interface ISpendReservations
{
    /// <summary>
    /// Reserves <paramref name="intents"/> (their <see cref="UsageRecord.CostUsd"/> is the estimate, their
    /// <see cref="UsageRecord.RecordId"/> the reservation id) all or none, atomically with the budget check: throws
    /// <see cref="BudgetExceededException"/> when spend plus open reservations plus these would pass a limit.
    /// Team ledgers also check the team's and the intents' projects' budgets. Returns the personal spend (reservations
    /// included) before these, and the team budget warnings due (each once per period and scope).
    /// </summary>
    ReservationResult Reserve(IReadOnlyList<UsageRecord> intents, BudgetSettings budget);

    /// <summary>Replaces reservation <paramref name="reservationId"/> with what the request really cost (or adds the record when there is none).</summary>
    AppendResult Settle(string reservationId, UsageRecord actual);

    /// <summary>Drops reservations for requests that were never sent.</summary>
    void Release(IEnumerable<string> reservationIds);

    /// <summary>Marks reservations never settled within their time (the process was killed) as <see cref="UsageStatus.Unanswered"/>; their estimate still counts.</summary>
    int Expire();
}
