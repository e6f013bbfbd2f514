using GeminiImage.Engine.Configuration;
using Npgsql;

namespace GeminiImage.Engine.Ledger;

/// <summary>
/// Which ledger the module writes to: the per-user SQLite file (the default) or a team's PostgreSQL database named by
/// a connection string, from Set-GeminiConfig -Ledger (session or saved), else the GEMINI_IMAGE_LEDGER environment variable.
/// </summary>
public static class LedgerSettings
{
    /// <summary>Environment variable with the team ledger's connection string (or "SQLite").</summary>
    public const string EnvironmentVariable = "GEMINI_IMAGE_LEDGER";

    /// <summary>The value that names the per-user SQLite ledger explicitly.</summary>
    public const string Sqlite = "SQLite";

    /// <summary>The connection string in effect (null for SQLite) and where it came from: Session, Saved, Environment or Default.</summary>
    /// <param name="layers">Default: this process's session, data folder and environment.</param>
    public static (string? ConnectionString, SettingSource Source) Resolve(SettingsLayers? layers = null)
    {
        var l = layers ?? SettingsLayers.Process;
        if (l.Session.Ledger is { } session) return (Normalize(session), SettingSource.Session);
        if (l.SavedLedger() is { } saved) return (Normalize(saved), new SettingSource(SettingOrigin.Saved));
        if (l.Environment.Get(EnvironmentVariable) is { } variable) return (Normalize(variable), SettingSource.Environment(EnvironmentVariable));
        return (null, SettingSource.Default);
    }

    /// <summary>The ledger for display: "SQLite" or "PostgreSQL host:port/database as user" (never a password).</summary>
    public static string Display(string? connectionString)
    {
        if (connectionString == null) return Sqlite;
        try { return Describe(Parse(connectionString)); }
        catch (LedgerException) { return "PostgreSQL (invalid connection string)"; }
    }

    /// <summary>The ledger in effect; <paramref name="options"/> supply the data folder, secrets and clock.</summary>
    public static IUsageLedger Open(UsageLedgerOptions? options = null)
    {
        var (connectionString, _) = Resolve();
        return connectionString == null ? new UsageLedger(options) : new PostgresLedger(connectionString, options);
    }

    /// <summary>True when <paramref name="value"/> names the SQLite ledger ("SQLite" or blank).</summary>
    public static bool IsSqlite(string? value) => string.IsNullOrWhiteSpace(value) || string.Equals(value!.Trim(), Sqlite, StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// Checks a PostgreSQL connection string and refuses one that holds a password (settings are never a place for
    /// it); throws <see cref="LedgerException"/> with <see cref="LedgerException.InvalidConnectionStringId"/>.
    /// </summary>
    // No Npgsql type in the public API: the cmdlet assembly (default load context) must never need Npgsql itself.
    public static void Check(string connectionString) => Parse(connectionString);

    /// <summary><see cref="Check"/>, returning the parsed string.</summary>
    internal static NpgsqlConnectionStringBuilder Parse(string connectionString)
    {
        NpgsqlConnectionStringBuilder builder;
        try
        {
            builder = new NpgsqlConnectionStringBuilder(connectionString);
        }
        catch (Exception e) when (e is ArgumentException or FormatException or InvalidOperationException or KeyNotFoundException)
        {
            throw Invalid($"'{Redact(connectionString)}' is not a PostgreSQL connection string: {e.Message}", e);
        }
        if (!string.IsNullOrEmpty(builder.Password))
            throw Invalid("The ledger connection string holds a password; settings never keep one in clear.",
                null, "Remove Password= and give it through the PGPASSWORD environment variable or a .pgpass-style file (Passfile=PATH, PGPASSFILE, or ~/.pgpass). SecretManagement vaults are not supported for the ledger.");
        if (string.IsNullOrWhiteSpace(builder.Host) && string.IsNullOrEmpty(Environment.GetEnvironmentVariable("PGHOST")))
            throw Invalid($"'{connectionString}' names no server: give Host=NAME (and Database=, Username=).", null);
        return builder;
    }

    /// <summary>"PostgreSQL host:port/database as user", for messages (never the password).</summary>
    internal static string Describe(NpgsqlConnectionStringBuilder builder) =>
        $"PostgreSQL {builder.Host ?? Environment.GetEnvironmentVariable("PGHOST")}:{builder.Port}/{builder.Database ?? Environment.GetEnvironmentVariable("PGDATABASE") ?? "(default)"}" +
        $" as {builder.Username ?? Environment.GetEnvironmentVariable("PGUSER") ?? Environment.UserName}";

    private static string? Normalize(string value) => IsSqlite(value) ? null : value.Trim();

    private static LedgerException Invalid(string message, Exception? inner, string? action = null) =>
        new(LedgerException.InvalidConnectionStringId, ErrorKind.InvalidArgument, message,
            action ?? "Give a connection string such as 'Host=db.example.com;Database=gemini;Username=alice' (see Get-Help Set-GeminiConfig -Parameter Ledger), or 'SQLite' for the local ledger.",
            "PostgreSQL", inner);

    // A string that did not parse may still hold a password: never echo its value.
    private static string Redact(string text) =>
        string.Join(";", text.Split(';').Select(part => part.Split('=')[0].Trim().StartsWith("pass", StringComparison.OrdinalIgnoreCase) && part.Contains("=") ? part.Split('=')[0] + "=***" : part));
}
