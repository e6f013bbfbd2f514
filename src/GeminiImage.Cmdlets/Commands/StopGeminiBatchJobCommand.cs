namespace GeminiImage.Cmdlets.Commands;

/// <summary>Stop-GeminiBatchJob: cancels a server-side batch job; rows it has not processed are not charged.</summary>
[Cmdlet(VerbsLifecycle.Stop, "GeminiBatchJob", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(GeminiBatchJob))]
public sealed class StopGeminiBatchJobCommand : BatchJobCmdlet
{
    /// <summary>Emit the job after the cancel request.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void ProcessRecord()
    {
        if (!ShouldProcess(Name, "Cancel the batch job")) return;
        try
        {
            var job = Run(token => BatchClient.CancelAsync(Name, token));
            if (PassThru) WriteObject(job);
        }
        catch (GeminiImageException ex)
        {
            WriteError(ErrorRecords.From(ex, Name));
        }
    }
}
