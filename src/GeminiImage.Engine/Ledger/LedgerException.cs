namespace GeminiImage.Engine.Ledger;

/// <summary>
/// The ledger's store cannot be used as configured: a wrong connection string, a server that cannot be reached, a
/// login refused, no right to create the tables, tables from a newer module. Each has its own stable id.
/// </summary>
public sealed class LedgerException : GeminiImageException
{
    /// <summary>A connection string that cannot be parsed or holds a password.</summary>
    public const string InvalidConnectionStringId = "GeminiImage.InvalidLedgerConnectionString";
    /// <summary>The server cannot be reached (host, port, network, timeout) or went away.</summary>
    public const string UnreachableId = "GeminiImage.LedgerUnreachable";
    /// <summary>The server refused the login (user or password).</summary>
    public const string AuthenticationFailedId = "GeminiImage.LedgerAuthenticationFailed";
    /// <summary>The user may not create or use the ledger's tables.</summary>
    public const string PermissionDeniedId = "GeminiImage.LedgerPermissionDenied";
    /// <summary>The tables were made by a newer module version.</summary>
    public const string SchemaTooNewId = "GeminiImage.LedgerSchemaTooNew";
    /// <summary>Team and project budgets (and the audit log) need a team ledger, and the ledger in effect is the SQLite file.</summary>
    public const string TeamLedgerRequiredId = "GeminiImage.TeamLedgerRequired";

    /// <summary>The error for a team-only operation on the per-user SQLite ledger at <paramref name="location"/>.</summary>
    public static LedgerException TeamLedgerRequired(string what, string location) => new(TeamLedgerRequiredId, ErrorKind.InvalidArgument,
        $"{what} live in a team ledger (PostgreSQL), and the ledger in effect is the per-user file {location}.",
        "Set a team ledger first: Set-GeminiConfig -Ledger 'Host=...;Database=...;Username=...' (see Get-Help Set-GeminiConfig -Parameter Ledger).",
        location);

    /// <summary>Creates the exception.</summary>
    public LedgerException(string errorId, ErrorKind kind, string message, string? recommendedAction, string location, Exception? inner = null)
        : base(message, inner)
    {
        ErrorId = errorId;
        Kind = kind;
        RecommendedAction = recommendedAction;
        Location = location;
    }

    /// <summary>The same error, saying that the paid request was not sent because of it.</summary>
    public LedgerException NothingSent() => new(ErrorId, Kind, Message + " Budgets cannot be checked without the ledger, so the request was not sent.",
        RecommendedAction, Location, InnerException);

    /// <summary>The ledger concerned (never with a password).</summary>
    public string Location { get; }

    /// <inheritdoc />
    public override string ErrorId { get; }

    /// <inheritdoc />
    public override ErrorKind Kind { get; }

    /// <inheritdoc />
    public override string? RecommendedAction { get; }
}
