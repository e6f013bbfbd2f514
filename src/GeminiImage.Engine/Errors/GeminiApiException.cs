namespace GeminiImage.Engine.Errors;

/// <summary>A non-2xx answer from the Gemini API, with the parsed error envelope (reference §5).</summary>
public class GeminiApiException : GeminiImageException
{
    public GeminiApiException(int httpStatus, string? apiStatus, string message, Exception? inner = null)
        : base(message, inner)
    {
        HttpStatus = httpStatus;
        ApiStatus = apiStatus;
    }

    public int HttpStatus { get; }
    public string? ApiStatus { get; }
    /// <summary>From <c>RetryInfo.retryDelay</c>, or a Retry-After header.</summary>
    public TimeSpan? RetryDelay { get; set; }
    public IReadOnlyList<string> QuotaIds { get; set; } = Array.Empty<string>();
    public string? ErrorReason { get; set; }
    /// <summary>A short snippet of a body that was not JSON (a proxy's HTML page).</summary>
    public string? BodySnippet { get; set; }

    public bool IsInvalidApiKey => IsInvalidKeyReason(ErrorReason);
    public bool IsDailyQuota => HasDailyQuota(QuotaIds);

    internal static bool IsInvalidKeyReason(string? reason) => reason == "API_KEY_INVALID";

    /// <summary>A per-day quota will not recover in seconds (reference §5.3).</summary>
    internal static bool HasDailyQuota(IEnumerable<string> quotaIds) => quotaIds.Any(q => q.IndexOf("PerDay", StringComparison.OrdinalIgnoreCase) >= 0);

    public override string ErrorId => this switch
    {
        _ when IsInvalidApiKey || HttpStatus == 401 || HttpStatus == 403 => "GeminiImage.AuthenticationFailed",
        _ when IsDailyQuota => "GeminiImage.DailyQuotaExceeded",
        _ when HttpStatus == 429 => "GeminiImage.RateLimited",
        _ when HttpStatus == 404 => "GeminiImage.ModelNotFound",
        _ when HttpStatus == 413 => "GeminiImage.RequestTooLarge",
        _ when HttpStatus == 400 => "GeminiImage.BadRequest",
        _ when HttpStatus == 503 => "GeminiImage.ServiceUnavailable",
        _ when HttpStatus is >= 300 and < 400 => "GeminiImage.Redirected",
        _ => "GeminiImage.ServiceError",
    };

    public override ErrorKind Kind => this switch
    {
        _ when IsInvalidApiKey || HttpStatus == 401 || HttpStatus == 403 => ErrorKind.Authentication,
        _ when HttpStatus == 429 => ErrorKind.QuotaExceeded,
        _ when HttpStatus == 404 => ErrorKind.NotFound,
        _ when HttpStatus == 400 || HttpStatus == 413 => ErrorKind.InvalidArgument,
        _ when HttpStatus == 503 => ErrorKind.ResourceUnavailable,
        _ => ErrorKind.ServiceError,
    };

    public override string? RecommendedAction => this switch
    {
        _ when IsInvalidApiKey => "Set a valid key: $env:GEMINI_API_KEY = '<key>', or Set-GeminiConfig -ApiKey (Read-Host -AsSecureString). Keys come from https://aistudio.google.com/apikey.",
        _ when HttpStatus == 401 => "Check the credentials, and through a gateway that -AuthStyle is the one it expects (Header: x-goog-api-key, Bearer: Authorization, Query: ?key=).",
        _ when HttpStatus == 403 => "Check that the API key belongs to a project with the Gemini API enabled and billing linked (image models are paid-tier only).",
        _ when IsDailyQuota => "The daily quota is used up; it resets at midnight Pacific time. Try again then, or raise the quota in Google AI Studio.",
        _ when HttpStatus == 429 => "Slow down: lower Set-GeminiConfig -RequestsPerMinute or -MaxConcurrency, or wait and try again.",
        _ when HttpStatus == 404 => "Check the model id: Get-GeminiModel lists the catalog, Get-GeminiModel -Online the models your key can use.",
        _ when HttpStatus == 503 => "The model is overloaded; try again later or use another model.",
        _ => null,
    };
}

