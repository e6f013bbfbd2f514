namespace GeminiImage.Cmdlets.Commands;

/// <summary>Get-GeminiBudget: the limits in force, what was spent today and this month (UTC), and what remains.</summary>
[Cmdlet(VerbsCommon.Get, "GeminiBudget")]
[OutputType(typeof(GeminiBudgetView))]
public sealed class GetGeminiBudgetCommand : PSCmdlet
{
    protected override void EndProcessing() => BudgetOutput.Write(this);
}
