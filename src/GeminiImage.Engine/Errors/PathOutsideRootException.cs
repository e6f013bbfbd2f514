namespace GeminiImage.Engine.Errors;

/// <summary>A path written in a file (batch row, chat, watch setting) that would lead outside the folder it belongs to.</summary>
public sealed class PathOutsideRootException(string path, string root, string rule, string? where = null)
    : GeminiImageException($"{(where != null ? where + ": " : "")}the path '{path}' is refused: {rule} (it must stay inside '{root}').")
{
    /// <summary>The path as written.</summary>
    public string Path { get; } = path;
    /// <summary>The folder it must stay in.</summary>
    public string Root { get; } = root;
    /// <summary>The rule it broke, in words.</summary>
    public string Rule { get; } = rule;
    public override string ErrorId => "GeminiImage.PathOutsideRoot";
    public override ErrorKind Kind => ErrorKind.InvalidArgument;
    public override string? RecommendedAction => "Write the path relative to that folder, or, if you trust the file, use -AllowAbsolutePaths.";
}
