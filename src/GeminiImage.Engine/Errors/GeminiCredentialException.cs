using System;

namespace GeminiImage.Engine.Errors;

/// <summary>Credentials that cannot be used: a key file that is not a service-account key, or a token endpoint that refuses it.</summary>
public sealed class GeminiCredentialException : GeminiImageException
{
    public GeminiCredentialException(string errorId, string message, Exception? inner = null) : base(message, inner) => ErrorId = errorId;
    public override string ErrorId { get; }
    public override ErrorKind Kind => ErrorId == "GeminiImage.InvalidCredentialFile" ? ErrorKind.InvalidData : ErrorKind.Authentication;
    public override string? RecommendedAction => ErrorId == "GeminiImage.InvalidCredentialFile"
        ? "Download a JSON key for the service account (IAM > Service accounts > Keys) and pass its path to -CredentialFile."
        : "Check that the service account exists, its key is not revoked, and the key file's token_uri is the right token endpoint.";
}
