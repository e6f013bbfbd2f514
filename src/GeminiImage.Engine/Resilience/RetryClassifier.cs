namespace GeminiImage.Engine.Resilience;

/// <summary>Which failures are worth another attempt, and how long to wait (reference §5.4).</summary>
public static class RetryClassifier
{
    public static bool IsRetryable(Exception exception) => exception switch
    {
        GeminiApiException api => api.HttpStatus switch
        {
            429 => !api.IsDailyQuota,
            408 or 500 or 502 or 503 or 504 => true,
            _ => false,
        },
        GeminiConnectionException => true,
        AttemptTimeoutException => true,
        _ => false,
    };

    /// <summary>The server's RetryInfo (or Retry-After) wins over the backoff on a 429.</summary>
    public static TimeSpan? ServerDelay(Exception exception) =>
        exception is GeminiApiException { HttpStatus: 429, RetryDelay: { } delay } ? delay : null;

    public static string Describe(Exception exception) => exception switch
    {
        GeminiApiException api => $"HTTP {api.HttpStatus}{(api.ApiStatus != null ? " " + api.ApiStatus : "")}",
        AttemptTimeoutException => "attempt timed out",
        GeminiConnectionException c => "connection failed: " + c.Message,
        _ => exception.GetType().Name,
    };
}

/// <summary>One attempt ran past the per-attempt timeout (retried; the overall timeout is final).</summary>
public sealed class AttemptTimeoutException : GeminiImageException
{
    public AttemptTimeoutException(TimeSpan timeout) : base($"The request did not complete within {timeout.TotalSeconds:0.#} s.") { }
    public override string ErrorId => "GeminiImage.Timeout";
    public override ErrorKind Kind => ErrorKind.Timeout;
    public override string? RecommendedAction => "Raise -TimeoutSec (large images can take minutes) or try again later.";
}
