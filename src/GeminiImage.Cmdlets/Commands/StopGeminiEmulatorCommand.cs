using GeminiImage.Emulator;

namespace GeminiImage.Cmdlets.Commands;

/// <summary>Stop-GeminiEmulator: stops the emulator this session started and points the session back at its previous settings.</summary>
[Cmdlet(VerbsLifecycle.Stop, "GeminiEmulator")]
public sealed class StopGeminiEmulatorCommand : PSCmdlet
{
    private bool _given;

    /// <summary>The emulator to stop, as Start-GeminiEmulator returned it (default: this session's).</summary>
    // Not typed as GeminiEmulator: a parameter of that type would load the emulator when the module is imported.
    [Parameter(Position = 0, ValueFromPipeline = true)]
    [ValidateNotNull]
    public PSObject? InputObject { get; set; }

    protected override void ProcessRecord()
    {
        if (InputObject == null) return;
        _given = true;
        if (InputObject.BaseObject is not GeminiEmulator emulator)
        {
            WriteError(ErrorRecords.From(new GeminiArgumentException("GeminiImage.NotAnEmulator",
                $"'{InputObject}' is not an emulator: give what Start-GeminiEmulator returned, or nothing to stop this session's emulator."), InputObject));
            return;
        }
        // This session's emulator also gives the session its previous settings back; one replaced since is only stopped (again).
        if (ReferenceEquals(emulator, EmulatorHost.Current)) EmulatorHost.Stop();
        else emulator.Stop();
    }

    protected override void EndProcessing()
    {
        if (_given) return;
        if (EmulatorHost.Current == null) WriteVerbose("No emulator is running in this session.");
        EmulatorHost.Stop();
    }
}
