namespace GeminiImage.Engine.Errors;

/// <summary>What kind of failure an error is; the cmdlets map it to an ErrorCategory.</summary>
public enum ErrorKind
{
    NotFound,
    InvalidData,
    InvalidArgument,
    ResourceUnavailable,
    QuotaExceeded,
    Blocked,
    Authentication,
    Timeout,
    Cancelled,
    ServiceError,
    WriteError,
    /// <summary>The thing to create exists already (an output file, a style).</summary>
    ResourceExists,
    /// <summary>The request is fine but cannot be done in the current state (a job not finished, a task refused).</summary>
    InvalidOperation,
    /// <summary>Another run holds what this one needs (a folder's journal or lock).</summary>
    ResourceBusy,
    /// <summary>Not available on this platform (Task Scheduler off Windows).</summary>
    NotImplemented,
    /// <summary>Work ended before it was finished (a job cancelled or expired, runs killed).</summary>
    Stopped,
    /// <summary>Something the module keeps could not be read (a ledger locked past the busy timeout, or damaged).</summary>
    ReadError,
}

/// <summary>Base of every error the engine raises on purpose: each carries a stable id a script can test.</summary>
public abstract class GeminiImageException : Exception
{
    private readonly string? _errorId;
    private readonly ErrorKind _kind = ErrorKind.ServiceError;
    private readonly string? _recommendedAction;

    /// <summary>For an error that works out its id (and kind and advice) itself: it overrides <see cref="ErrorId"/>.</summary>
    protected GeminiImageException(string message, Exception? inner = null) : base(message, inner) { }

    /// <summary>For an error whose id, kind and advice are the same every time it is raised.</summary>
    protected GeminiImageException(string errorId, ErrorKind kind, string message, Exception? inner = null, string? recommendedAction = null)
        : base(message, inner)
    {
        _errorId = errorId;
        _kind = kind;
        _recommendedAction = recommendedAction;
    }

    /// <summary>Stable id such as <c>GeminiImage.RateLimited</c>; becomes the ErrorRecord's FullyQualifiedErrorId.</summary>
    /// <remarks>An error built without an id and not overriding this one gets "GeminiImage." and its type name.</remarks>
    public virtual string ErrorId => _errorId ?? "GeminiImage." + GetType().Name;

    public virtual ErrorKind Kind => _kind;

    /// <summary>What the user can do about it.</summary>
    public virtual string? RecommendedAction => _recommendedAction;
}
