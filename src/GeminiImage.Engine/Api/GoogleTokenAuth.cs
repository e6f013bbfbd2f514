using System.Collections.Concurrent;
using System.Net;
using System.Net.Http;
using Google.Apis.Auth.OAuth2;
using Google.Apis.Auth.OAuth2.Responses;
using Google.Apis.Http;

namespace GeminiImage.Engine.Api;

/// <summary>
/// Vertex AI credentials through Google.Apis.Auth: a service-account key (signed JWT exchanged at the key file's
/// <c>token_uri</c>) or application default credentials. The library caches the token and refreshes it before it expires.
/// </summary>
public sealed class GoogleTokenAuth : RequestAuth
{
    private const string Scope = "https://www.googleapis.com/auth/cloud-platform";
    private readonly ITokenAccess _credential;
    private readonly string _what;

    private readonly GoogleCredential _scoped;
    private readonly ConcurrentDictionary<string, GoogleTokenAuth> _routes = new();

    private GoogleTokenAuth(GoogleCredential credential, string what, string? projectId)
    {
        _scoped = credential;
        _credential = credential;
        _what = what;
        ProjectId = projectId;
    }

    private GoogleTokenAuth(GoogleTokenAuth template, ITokenAccess credential)
    {
        _scoped = template._scoped;
        _credential = credential;
        _what = template._what;
        ProjectId = template.ProjectId;
    }

    /// <summary>
    /// The same credentials with token requests sent the way API calls go: through <paramref name="proxy"/>, or around
    /// every proxy when <paramref name="direct"/> (NO_PROXY). Null and false: the system's settings, as Google.Apis.Auth does.
    /// </summary>
    /// <remarks>Each route keeps its own credential (and so its token) for the life of these credentials.</remarks>
    public GoogleTokenAuth Through(IWebProxy? proxy, bool direct)
    {
        if (proxy == null && !direct) return this;
        var address = (proxy as WebProxy)?.Address?.AbsoluteUri ?? proxy?.GetType().FullName ?? "direct";
        var user = (proxy?.Credentials as NetworkCredential)?.UserName;
        // A WebProxy without an address bypasses every host: a direct connection.
        return _routes.GetOrAdd($"{address}|{user}", _ =>
            new GoogleTokenAuth(this, _scoped.CreateWithHttpClientFactory(HttpClientFactory.ForProxy(proxy ?? new WebProxy()))));
    }

    /// <summary>The project the key file belongs to (project_id), used when no project is set.</summary>
    public string? ProjectId { get; }

    /// <summary>A service-account JSON key file; anything else is refused before a request, without echoing the file.</summary>
    public static GoogleTokenAuth FromServiceAccountFile(string path)
    {
        string json;
        try { json = IO.LimitedFile.ReadAllText(path, IO.LimitedFile.MaxSettingsBytes); }
        catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException || ex is ArgumentException || ex is NotSupportedException)
        {
            throw new GeminiCredentialException("GeminiImage.InvalidCredentialFile", $"The credential file '{path}' cannot be read: {ex.Message}");
        }
        string? project;
        try
        {
            using var doc = JsonDocument.Parse(json);
            var root = doc.RootElement;
            string? Field(string name) => root.ValueKind == JsonValueKind.Object && root.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
            if (Field("type") != "service_account" || string.IsNullOrWhiteSpace(Field("private_key")) || string.IsNullOrWhiteSpace(Field("client_email")))
                throw Invalid(path, "it is not a service-account key (type \"service_account\" with private_key and client_email)");
            project = Field("project_id");
        }
        catch (JsonException)
        {
            // The parser's message can quote the file; the file holds a private key.
            throw Invalid(path, "it is not JSON");
        }
        ServiceAccountCredential account;
        try { account = CredentialFactory.FromJson<ServiceAccountCredential>(json); }
        catch (Exception ex) when (ex is InvalidOperationException || ex is ArgumentException || ex is FormatException || ex is System.Security.Cryptography.CryptographicException)
        {
            throw Invalid(path, "its private_key cannot be read");
        }
        return new GoogleTokenAuth(account.ToGoogleCredential().CreateScoped(Scope), $"service account {account.Id}", project);
    }

    /// <summary>Application default credentials: GOOGLE_APPLICATION_CREDENTIALS, gcloud's login, or the metadata server.</summary>
    public static GoogleTokenAuth ApplicationDefault()
    {
        GoogleCredential credential;
        try { credential = GoogleCredential.GetApplicationDefault(); }
        catch (InvalidOperationException ex)
        {
            throw new GeminiCredentialException("GeminiImage.NoCredentials",
                "Vertex AI needs credentials: -CredentialFile (a service-account key), an express-mode API key, or application default credentials (GOOGLE_APPLICATION_CREDENTIALS or gcloud auth application-default login). " + ex.Message.Split('\n')[0]);
        }
        var project = (credential.UnderlyingCredential as ServiceAccountCredential)?.ProjectId ?? Environment.GetEnvironmentVariable("GOOGLE_CLOUD_PROJECT");
        return new GoogleTokenAuth(credential.CreateScoped(Scope), "application default credentials", string.IsNullOrWhiteSpace(project) ? null : project);
    }

    private static GeminiCredentialException Invalid(string path, string why) =>
        new("GeminiImage.InvalidCredentialFile", $"The credential file '{path}' cannot be used: {why}.");

    public override async Task ApplyAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        string token;
        try
        {
            token = await _credential.GetAccessTokenForRequestAsync(null, cancellationToken).ConfigureAwait(false);
        }
        catch (TokenResponseException ex)
        {
            // Only the endpoint's error code and description: never the assertion or the key.
            throw new GeminiCredentialException("GeminiImage.TokenRefused",
                $"The token endpoint refused the {_what}: {ex.Error?.Error}{(string.IsNullOrEmpty(ex.Error?.ErrorDescription) ? "" : " (" + ex.Error!.ErrorDescription + ")")}.");
        }
        catch (HttpRequestException ex)
        {
            throw new GeminiConnectionException($"Could not reach the token endpoint for the {_what}: {ex.Message}", ex);
        }
        request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + token);
    }

    public override string Describe() => $"OAuth tokens for the {_what}";
}
