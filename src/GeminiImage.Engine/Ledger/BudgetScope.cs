namespace GeminiImage.Engine.Ledger;

/// <summary>Names of the budgets a team ledger keeps: the whole team's, and one per project.</summary>
public static class BudgetScope
{
    /// <summary>The budget of every record in the team ledger.</summary>
    public const string Team = "team";

    private const string ProjectPrefix = "project:";

    /// <summary>The budget of the records charged to <paramref name="project"/> (case-insensitive).</summary>
    public static string ForProject(string project) => ProjectPrefix + project.Trim();

    /// <summary>The project of a project scope; null for the team scope.</summary>
    public static string? ProjectOf(string scope) =>
        scope.StartsWith(ProjectPrefix, StringComparison.OrdinalIgnoreCase) ? scope.Substring(ProjectPrefix.Length) : null;

    /// <summary>"", "team " or "project 'X' " before "daily"/"monthly" in messages.</summary>
    public static string Describe(string? scope) => scope == null ? "" : ProjectOf(scope) is { } project ? $"project '{project}' " : "team ";
}
