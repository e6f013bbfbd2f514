namespace GeminiImage.Engine.Errors;

/// <summary>A path written in a file (batch row, chat, watch setting) that would lead outside the folder it belongs to.</summary>
public sealed class PathOutsideRootException : GeminiImageException
{
    public PathOutsideRootException(string path, string root, string rule, string? where = null)
        : base($"{(where != null ? where + ": " : "")}the path '{path}' is refused: {rule} (it must stay inside '{root}').")
    {
        Path = path;
        Root = root;
        Rule = rule;
    }

    /// <summary>The path as written.</summary>
    public string Path { get; }
    /// <summary>The folder it must stay in.</summary>
    public string Root { get; }
    /// <summary>The rule it broke, in words.</summary>
    public string Rule { get; }
    public override string ErrorId => "GeminiImage.PathOutsideRoot";
    public override ErrorKind Kind => ErrorKind.InvalidArgument;
    public override string? RecommendedAction => "Write the path relative to that folder, or, if you trust the file, use -AllowAbsolutePaths.";
}
