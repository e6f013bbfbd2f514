namespace GeminiImage.Engine.Ledger;

/// <summary>
/// The personal budget file of a data folder (budget.json) and its warning state: read, saved and removed here, not
/// by the cmdlets. Changing the limits re-arms the near-budget warning (the threshold may have moved).
/// </summary>
public sealed class BudgetStore
{
    /// <param name="dataFolder">The data folder; default <see cref="DataFolder.Default"/>.</param>
    public BudgetStore(string? dataFolder = null) => Folder = dataFolder ?? DataFolder.Default;

    public string Folder { get; }
    /// <summary>The budget file.</summary>
    public string Path => System.IO.Path.Combine(Folder, BudgetSettings.FileName);
    private string StatePath => System.IO.Path.Combine(Folder, BudgetGuard.StateFileName);

    /// <summary>There are limits set.</summary>
    public bool Exists => File.Exists(Path);

    /// <summary>The limits (none set: no limits, warnings at the default threshold). Throws for an unreadable or damaged file.</summary>
    public BudgetSettings Load() => BudgetSettings.Load(Folder);

    /// <summary>Saves the limits and re-arms the warning.</summary>
    public void Save(BudgetSettings settings)
    {
        settings.Save(Folder);
        if (File.Exists(StatePath)) File.Delete(StatePath);
    }

    /// <summary>Removes every limit and the warning state; false when there were none.</summary>
    public bool Clear()
    {
        if (!Exists) return false;
        File.Delete(Path);
        if (File.Exists(StatePath)) File.Delete(StatePath);
        return true;
    }
}
