namespace GeminiImage.Engine.Errors;

/// <summary>
/// A path the module was about to write, move or read from a watched folder is a symbolic link (or another
/// reparse point), or resolves outside the folder the user named. Nothing was written through it.
/// ErrorId <c>GeminiImage.UnsafePath</c>.
/// </summary>
public sealed class UnsafePathException : GeminiImageException
{
    public const string Id = "GeminiImage.UnsafePath";

    public UnsafePathException(string path, string message) : base(message) => Path = path;

    /// <summary>The offending path (the link itself, or the path that escapes).</summary>
    public string Path { get; }

    public override string ErrorId => Id;
    public override ErrorKind Kind => ErrorKind.Blocked;
    public override string? RecommendedAction => "Remove the link, or name the real folder yourself.";
}
