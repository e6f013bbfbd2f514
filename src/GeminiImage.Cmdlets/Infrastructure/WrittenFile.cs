namespace GeminiImage.Cmdlets.Infrastructure;

/// <summary>A file a cmdlet wrote, as output.</summary>
internal static class WrittenFile
{
    /// <summary>
    /// The file as Get-Item gives it: the file-system provider's object, with PSPath and PSParentPath, so the
    /// file-system view shows its mode and size (a bare FileInfo shows blank columns).
    /// </summary>
    public static void Write(PSCmdlet cmdlet, string path) =>
        cmdlet.WriteObject(cmdlet.SessionState.InvokeProvider.Item.Get(new[] { path }, true, true), enumerateCollection: true);
}
