using System.Net.Sockets;
using Npgsql;

namespace GeminiImage.Engine.Ledger;

/// <summary>Turns what Npgsql throws into <see cref="LedgerException"/>s with stable ids and a sentence saying what to do.</summary>
internal static class PostgresErrors
{
    /// <summary>True when <paramref name="e"/> came from a pooled connection the server closed (a restart, a failover).</summary>
    public static bool IsBrokenConnection(Exception e, NpgsqlConnection connection) =>
        e is NpgsqlException && (connection.FullState.HasFlag(System.Data.ConnectionState.Broken)
            || (e as PostgresException ?? e.InnerException as PostgresException)?.SqlState is "57P01" or "57P02");

    /// <summary>A <see cref="LedgerException"/> (unchanged when it already is one) for a failure at <paramref name="location"/>.</summary>
    public static Exception Translate(Exception e, string location)
    {
        if (e is LedgerException or BudgetExceededException) return e;
        var postgres = e as PostgresException ?? e.InnerException as PostgresException;
        switch (postgres?.SqlState)
        {
            case "28P01":
            case "28000":
                return new LedgerException(LedgerException.AuthenticationFailedId, ErrorKind.Authentication,
                    $"The team ledger {location} refused the login: {postgres.MessageText}",
                    "Check the user name in the connection string and the password source: the PGPASSWORD environment variable, the Passfile= file, PGPASSFILE, or ~/.pgpass (%APPDATA%\\postgresql\\pgpass.conf on Windows).",
                    location, e);
            case "42501":
                return new LedgerException(LedgerException.PermissionDeniedId, ErrorKind.Authentication,
                    $"The team ledger {location} denied access: {postgres.MessageText}",
                    "Let the database owner connect once so the module creates its tables (or GRANT CREATE ON SCHEMA public to this user), and GRANT SELECT, INSERT, UPDATE, DELETE on the gemini_* tables and USAGE on their sequences to this user.",
                    location, e);
            case "3D000":
                return new LedgerException(LedgerException.UnreachableId, ErrorKind.ResourceUnavailable,
                    $"The team ledger {location} has no such database: {postgres.MessageText}",
                    "Create the database (CREATE DATABASE ...) or fix Database= in the connection string (Set-GeminiConfig -Ledger).",
                    location, e);
        }
        // Class 08 (connection) and 57P (shutting down, starting up): the server is away for now, as when it cannot be reached.
        var away = postgres != null && (postgres.SqlState.StartsWith("08", StringComparison.Ordinal) || postgres.SqlState.StartsWith("57P", StringComparison.Ordinal));
        if (away || (postgres == null && (e is NpgsqlException or SocketException or TimeoutException or IOException || e.InnerException is SocketException or TimeoutException or IOException)))
        {
            return new LedgerException(LedgerException.UnreachableId, ErrorKind.ResourceUnavailable,
                $"The team ledger {location} cannot be reached: {e.Message}",
                "Check that the server is running and reachable (host, port, firewall); usage records are kept in the pending file meanwhile and added when it is back.",
                location, e);
        }
        return e;
    }
}
