namespace GeminiImage.Engine.Errors;

/// <summary>An output target that cannot be used, found before sending: nothing was paid for.</summary>
public sealed class OutputUnusableException : GeminiImageException
{
    /// <summary>-OutFile names a folder.</summary>
    public const string IsFolderId = "GeminiImage.OutFileIsFolder";
    /// <summary>The output would replace an input image.</summary>
    public const string IsInputId = "GeminiImage.OutputIsInput";
    /// <summary>The folder cannot be written, or its disk is nearly full.</summary>
    public const string FolderUnavailableId = "GeminiImage.OutputFolderUnavailable";

    public OutputUnusableException(string errorId, string path, string message) : base(message)
    {
        ErrorId = errorId;
        Path = path;
    }

    public string Path { get; }
    public override string ErrorId { get; }
    public override ErrorKind Kind => ErrorId == FolderUnavailableId ? ErrorKind.WriteError : ErrorKind.InvalidArgument;
    public override string? RecommendedAction => ErrorId switch
    {
        IsFolderId => "Name a file with -OutFile, or give the folder as -OutputDirectory.",
        IsInputId => "Choose another -Suffix, -OutFile or -OutputDirectory: input images are never overwritten.",
        _ => "Choose a writable folder with free space (-OutputDirectory), or fix this one; nothing was sent.",
    };
}
