namespace GeminiImage.Cmdlets.Commands;

/// <summary>Set-GeminiBudget: daily and monthly spending limits (USD) checked before every paid call, and the warning threshold.</summary>
[Cmdlet(VerbsCommon.Set, "GeminiBudget", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
[OutputType(typeof(GeminiBudgetView))]
public sealed class SetGeminiBudgetCommand : BudgetCmdlet
{
    /// <summary>Limit per UTC day in USD.</summary>
    [Parameter(Position = 0)]
    public decimal Daily { get; set; }

    /// <summary>Limit per UTC month in USD.</summary>
    [Parameter(Position = 1)]
    public decimal Monthly { get; set; }

    /// <summary>Fraction of a limit (0.8 = 80 %) at which one warning is written per period; 0 turns warnings off.</summary>
    [Parameter]
    public decimal WarnAt { get; set; }

    protected override void EndProcessing()
    {
        var bound = MyInvocation.BoundParameters;
        bool has(string name) => bound.ContainsKey(name);
        if (!has(nameof(Daily)) && !has(nameof(Monthly)) && !has(nameof(WarnAt)))
        {
            WriteError(Invalid("Give -Daily, -Monthly or -WarnAt (Clear-GeminiBudget removes limits).", null));
            return;
        }
        if (has(nameof(Daily)) && Daily < 0) { WriteError(Invalid("-Daily must be 0 or more (USD).", Daily)); return; }
        if (has(nameof(Monthly)) && Monthly < 0) { WriteError(Invalid("-Monthly must be 0 or more (USD).", Monthly)); return; }
        if (has(nameof(WarnAt)) && (WarnAt < 0 || WarnAt > 1)) { WriteError(Invalid("-WarnAt must be between 0 and 1 (0.8 = warn at 80 %; 0 = never warn).", WarnAt)); return; }

        if (TeamScope is { } scope)
        {
            SetTeamBudget(scope);
            return;
        }
        var store = new BudgetStore();
        BudgetSettings settings;
        try
        {
            settings = store.Load();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException || MalformedJson.Is(ex))
        {
            // A damaged budget.json is replaced by the new settings rather than blocking them.
            WriteWarning($"The budget file in '{store.Folder}' could not be read ({ex.Message}); it will be replaced.");
            settings = new BudgetSettings();
        }
        if (has(nameof(Daily))) settings.Daily = Daily;
        if (has(nameof(Monthly))) settings.Monthly = Monthly;
        if (has(nameof(WarnAt))) settings.WarnAt = WarnAt == 0 ? null : WarnAt;

        if (settings.Daily is decimal day && settings.Monthly is decimal month && day > month)
            WriteWarning(string.Format(CultureInfo.InvariantCulture,
                "The daily limit ({0}) is above the monthly limit ({1}): the monthly limit stops spending first. Did you swap them?", Show(day), Show(month)));

        var path = store.Path;
        var description = string.Format(CultureInfo.InvariantCulture, "Set the budget: daily {0}, monthly {1}, warn at {2}",
            Show(settings.Daily), Show(settings.Monthly), settings.WarnAt is decimal w ? w.ToString("P0", CultureInfo.InvariantCulture) : "never");
        if (ShouldProcess(path, description))
        {
            try
            {
                store.Save(settings);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                WriteError(ErrorRecords.From(ex, path));
                return;
            }
        }
        if (PassThru) BudgetOutput.Write(this);
    }

    /// <summary>Changes a team or project budget in the team ledger (the ledger records who and when in its audit log).</summary>
    private void SetTeamBudget(string scope)
    {
        var bound = MyInvocation.BoundParameters;
        try
        {
            var ledger = TeamBudgetScope.Ledger();
            var budget = ledger.GetBudgets().FirstOrDefault(b => string.Equals(b.Scope, scope, StringComparison.OrdinalIgnoreCase))
                ?? new ScopedBudget { Scope = scope, WarnAt = new BudgetSettings().WarnAt };
            if (bound.ContainsKey(nameof(Daily))) budget.Daily = Daily;
            if (bound.ContainsKey(nameof(Monthly))) budget.Monthly = Monthly;
            if (bound.ContainsKey(nameof(WarnAt))) budget.WarnAt = WarnAt == 0 ? null : WarnAt;
            var description = string.Format(CultureInfo.InvariantCulture, "Set the {0}budget: daily {1}, monthly {2}, warn at {3}", BudgetScope.Describe(scope),
                Show(budget.Daily), Show(budget.Monthly), budget.WarnAt is decimal w ? w.ToString("P0", CultureInfo.InvariantCulture) : "never");
            if (ShouldProcess(ledger.Location, description)) ledger.SetBudget(budget);
            if (PassThru) BudgetOutput.Write(this);
        }
        catch (LedgerException ex)
        {
            WriteError(ErrorRecords.From(ex, scope));
        }
    }

    private static string Show(decimal? limit) => limit is decimal d ? Engine.Pricing.Money.Usd(d) : "none";

    private static ErrorRecord Invalid(string message, object? target) => ErrorRecords.From(new GeminiArgumentException("GeminiImage.InvalidArgument", message), target);
}
