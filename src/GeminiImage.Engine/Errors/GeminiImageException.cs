using System;

namespace GeminiImage.Engine.Errors;

/// <summary>Broad class of a failure, so the cmdlet layer can map it to a PowerShell ErrorCategory
/// without the engine referencing PowerShell.</summary>
public enum ErrorKind
{
    /// <summary>A file, model or resource does not exist (ObjectNotFound).</summary>
    NotFound,
    /// <summary>Input content is unusable: empty, corrupt, wrong format, too large (InvalidData).</summary>
    InvalidData,
    /// <summary>A parameter value is wrong (InvalidArgument).</summary>
    InvalidArgument,
    /// <summary>The service is overloaded or unreachable (ResourceUnavailable).</summary>
    ResourceUnavailable,
    /// <summary>Rate limit or quota exhausted (QuotaExceeded).</summary>
    QuotaExceeded,
    /// <summary>Prompt or output refused by safety filters (PermissionDenied or InvalidResult, the cmdlets' choice).</summary>
    Blocked,
    /// <summary>Missing or rejected API key (AuthenticationError).</summary>
    Authentication,
    /// <summary>The request took too long (OperationTimeout).</summary>
    Timeout,
    /// <summary>The user stopped the operation (OperationStopped).</summary>
    Cancelled,
    /// <summary>Unexpected service failure (ProtocolError or NotSpecified).</summary>
    ServiceError,
    /// <summary>An output file could not be written (WriteError).</summary>
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
