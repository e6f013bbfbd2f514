using GeminiImage.Engine.Chat;

namespace GeminiImage.Cmdlets.Commands;

/// <summary>Save-GeminiImageChat: writes a chat (history, signatures and all) to a JSON file to go on another day.</summary>
[Cmdlet(VerbsData.Save, "GeminiImageChat", SupportsShouldProcess = true)]
[OutputType(typeof(FileInfo))]
public sealed class SaveGeminiImageChatCommand : PSCmdlet
{
    [Parameter(Mandatory = true, ValueFromPipeline = true)]
    [ValidateNotNull]
    public ImageChat Chat { get; set; } = null!;

    [Parameter(Mandatory = true, Position = 0)]
    [Alias("LiteralPath")]
    public string Path { get; set; } = "";

    [Parameter]
    public SwitchParameter Force { get; set; }

    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void ProcessRecord()
    {
        var path = GetUnresolvedProviderPathFromPSPath(Path);
        if (!ShouldProcess(path, $"Save chat {Chat.Id} ({Chat.Turns.Count} turns)")) return;
        try
        {
            OutputWriter.WriteAtomic(System.Text.Encoding.UTF8.GetBytes(Chat.ToJson()), path, Force);
        }
        catch (Engine.Errors.OutputExistsException ex)
        {
            WriteError(ErrorRecords.From(ex, path));
            return;
        }
        catch (System.Exception ex) when (ex is IOException or System.UnauthorizedAccessException)
        {
            WriteError(ErrorRecords.From(new GeminiOperationException("GeminiImage.SaveFailed", ErrorKind.WriteError, ex.Message, ex), path));
            return;
        }
        if (PassThru) WrittenFile.Write(this, path);
    }
}
