namespace GeminiImage.Engine.Ledger;

/// <summary>Which ledger records a query or summary covers. Every criterion is optional.</summary>
public sealed class UsageFilter
{
    /// <summary>Records at or after this instant.</summary>
    public DateTime? Since { get; set; }

    /// <summary>Records strictly before this instant.</summary>
    public DateTime? Until { get; set; }

    /// <summary>Exact model id, case-insensitive; a "models/" prefix is ignored.</summary>
    public string? Model { get; set; }

    /// <summary>Records carrying this tag, case-insensitive.</summary>
    public string? Tag { get; set; }

    /// <summary>Records of this user name, case-insensitive.</summary>
    public string? User { get; set; }

    /// <summary>Records charged to this project, case-insensitive.</summary>
    public string? Project { get; set; }

    /// <summary>Only the newest N matching records (still returned oldest first).</summary>
    public int? Last { get; set; }
}
