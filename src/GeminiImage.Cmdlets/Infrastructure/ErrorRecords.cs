namespace GeminiImage.Cmdlets.Infrastructure;

/// <summary>
/// The one way the cmdlets make errors: engine exceptions become ErrorRecords with stable ids, the right category and a
/// recommended action. Cmdlets throw or catch a <see cref="GeminiImageException"/> and pass it here; they build no
/// ErrorRecord themselves (Structure.Tests.ps1 checks it).
/// </summary>
public static class ErrorRecords
{
    public static ErrorRecord From(Exception exception, object? target)
    {
        if (exception is AggregateException { InnerExceptions.Count: 1 } aggregate) exception = aggregate.InnerException!;
        if (exception is GeminiImageException gemini)
        {
            var record = new ErrorRecord(gemini, gemini.ErrorId, CategoryOf(gemini), target);
            if (gemini.RecommendedAction != null) record.ErrorDetails = new ErrorDetails(gemini.Message) { RecommendedAction = gemini.RecommendedAction };
            return record;
        }
        return exception switch
        {
            UnauthorizedAccessException => new ErrorRecord(exception, "GeminiImage.AccessDenied", ErrorCategory.PermissionDenied, target),
            System.IO.IOException => new ErrorRecord(exception, "GeminiImage.IOError", ErrorCategory.WriteError, target),
            ArgumentException => new ErrorRecord(exception, "GeminiImage.InvalidArgument", ErrorCategory.InvalidArgument, target),
            _ => new ErrorRecord(exception, "GeminiImage.UnexpectedError", ErrorCategory.NotSpecified, target),
        };
    }

    /// <summary>
    /// A feature this platform lacks (Task Scheduler off Windows): the exception stays the platform's own
    /// <see cref="PlatformNotSupportedException"/>, with the module's id, NotImplemented and what to use instead.
    /// </summary>
    public static ErrorRecord NotOnThisPlatform(string errorId, string message, string recommendedAction, object? target) =>
        new(new PlatformNotSupportedException(message), errorId, ErrorCategory.NotImplemented, target)
        {
            ErrorDetails = new ErrorDetails(message) { RecommendedAction = recommendedAction },
        };

    /// <summary>An error about one batch row: the row id leads the message, so stderr says which row it was.</summary>
    public static ErrorRecord ForRow(Exception exception, string rowId)
    {
        var record = From(exception, rowId);
        var message = record.ErrorDetails?.Message ?? record.Exception.Message;
        record.ErrorDetails = new ErrorDetails($"Row '{rowId}': {message}") { RecommendedAction = record.ErrorDetails?.RecommendedAction };
        return record;
    }

    private static ErrorCategory CategoryOf(GeminiImageException exception) => exception switch
    {
        UnsafePathException => ErrorCategory.SecurityError,
        GeminiImage.Engine.Styles.GeminiStyleException { ErrorId: GeminiImage.Engine.Styles.GeminiStyleException.StyleExistsId } => ErrorCategory.ResourceExists,
        GeminiImage.Engine.Styles.GeminiStyleException { ErrorId: GeminiImage.Engine.Styles.GeminiStyleException.BuiltInId } => ErrorCategory.InvalidOperation,
        GeminiConnectionException => ErrorCategory.ConnectionError,
        GeminiResponseFormatException => ErrorCategory.ProtocolError,
        GeminiNoImageException { ErrorId: "GeminiImage.NoImage" } => ErrorCategory.InvalidResult,
        _ => exception.Kind switch
        {
            ErrorKind.NotFound => ErrorCategory.ObjectNotFound,
            ErrorKind.InvalidData => ErrorCategory.InvalidData,
            ErrorKind.InvalidArgument => ErrorCategory.InvalidArgument,
            ErrorKind.ResourceUnavailable => ErrorCategory.ResourceUnavailable,
            ErrorKind.QuotaExceeded => ErrorCategory.QuotaExceeded,
            ErrorKind.Blocked => ErrorCategory.PermissionDenied,
            ErrorKind.Authentication => ErrorCategory.AuthenticationError,
            ErrorKind.Timeout => ErrorCategory.OperationTimeout,
            ErrorKind.Cancelled => ErrorCategory.OperationStopped,
            ErrorKind.WriteError => ErrorCategory.WriteError,
            ErrorKind.ResourceExists => ErrorCategory.ResourceExists,
            ErrorKind.InvalidOperation => ErrorCategory.InvalidOperation,
            ErrorKind.ResourceBusy => ErrorCategory.ResourceBusy,
            ErrorKind.NotImplemented => ErrorCategory.NotImplemented,
            ErrorKind.Stopped => ErrorCategory.OperationStopped,
            ErrorKind.ReadError => ErrorCategory.ReadError,
            _ => ErrorCategory.InvalidResult,
        },
    };
}
