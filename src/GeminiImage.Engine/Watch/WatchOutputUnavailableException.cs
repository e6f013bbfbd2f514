namespace GeminiImage.Engine.Watch;

/// <summary>The watch's output folder cannot take results: the watch stops before paying for another file.</summary>
public sealed class WatchOutputUnavailableException : GeminiImageException
{
    public WatchOutputUnavailableException(string directory, string reason)
        : base($"The output folder '{directory}' cannot be written ({reason}); the watch stopped so that nothing more is paid for.") => Directory = directory;

    public string Directory { get; }
    public override string ErrorId => "GeminiImage.OutputFolderUnavailable";
    public override ErrorKind Kind => ErrorKind.WriteError;
    public override string? RecommendedAction => "Make the output folder a writable folder again, then start the watch again; the files not done wait in the watched folder.";
}
