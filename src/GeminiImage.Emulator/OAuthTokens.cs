using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace GeminiImage.Emulator;

/// <summary>
/// Google's OAuth 2.0 token endpoint for service accounts (RFC 7523 JWT bearer grant): checks the signed assertion
/// against the trusted accounts' public keys and issues short-lived access tokens, which Vertex AI requests must carry.
/// </summary>
internal sealed class OAuthTokens
{
    private const string JwtBearer = "urn:ietf:params:oauth:grant-type:jwt-bearer";
    private const string GoogleTokenUrl = "https://oauth2.googleapis.com/token";
    private readonly ConcurrentDictionary<string, RSAParameters> _trusted = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<string, DateTimeOffset> _issued = new(StringComparer.Ordinal);

    public TimeSpan Lifetime { get; set; } = TimeSpan.FromHours(1);

    public void Trust(string clientEmail, RSAParameters publicKey) => _trusted[clientEmail] = publicKey;

    /// <summary>True for a token this endpoint issued that has not expired.</summary>
    public bool IsValid(string token) => _issued.TryGetValue(token, out var expires) && expires > DateTimeOffset.UtcNow;

    /// <summary>Answers a token request (form-encoded body) as oauth2.googleapis.com/token does.</summary>
    public Reply Exchange(string form, Uri tokenUri)
    {
        var fields = Wire.ParseQuery("?" + form);
        if (!fields.TryGetValue("grant_type", out var grant) || grant != JwtBearer)
            return Error("unsupported_grant_type", "Invalid grant_type: " + grant);
        if (!fields.TryGetValue("assertion", out var assertion) || assertion.Split('.').Length != 3)
            return Error("invalid_request", "Missing or malformed assertion.");
        var parts = assertion.Split('.');
        JsonElement header, claims;
        try
        {
            header = JsonDocument.Parse(Base64Url(parts[0])).RootElement.Clone();
            claims = JsonDocument.Parse(Base64Url(parts[1])).RootElement.Clone();
        }
        catch (Exception e) when (e is FormatException || e is JsonException)
        {
            return Error("invalid_grant", "Invalid JWT: malformed.");
        }
        if (header.Str("alg") != "RS256") return Error("invalid_grant", "Invalid JWT: algorithm must be RS256.");
        var issuer = claims.Str("iss");
        if (issuer == null || !_trusted.TryGetValue(issuer, out var key)) return Error("invalid_grant", "Invalid JWT Signature.");
        using (var rsa = RSA.Create())
        {
            rsa.ImportParameters(key);
            byte[] signature;
            try { signature = Base64Url(parts[2]); } catch (FormatException) { return Error("invalid_grant", "Invalid JWT Signature."); }
            if (!rsa.VerifyData(Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]), signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1))
                return Error("invalid_grant", "Invalid JWT Signature.");
        }
        // Google's documented audience for an access-token request is always its token URL, whatever endpoint is called.
        var audience = claims.Str("aud");
        if (audience != GoogleTokenUrl && audience != tokenUri.AbsoluteUri)
            return Error("invalid_grant", $"Invalid JWT: audience must be {GoogleTokenUrl}.");
        if (string.IsNullOrEmpty(claims.Str("scope"))) return Error("invalid_scope", "Invalid JWT: no scope.");
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        if (!claims.TryProp("exp", out var exp) || !claims.TryProp("iat", out var iat) || exp.GetInt64() < now || exp.GetInt64() - iat.GetInt64() > 3600 || iat.GetInt64() > now + 300)
            return Error("invalid_grant", "Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe.");

        var token = "ya29.emu-" + Wire.Hex(Wire.RandomBytes(24));
        var lifetime = Lifetime;
        _issued[token] = DateTimeOffset.UtcNow + lifetime;
        return Reply.Json(200, w =>
        {
            w.WriteStartObject();
            w.WriteString("access_token", token);
            w.WriteNumber("expires_in", (int)Math.Ceiling(lifetime.TotalSeconds));
            w.WriteString("token_type", "Bearer");
            w.WriteEndObject();
        });
    }

    private static Reply Error(string error, string description) => Reply.Json(400, w =>
    {
        w.WriteStartObject();
        w.WriteString("error", error);
        w.WriteString("error_description", description);
        w.WriteEndObject();
    });

    private static byte[] Base64Url(string text)
    {
        var s = text.Replace('-', '+').Replace('_', '/');
        return Convert.FromBase64String(s.PadRight(s.Length + (4 - s.Length % 4) % 4, '='));
    }
}
