namespace GeminiImage.Cmdlets.Commands;

/// <summary>Stop-GeminiEmulator: stops the emulator this session started and points the session back at its previous settings.</summary>
[Cmdlet(VerbsLifecycle.Stop, "GeminiEmulator")]
public sealed class StopGeminiEmulatorCommand : PSCmdlet
{
    protected override void EndProcessing()
    {
        if (EmulatorHost.Current == null) WriteVerbose("No emulator is running in this session.");
        EmulatorHost.Stop();
    }
}
