using Npgsql;

namespace GeminiImage.Engine.Ledger;

/// <summary>
/// Connections to the team database for what lives beside the ledger (work queues, the shared response cache): the
/// connection string checked (never a password), a short connect timeout, the schema brought to this module's version
/// on first use, and server errors turned into <see cref="LedgerException"/>s.
/// </summary>
internal sealed class PostgresConnector
{
    private readonly string _connectionString;
    private int _schemaReady;

    public PostgresConnector(string connectionString)
    {
        var builder = LedgerSettings.Parse(connectionString);
        Location = LedgerSettings.Describe(builder);
        if (connectionString.IndexOf("Timeout", StringComparison.OrdinalIgnoreCase) < 0) builder.Timeout = 5;
        builder.ApplicationName ??= "GeminiImage";
        _connectionString = builder.ConnectionString;
    }

    /// <summary>The team database (never with a password), for messages.</summary>
    public string Location { get; }

    /// <summary>The team database in effect; <see cref="LedgerException"/> (TeamLedgerRequired, naming <paramref name="what"/>) when the ledger is the SQLite file.</summary>
    public static PostgresConnector Current(string what)
    {
        var (connectionString, _) = LedgerSettings.Resolve();
        if (connectionString == null)
            throw LedgerException.TeamLedgerRequired(what, System.IO.Path.Combine(DataFolder.Default, "usage.db"));
        return new PostgresConnector(connectionString);
    }

    /// <summary>Runs <paramref name="work"/> on an open connection (schema at our version); server errors come out as <see cref="LedgerException"/>s.</summary>
    public T Run<T>(Func<NpgsqlConnection, T> work)
    {
        using var connection = Open();
        try
        {
            return work(connection);
        }
        catch (Exception e) when (e is NpgsqlException or System.IO.IOException or TimeoutException or System.Net.Sockets.SocketException)
        {
            throw Translate(e);
        }
    }

    /// <summary>Opens a connection with the schema at our version; failures come out as <see cref="LedgerException"/>s.</summary>
    public NpgsqlConnection Open()
    {
        var connection = new NpgsqlConnection(_connectionString);
        try
        {
            connection.Open();
            if (Volatile.Read(ref _schemaReady) == 0)
            {
                PostgresSchema.Ensure(connection, Location);
                Volatile.Write(ref _schemaReady, 1);
            }
            return connection;
        }
        catch (Exception e)
        {
            connection.Dispose();
            throw Translate(e);
        }
    }

    /// <summary>The <see cref="LedgerException"/> for <paramref name="e"/>, or <paramref name="e"/> itself rethrown with its stack.</summary>
    private Exception Translate(Exception e)
    {
        var translated = PostgresErrors.Translate(e, Location);
        if (ReferenceEquals(translated, e)) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e).Throw();
        return translated;
    }
}
