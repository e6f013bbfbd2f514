using System;

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
}

/// <summary>Base of every error the engine raises on purpose: each carries a stable id a script can test.</summary>
public abstract class GeminiImageException : Exception
{
    protected GeminiImageException(string message, Exception? inner = null) : base(message, inner) { }

    /// <summary>Stable id such as <c>GeminiImage.RateLimited</c>; becomes the ErrorRecord's FullyQualifiedErrorId.</summary>
    public abstract string ErrorId { get; }

    public virtual ErrorKind Kind => ErrorKind.ServiceError;

    /// <summary>What the user can do about it.</summary>
    public virtual string? RecommendedAction => null;
}
