namespace GeminiImage.Engine.Errors;

/// <summary>Something named by the user does not exist (a model entry, a price file, a chat, a batch manifest, a task).</summary>
public sealed class GeminiNotFoundException : GeminiImageException
{
    /// <param name="errorId">The stable id, e.g. <c>GeminiImage.ChatNotFound</c>.</param>
    /// <param name="message">What was not found, naming it.</param>
    /// <param name="inner">The file-system error behind it, if any.</param>
    public GeminiNotFoundException(string errorId, string message, System.Exception? inner = null) : base(message, inner) => ErrorId = errorId;

    /// <inheritdoc />
    public override string ErrorId { get; }

    /// <inheritdoc />
    public override ErrorKind Kind => ErrorKind.NotFound;
}
