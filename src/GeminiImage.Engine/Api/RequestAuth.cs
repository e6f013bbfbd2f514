using System.Net.Http;

namespace GeminiImage.Engine.Api;

/// <summary>Puts credentials on a request to the configured service; never logs them.</summary>
public abstract class RequestAuth
{
    /// <summary>Adds the credentials to <paramref name="request"/> (its URI may be replaced).</summary>
    public abstract Task ApplyAsync(HttpRequestMessage request, CancellationToken cancellationToken);

    /// <summary>What a verbose line may say about the credentials, e.g. "API key ****abcd (x-goog-api-key)".</summary>
    public abstract string Describe();

    /// <summary>Values that must be scrubbed from anything shown (keys, tokens).</summary>
    public virtual IEnumerable<string> Secrets => Array.Empty<string>();

    /// <summary>No credentials (the emulator's open endpoints, or a gateway that authenticates by network).</summary>
    public static RequestAuth None { get; } = new ApiKeyAuth(null, AuthStyle.Header);
}

/// <summary>An API key in Google's header, a bearer header, or the query string.</summary>
public sealed class ApiKeyAuth : RequestAuth
{
    private readonly string? _key;

    public ApiKeyAuth(string? key, AuthStyle style)
    {
        _key = string.IsNullOrEmpty(key) ? null : key;
        Style = style;
    }

    public AuthStyle Style { get; }

    public override Task ApplyAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (_key == null) return Task.CompletedTask;
        switch (Style)
        {
            case AuthStyle.Bearer:
                request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + _key);
                break;
            case AuthStyle.Query:
                var uri = request.RequestUri!;
                var separator = string.IsNullOrEmpty(uri.Query) ? "?" : "&";
                request.RequestUri = new Uri(uri.AbsoluteUri + separator + "key=" + Uri.EscapeDataString(_key));
                break;
            default:
                request.Headers.TryAddWithoutValidation("x-goog-api-key", _key);
                break;
        }
        return Task.CompletedTask;
    }

    public override string Describe() => $"API key {Configuration.SettingsResolver.Redact(_key)}" + (_key == null ? "" : Style switch
    {
        AuthStyle.Bearer => " (Authorization: Bearer)",
        AuthStyle.Query => " (?key=, URLs redacted)",
        _ => " (x-goog-api-key)",
    });

    public override IEnumerable<string> Secrets => _key == null ? Array.Empty<string>() : new[] { _key, Uri.EscapeDataString(_key) };
}