/// <summary>A 2xx answer whose body could not be read as a Gemini response (truncated, garbage).</summary>
public sealed class GeminiResponseFormatException : GeminiImageException
{
    public GeminiResponseFormatException(string message, Exception? inner = null)
        : base("GeminiImage.MalformedResponse", ErrorKind.InvalidData, message, inner,
            "The service (or a proxy) sent an unreadable answer; try again. Check -BaseUri if you use a gateway.") { }
}

/// <summary>The request got no image: a blocked prompt, a safety finish, or a text-only answer (reference §4.7).</summary>
public sealed class GeminiNoImageException : GeminiImageException
{
    public GeminiNoImageException(string message, string? blockReason, string? finishReason, string? modelText)
        : base(message)
    {
        BlockReason = blockReason;
        FinishReason = finishReason;
        ModelText = modelText;
    }

    public string? BlockReason { get; }
    public string? FinishReason { get; }
    public string? ModelText { get; }

    public override string ErrorId => BlockReason != null ? "GeminiImage.PromptBlocked"
        : FinishReason != null && (FinishReason.StartsWith("IMAGE_", StringComparison.Ordinal) && FinishReason != "IMAGE_OTHER"
            || FinishReason is "SAFETY" or "PROHIBITED_CONTENT" or "BLOCKLIST" or "SPII" or "RECITATION") ? "GeminiImage.ContentBlocked"
        : "GeminiImage.NoImage";

    public override ErrorKind Kind => ErrorId == "GeminiImage.NoImage" ? ErrorKind.InvalidData : ErrorKind.Blocked;

    public override string? RecommendedAction => ErrorId == "GeminiImage.NoImage"
        ? "The model answered without an image; ask for the image explicitly (for example 'Generate an image of ...')."
        : "Rephrase the prompt or use other input images; safety blocks cannot be turned off.";
}

/// <summary>A call that ran past its overall or per-attempt timeout.</summary>
public sealed class GeminiTimeoutException : GeminiImageException
{
    public GeminiTimeoutException(string message, Exception? inner = null)
        : base("GeminiImage.Timeout", ErrorKind.Timeout, message, inner, "Raise -TimeoutSec (large images can take minutes) or try again later.") { }
}

/// <summary>The service could not be reached (DNS, refused connection, reset).</summary>
public sealed class GeminiConnectionException : GeminiImageException
{
    public GeminiConnectionException(string message, Exception? inner = null)
        : base("GeminiImage.ConnectionFailed", ErrorKind.ResourceUnavailable, message, inner, "Check the network, the proxy (-Proxy) and the base URI (-BaseUri / GEMINI_BASE_URL).") { }
}

/// <summary>A bad parameter caught before any request: nothing was spent.</summary>
public sealed class GeminiArgumentException : GeminiImageException
{
    public GeminiArgumentException(string errorId, string message) : base(errorId, ErrorKind.InvalidArgument, message) { }
}

/// <summary>An output file could not be written; <see cref="FallbackPath"/> says where the paid-for image went instead.</summary>
public sealed class ImageSaveException : GeminiImageException
{
    public ImageSaveException(string message, string intendedPath, string? fallbackPath, Exception? inner = null)
        : base("GeminiImage.SaveFailed", ErrorKind.WriteError, message, inner,
            "Check that the output folder exists and is writable; the image was kept at the fallback path named in the message.")
    {
        IntendedPath = intendedPath;
        FallbackPath = fallbackPath;
    }

    public string IntendedPath { get; }
    public string? FallbackPath { get; }
}

/// <summary>An output file exists and -Force was not given.</summary>
public sealed class OutputExistsException : GeminiImageException
{
    public OutputExistsException(string path)
        : base("GeminiImage.OutputExists", ErrorKind.ResourceExists, $"The file '{path}' already exists. Use -Force to overwrite it.", null,
            "Use -Force to overwrite, or another -OutFile.") => Path = path;
    public string Path { get; }
}
