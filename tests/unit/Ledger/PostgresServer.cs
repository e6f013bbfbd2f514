using System.Diagnostics;
using System.Text.Json;
using Npgsql;
using Xunit;

namespace GeminiImage.Tests.Ledger;

/// <summary>
/// The real PostgreSQL server of the ledger tests: the one build.ps1 -Task Test started (GEMINI_TEST_PG names its state
/// file), or one started here with tools/Start-TestPostgres.ps1 and stopped afterwards. No server means failed tests.
/// </summary>
public sealed class PostgresServer : IDisposable
{
    /// <summary>Environment variable with the path of Start-TestPostgres.ps1's state file.</summary>
    public const string StateVariable = "GEMINI_TEST_PG";

    private readonly string? _ownedState;

    public PostgresServer()
    {
        var state = Environment.GetEnvironmentVariable(StateVariable);
        if (string.IsNullOrEmpty(state) || !File.Exists(state))
        {
            _ownedState = Path.Combine(Path.GetTempPath(), "gi-pg-" + Guid.NewGuid().ToString("N") + ".json");
            RunTool("Start-TestPostgres.ps1", _ownedState);
            state = _ownedState;
        }
        using var json = JsonDocument.Parse(File.ReadAllText(state));
        var root = json.RootElement;
        Port = root.GetProperty("Port").GetInt32();
        AdminUser = root.GetProperty("AdminUser").GetString()!;
        LimitedUser = root.GetProperty("LimitedUser").GetString()!;
        Password = root.GetProperty("Password").GetString()!;
        // How a user gives the password without putting it in the settings (the connection strings here have none).
        Environment.SetEnvironmentVariable("PGPASSWORD", Password);
    }

    public int Port { get; }
    public string AdminUser { get; }
    public string LimitedUser { get; }
    public string Password { get; }

    /// <summary>A connection string without password, as Set-GeminiConfig -Ledger takes it.</summary>
    public string ConnectionString(string database, string? user = null) =>
        $"Host=127.0.0.1;Port={Port};Database={database};Username={user ?? AdminUser};Pooling=false";

    /// <summary>A fresh, empty database owned by the admin user.</summary>
    public string CreateDatabase()
    {
        var name = "t_" + Guid.NewGuid().ToString("N");
        Sql("gemini_test", $"CREATE DATABASE {name} OWNER {AdminUser}");
        Sql(name, $"GRANT CONNECT ON DATABASE {name} TO {LimitedUser}");
        return name;
    }

    /// <summary>Runs SQL as the admin user.</summary>
    public void Sql(string database, string sql)
    {
        using var connection = new NpgsqlConnection(ConnectionString(database) + ";Password=" + Password);
        connection.Open();
        using var command = new NpgsqlCommand(sql, connection);
        command.ExecuteNonQuery();
    }

    /// <summary>One value, as the admin user.</summary>
    public object? Scalar(string database, string sql)
    {
        using var connection = new NpgsqlConnection(ConnectionString(database) + ";Password=" + Password);
        connection.Open();
        using var command = new NpgsqlCommand(sql, connection);
        return command.ExecuteScalar();
    }

    public void Dispose()
    {
        if (_ownedState != null) RunTool("Stop-TestPostgres.ps1", _ownedState);
    }

    private static void RunTool(string script, string stateFile)
    {
        var root = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(root, "GeminiImage.sln"))) root = Path.GetDirectoryName(root) ?? throw new InvalidOperationException("repository root not found");
        var info = new ProcessStartInfo("dotnet") { WorkingDirectory = root, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "pwsh", "-NoProfile", "-NonInteractive", "-File", Path.Combine(root, "tools", script), "-StateFile", stateFile }) info.ArgumentList.Add(a);
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0) throw new InvalidOperationException($"{script} failed ({process.ExitCode}): {error}{output.Result}");
    }
}

[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresServer>
{
    public const string Name = "PostgreSQL";
}
