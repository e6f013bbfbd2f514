using System;

namespace GeminiImage.Engine.Errors;

/// <summary>Broad class of a failure, so the cmdlet layer can map it to a PowerShell ErrorCategory
/// without the engine referencing PowerShell.</summary>
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

/// <summary>Base of every failure the engine reports on purpose; carries a stable id for scripts and docs.</summary>
public abstract class GeminiImageException : Exception
{
    protected GeminiImageException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }

    /// <summary>Stable identifier such as <c>GeminiImage.InvalidImage</c> (used as the PowerShell FullyQualifiedErrorId).</summary>
    public abstract string ErrorId { get; }

    /// <summary>Broad class of the failure.</summary>
    public abstract ErrorKind Kind { get; }
}
