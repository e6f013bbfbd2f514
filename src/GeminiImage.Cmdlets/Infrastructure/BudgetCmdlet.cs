namespace GeminiImage.Cmdlets.Infrastructure;

/// <summary>Base of the cmdlets that change a budget (Set-/Clear-GeminiBudget): which budget, and -PassThru.</summary>
public abstract class BudgetCmdlet : PSCmdlet
{
    /// <summary>Personal (budget.json, the default) or Team (kept in the team ledger, for every record of every machine).</summary>
    [Parameter]
    [ValidateSet(TeamBudgetScope.Personal, TeamBudgetScope.Team)]
    public string Scope { get; set; } = TeamBudgetScope.Personal;

    /// <summary>A budget in the team ledger for the records charged to this project (-Project of the paid cmdlets).</summary>
    [Parameter]
    public string? Project { get; set; }

    /// <summary>Write the budgets in force afterwards.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    /// <summary>The team ledger's scope named by -Scope/-Project; null for the personal budget.</summary>
    protected string? TeamScope => TeamBudgetScope.Of(Scope, Project);
}
