namespace GeminiImage.Engine.Errors;

/// <summary>A server-side batch job that ended as Failed; the message carries the operation's error.</summary>
public sealed class BatchJobFailedException : GeminiImageException
{
    public BatchJobFailedException(string jobName, string? operationError)
        : base($"The batch job {jobName} ended as Failed: {operationError ?? "Google gave no reason."}") => OperationError = operationError;

    /// <summary>The operation's error ("code 13: message"), when Google gave one.</summary>
    public string? OperationError { get; }
    public override string ErrorId => "GeminiImage.BatchJobFailed";
    public override ErrorKind Kind => ErrorKind.ServiceError;
    public override string? RecommendedAction => "Submit the rows again (Invoke-GeminiBatch -Mode Server); rows already received are skipped.";
}
