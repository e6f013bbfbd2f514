namespace GeminiImage.Engine.Errors;

/// <summary>Credentials that cannot be used: a key file that is not a service-account key, or a token endpoint that refuses it.</summary>
public sealed class GeminiCredentialException : GeminiImageException
{
    public GeminiCredentialException(string errorId, string message, Exception? inner = null) : base(message, inner) => ErrorId = errorId;
    public override string ErrorId { get; }
    public override ErrorKind Kind => ErrorId == "GeminiImage.InvalidCredentialFile" ? ErrorKind.InvalidData : ErrorKind.Authentication;
    /// <summary>No key and no other credentials: the call is refused before sending.</summary>
    public const string NoApiKeyId = "GeminiImage.NoApiKey";

    public override string? RecommendedAction => ErrorId switch
    {
        "GeminiImage.InvalidCredentialFile" => "Download a JSON key for the service account (IAM > Service accounts > Keys) and pass its path to -CredentialFile.",
        NoApiKeyId => "Set a key: $env:GEMINI_API_KEY = '<key>' (or GOOGLE_API_KEY), Set-GeminiConfig -ApiKey <key>, or -ApiKey on the call. Create one at https://aistudio.google.com/apikey.",
        _ => "Check that the service account exists, its key is not revoked, and the key file's token_uri is the right token endpoint.",
    };
}
