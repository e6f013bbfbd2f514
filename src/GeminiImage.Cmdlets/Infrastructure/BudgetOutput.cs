namespace GeminiImage.Cmdlets.Infrastructure;

/// <summary>Writes the budget view, turning a ledger that cannot be read into an error record.</summary>
internal static class BudgetOutput
{
    public static void Write(PSCmdlet cmdlet)
    {
        try
        {
            cmdlet.WriteObject(GeminiBudgetView.Current());
            // A team ledger's budgets follow the personal one.
            if (LedgerSettings.Open() is ITeamLedger team) cmdlet.WriteObject(GeminiBudgetView.Team(team).ToList(), true);
        }
        catch (Exception ex) when (ex is not PipelineStoppedException)
        {
            cmdlet.WriteError(LedgerErrors.Unavailable(ex, Path.Combine(DataFolder.Default, UsageLedger.DatabaseFileName)));
        }
    }
}
