using System.Net.Sockets;
using GeminiImage.Engine.Errors;
using GeminiImage.Engine.Ledger;
using Npgsql;
using Xunit;

namespace GeminiImage.Tests.Ledger;

/// <summary>
/// How a server error becomes a ledger error: "cannot be reached" keeps usage records pending (added when the server is
/// back), a refused login or missing rights must be fixed by the user, and anything else is not the ledger's to rename.
/// </summary>
public sealed class PostgresErrorsTests
{
    private const string Location = "PostgreSQL db.example:5432/usage as ann";

    private static PostgresException Server(string sqlState) => new("the server's words", "FATAL", "FATAL", sqlState);

    [Theory]
    [InlineData("28P01", LedgerException.AuthenticationFailedId, ErrorKind.Authentication, "refused the login: the server's words")]
    [InlineData("28000", LedgerException.AuthenticationFailedId, ErrorKind.Authentication, "refused the login: the server's words")]
    [InlineData("42501", LedgerException.PermissionDeniedId, ErrorKind.Authentication, "denied access: the server's words")]
    [InlineData("3D000", LedgerException.UnreachableId, ErrorKind.ResourceUnavailable, "has no such database: the server's words")]
    [InlineData("08006", LedgerException.UnreachableId, ErrorKind.ResourceUnavailable, "cannot be reached")]
    [InlineData("57P01", LedgerException.UnreachableId, ErrorKind.ResourceUnavailable, "cannot be reached")]
    [InlineData("57P03", LedgerException.UnreachableId, ErrorKind.ResourceUnavailable, "cannot be reached")]
    public void Server_states_map_to_their_ledger_errors(string sqlState, string id, ErrorKind kind, string words)
    {
        foreach (var error in new Exception[] { Server(sqlState), new NpgsqlException("wrapped", Server(sqlState)) })
        {
            var translated = Assert.IsType<LedgerException>(PostgresErrors.Translate(error, Location));
            Assert.Equal(id, translated.ErrorId);
            Assert.Equal(kind, translated.Kind);
            Assert.StartsWith($"The team ledger {Location} ", translated.Message);
            Assert.Contains(words, translated.Message);
            Assert.Same(error, translated.InnerException);
        }
    }

    [Fact]
    public void Network_failures_without_a_server_answer_are_unreachable()
    {
        foreach (var error in new Exception[]
        {
            new NpgsqlException("connect failed"), new SocketException((int)SocketError.ConnectionRefused), new TimeoutException("slow"),
            new IOException("reset"), new InvalidOperationException("x", new SocketException((int)SocketError.HostUnreachable)),
            new InvalidOperationException("x", new TimeoutException()), new InvalidOperationException("x", new IOException()),
        })
        {
            var translated = Assert.IsType<LedgerException>(PostgresErrors.Translate(error, Location));
            Assert.Equal(LedgerException.UnreachableId, translated.ErrorId);
            Assert.Contains("cannot be reached: " + error.Message, translated.Message);
        }
    }

    [Fact]
    public void Other_errors_pass_through_unchanged()
    {
        // A constraint the server enforced is an answer, not an outage: records must not be kept as pending for it.
        foreach (var error in new Exception[]
        {
            Server("23505"), Server("42P01"), new InvalidOperationException("bug"), new ArgumentException("bad"),
            // Already a ledger error (here one that wraps a network failure): kept as it is, not wrapped again.
            new LedgerException(LedgerException.UnreachableId, ErrorKind.ResourceUnavailable, "away", "retry", Location, new SocketException()),
        })
        {
            Assert.Same(error, PostgresErrors.Translate(error, Location));
        }
    }

    [Fact]
    public void A_shut_down_server_is_a_broken_connection_other_answers_are_not()
    {
        using var connection = new NpgsqlConnection();
        Assert.True(PostgresErrors.IsBrokenConnection(Server("57P01"), connection));
        Assert.True(PostgresErrors.IsBrokenConnection(new NpgsqlException("x", Server("57P02")), connection));
        Assert.False(PostgresErrors.IsBrokenConnection(Server("57P03"), connection));
        Assert.False(PostgresErrors.IsBrokenConnection(Server("23505"), connection));
        Assert.False(PostgresErrors.IsBrokenConnection(new NpgsqlException("x"), connection));
        Assert.False(PostgresErrors.IsBrokenConnection(new IOException("x"), connection));
    }
}
