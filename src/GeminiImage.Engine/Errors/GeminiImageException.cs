using System;

namespace GeminiImage.Engine.Errors;

/// <summary>How an engine error should be treated (the cmdlets map it to an ErrorCategory).</summary>
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

/// <summary>Base class of the engine's typed errors; each carries a stable error id for ErrorRecords.</summary>
public abstract class GeminiImageException : Exception
{
    protected GeminiImageException(string message) : base(message) { }

    protected GeminiImageException(string message, Exception? innerException) : base(message, innerException) { }

    /// <summary>Stable id such as "GeminiImage.BudgetExceeded".</summary>
    public abstract string ErrorId { get; }

    /// <summary>What kind of failure this is.</summary>
    public virtual ErrorKind Kind { get; }
}
