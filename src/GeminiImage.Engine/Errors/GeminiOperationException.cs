namespace GeminiImage.Engine.Errors;

/// <summary>
/// An operation the module refused or could not finish for a reason that is not a bad argument: a file that is not
/// what it should be, a job in the wrong state, a busy folder, a platform without the feature. The id and the kind
/// say which (the cmdlets map the kind to the ErrorRecord's category).
/// </summary>
public sealed class GeminiOperationException : GeminiImageException
{
    /// <param name="errorId">The stable id, e.g. <c>GeminiImage.BatchNotFinished</c>.</param>
    /// <param name="kind">What kind of failure it is.</param>
    /// <param name="message">What happened and, where it helps, what to do.</param>
    /// <param name="inner">The error behind it, if any.</param>
    /// <param name="recommendedAction">What the user can do about it, when the message does not say.</param>
    public GeminiOperationException(string errorId, ErrorKind kind, string message, System.Exception? inner = null, string? recommendedAction = null) : base(message, inner)
    {
        ErrorId = errorId;
        Kind = kind;
        RecommendedAction = recommendedAction;
    }

    /// <inheritdoc />
    public override string ErrorId { get; }

    /// <inheritdoc />
    public override ErrorKind Kind { get; }

    /// <inheritdoc />
    public override string? RecommendedAction { get; }
}
