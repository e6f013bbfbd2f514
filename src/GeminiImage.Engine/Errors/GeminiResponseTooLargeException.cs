namespace GeminiImage.Engine.Errors;

/// <summary>An answer larger than <see cref="Api.GeminiClientOptions.MaxResponseBytes"/>: stopped while it streamed, before it could exhaust memory.</summary>
public sealed class GeminiResponseTooLargeException : GeminiImageException
{
    public GeminiResponseTooLargeException(long limit)
        : base($"The service's answer passed the limit of {limit / 1048576.0:0.#} MB per response and was not read further; nothing was saved. (Real answers are at most a few tens of MB, even at 4K.)")
        => Limit = limit;

    /// <summary>The limit in bytes.</summary>
    public long Limit { get; }

    public override string ErrorId => "GeminiImage.ResponseTooLarge";
    public override ErrorKind Kind => ErrorKind.InvalidData;
    public override string? RecommendedAction => "Check -BaseUri (a gateway or proxy may be sending something else), or raise the limit with $env:GEMINI_IMAGE_MAX_RESPONSE_MB.";
}
