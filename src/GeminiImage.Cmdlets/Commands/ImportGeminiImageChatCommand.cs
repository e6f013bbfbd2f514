using System;
using System.IO;
using System.Management.Automation;
using GeminiImage.Engine.Chat;
using GeminiImage.Engine.Errors;

namespace GeminiImage.Cmdlets.Commands;

/// <summary>Import-GeminiImageChat: reads a chat saved with Save-GeminiImageChat.</summary>
[Cmdlet(VerbsData.Import, "GeminiImageChat")]
[OutputType(typeof(ImageChat))]
public sealed class ImportGeminiImageChatCommand : PSCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("PSPath", "LP", "FullName", "LiteralPath")]
    public string Path { get; set; } = "";

    protected override void ProcessRecord()
    {
        var path = GetUnresolvedProviderPathFromPSPath(Path);
        try
        {
            WriteObject(ImageChat.FromJson(File.ReadAllText(path)));
        }
        catch (FileNotFoundException ex)
        {
            WriteError(new ErrorRecord(ex, "GeminiImage.ChatNotFound", ErrorCategory.ObjectNotFound, path));
        }
        catch (DirectoryNotFoundException ex)
        {
            WriteError(new ErrorRecord(ex, "GeminiImage.ChatNotFound", ErrorCategory.ObjectNotFound, path));
        }
        catch (Exception ex) when (MalformedJson.Is(ex))
        {
            WriteError(new ErrorRecord(ex, "GeminiImage.InvalidChatFile", ErrorCategory.InvalidData, path));
        }
        catch (InvalidDataException ex)
        {
            WriteError(new ErrorRecord(ex, "GeminiImage.InvalidChatFile", ErrorCategory.InvalidData, path));
        }
    }
}
