using GeminiImage.Engine.Chat;

namespace GeminiImage.Cmdlets.Commands;

/// <summary>Import-GeminiImageChat: reads a chat saved with Save-GeminiImageChat.</summary>
[Cmdlet(VerbsData.Import, "GeminiImageChat")]
[OutputType(typeof(ImageChat))]
public sealed class ImportGeminiImageChatCommand : PSCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("PSPath", "LP", "FullName", "LiteralPath")]
    public string Path { get; set; } = "";

    /// <summary>Trust the file: accept turn images outside the chat's output folder (refused by default with GeminiImage.PathOutsideRoot).</summary>
    [Parameter]
    public SwitchParameter AllowAbsolutePaths { get; set; }

    protected override void ProcessRecord()
    {
        var path = GetUnresolvedProviderPathFromPSPath(Path);
        try
        {
            var chat = ImageChat.Load(path, out var notes, trusted: AllowAbsolutePaths);
            chat.ContainPaths(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path))!, AllowAbsolutePaths);
            foreach (var note in notes) WriteWarning(note);
            WriteObject(chat);
        }
        catch (GeminiImageException ex)
        {
            WriteError(ErrorRecords.From(ex, path));
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            WriteError(ErrorRecords.From(new GeminiNotFoundException("GeminiImage.ChatNotFound", ex.Message, ex), path));
        }
        catch (Exception ex) when (ex is InvalidDataException || MalformedJson.Is(ex))
        {
            WriteError(ErrorRecords.From(new GeminiOperationException("GeminiImage.InvalidChatFile", ErrorKind.InvalidData, ex.Message, ex), path));
        }
    }
}
