namespace GeminiImage.Cmdlets.Infrastructure;

/// <summary>
/// Base of the cmdlets that query the usage ledger (Get-GeminiUsage, Get-GeminiCost, Export-GeminiUsage): the record
/// filter's parameters, declared once, and the one <see cref="CreateFilter"/> built from them.
/// </summary>
public abstract class LedgerQueryCmdlet : PSCmdlet
{
    /// <summary>Records at or after this time (a date without a zone is local time).</summary>
    [Parameter]
    public DateTime? Since { get; set; }

    /// <summary>Records strictly before this time.</summary>
    [Parameter]
    public DateTime? Until { get; set; }

    /// <summary>Exact model id (case-insensitive).</summary>
    [Parameter]
    [ArgumentCompleter(typeof(ModelCompleter))]
    public string? Model { get; set; }

    /// <summary>Only records carrying this tag.</summary>
    [Parameter]
    public string? Tag { get; set; }

    /// <summary>Only records of this user name (case-insensitive).</summary>
    [Parameter]
    public string? User { get; set; }

    /// <summary>Only records charged to this project (case-insensitive).</summary>
    [Parameter]
    public string? Project { get; set; }

    /// <summary>The filter of the parameters given; blank values count as not given.</summary>
    protected UsageFilter CreateFilter() => new()
    {
        Since = LedgerParameters.ToUtc(Since),
        Until = LedgerParameters.ToUtc(Until),
        Model = Text.NullIfBlank(Model),
        Tag = Text.NullIfBlank(Tag),
        User = Text.NullIfBlank(User),
        Project = Text.NullIfBlank(Project),
    };
}
