namespace GeminiImage.Cmdlets.Infrastructure;

/// <summary>A watched file that failed for a reason recorded earlier (no live exception).</summary>
internal sealed class WatchItemException : GeminiImageException
{
    public WatchItemException(string errorId, string message) : base(message) => ErrorId = errorId;
    public override string ErrorId { get; }
    public override ErrorKind Kind => ErrorKind.InvalidData;
}
