namespace GeminiImage.Cmdlets.Commands;

/// <summary>Clear-GeminiBudget: removes the spending limits (all, or only the daily or the monthly one).</summary>
[Cmdlet(VerbsCommon.Clear, "GeminiBudget", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(GeminiBudgetView))]
public sealed class ClearGeminiBudgetCommand : BudgetCmdlet
{
    /// <summary>Remove only the daily limit.</summary>
    [Parameter]
    public SwitchParameter Daily { get; set; }

    /// <summary>Remove only the monthly limit.</summary>
    [Parameter]
    public SwitchParameter Monthly { get; set; }

    protected override void EndProcessing()
    {
        if (TeamScope is { } scope)
        {
            ClearTeamBudget(scope);
            return;
        }
        var store = new BudgetStore();
        var path = store.Path;
        var all = Daily == Monthly; // neither or both: everything goes
        try
        {
            if (all)
            {
                if (store.Exists && ShouldProcess(path, "Remove all spending limits")) store.Clear();
            }
            else if (store.Exists)
            {
                var settings = store.Load();
                if (ShouldProcess(path, Daily ? "Remove the daily limit" : "Remove the monthly limit"))
                {
                    if (Daily) settings.Daily = null;
                    else settings.Monthly = null;
                    settings.Save(store.Folder);
                }
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException || MalformedJson.Is(ex))
        {
            WriteError(ErrorRecords.From(ex, path));
            return;
        }
        if (PassThru) BudgetOutput.Write(this);
    }

    /// <summary>Removes a team or project budget (whole: -Daily/-Monthly apply to the personal budget only).</summary>
    private void ClearTeamBudget(string scope)
    {
        try
        {
            var ledger = TeamBudgetScope.Ledger();
            if (ShouldProcess(ledger.Location, $"Remove the {BudgetScope.Describe(scope)}budget") && !ledger.RemoveBudget(scope))
                WriteVerbose($"There is no {BudgetScope.Describe(scope)}budget in {ledger.Location}.");
            if (PassThru) BudgetOutput.Write(this);
        }
        catch (LedgerException ex)
        {
            WriteError(ErrorRecords.From(ex, scope));
        }
    }
}
