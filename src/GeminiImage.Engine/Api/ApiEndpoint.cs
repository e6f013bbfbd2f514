using System.Text.RegularExpressions;

namespace GeminiImage.Engine.Api;

/// <summary>
/// Builds every URL the client sends to: the service root (a base URL with or without a version segment), the API
/// version, and the Developer API or Vertex AI path shape.
/// </summary>
public sealed class ApiEndpoint
{
    private static readonly Regex s_version = new("^v[0-9]+((alpha|beta)[0-9]*)?$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);
    private static readonly Regex s_queryKey = new("([?&]key=)[^&#\\s\"']*", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);

    /// <param name="baseUri">Scheme, host, port, optional path prefix, optionally ending in a version segment (<c>…/v1beta</c>).</param>
    /// <param name="apiVersion">The version to use; null: the base URL's own version segment, else the backend's default.</param>
    public ApiEndpoint(Uri baseUri, string? apiVersion = null, GeminiBackend backend = GeminiBackend.Developer, string? project = null, string? location = null)
    {
        Backend = backend;
        Project = string.IsNullOrWhiteSpace(project) ? null : project!.Trim();
        Location = string.IsNullOrWhiteSpace(location) ? "global" : location!.Trim();
        CheckBaseUri(baseUri);
        var path = baseUri.AbsolutePath.TrimEnd('/');
        var last = path.Substring(path.LastIndexOf('/') + 1);
        string? baseVersion = null;
        if (s_version.IsMatch(last))
        {
            baseVersion = last;
            path = path.Substring(0, path.Length - last.Length).TrimEnd('/');
        }
        Root = new UriBuilder(baseUri) { Path = path + "/", Query = "", Fragment = "" }.Uri;
        if (!string.IsNullOrWhiteSpace(apiVersion) && !s_version.IsMatch(apiVersion!.Trim()))
            throw new GeminiArgumentException("GeminiImage.InvalidApiVersion", $"'{apiVersion}' is not an API version; use one such as v1beta, v1 or v1beta1.");
        Version = !string.IsNullOrWhiteSpace(apiVersion) ? apiVersion!.Trim() : baseVersion ?? (backend == GeminiBackend.Vertex ? "v1" : "v1beta");
    }

    /// <summary>Throws <c>GeminiImage.InvalidBaseUri</c> unless <paramref name="baseUri"/> is an absolute http or https address.</summary>
    public static Uri CheckBaseUri(Uri baseUri)
    {
        if (!baseUri.IsAbsoluteUri || (baseUri.Scheme != Uri.UriSchemeHttp && baseUri.Scheme != Uri.UriSchemeHttps))
            throw new GeminiArgumentException("GeminiImage.InvalidBaseUri",
                $"'{baseUri.OriginalString}' is not a service address; give an absolute http or https address such as https://generativelanguage.googleapis.com or http://127.0.0.1:8080.");
        return baseUri;
    }

    /// <summary>The Google host for a Vertex AI location: global, the us/eu multi-regions, or a region.</summary>
    public static Uri VertexHost(string? location)
    {
        var l = string.IsNullOrWhiteSpace(location) ? "global" : location!.Trim().ToLowerInvariant();
        return l switch
        {
            "global" => new Uri("https://aiplatform.googleapis.com/"),
            "us" or "eu" => new Uri($"https://aiplatform.{l}.rep.googleapis.com/"),
            _ => new Uri($"https://{l}-aiplatform.googleapis.com/"),
        };
    }

    /// <summary>The service root without a version, with a trailing slash.</summary>
    public Uri Root { get; }
    public string Version { get; }
    public GeminiBackend Backend { get; }
    public string? Project { get; }
    public string Location { get; }

    /// <summary>The path (below the version) of a model method: <c>models/{m}:{method}</c>, or the Vertex publisher model.</summary>
    public string ModelPath(string model, string method)
    {
        var id = Uri.EscapeDataString(model.StartsWith("models/", StringComparison.Ordinal) ? model.Substring(7) : model);
        if (Backend == GeminiBackend.Developer) return $"models/{id}:{method}";
        // Express mode (an API key, no project) uses the global publisher path without projects/locations.
        return Project == null
            ? $"publishers/google/models/{id}:{method}"
            : $"projects/{Uri.EscapeDataString(Project)}/locations/{Uri.EscapeDataString(Location)}/publishers/google/models/{id}:{method}";
    }

    /// <summary>
    /// The absolute URL of an API path such as <c>files/abc</c> or <c>upload/v1beta/files</c>; a leading version segment
    /// is replaced by <see cref="Version"/>, so callers may keep writing <c>v1beta/…</c>.
    /// </summary>
    public Uri Resolve(string relativePath)
    {
        var rest = relativePath.TrimStart('/');
        var upload = rest.StartsWith("upload/", StringComparison.Ordinal);
        if (upload) rest = rest.Substring(7);
        var slash = rest.IndexOf('/');
        var first = slash < 0 ? rest : rest.Substring(0, slash);
        var query = first.IndexOf('?');
        if (s_version.IsMatch(query < 0 ? first : first.Substring(0, query))) rest = slash < 0 ? "" : rest.Substring(slash + 1);
        if (Backend == GeminiBackend.Vertex && !rest.StartsWith("projects/", StringComparison.Ordinal) && !rest.StartsWith("publishers/", StringComparison.Ordinal))
        {
            var what = rest.StartsWith("batches", StringComparison.Ordinal) || rest.Contains(":batchGenerateContent") ? "server batches (Vertex AI runs batch prediction jobs from Cloud Storage or BigQuery instead)"
                : rest.StartsWith("files", StringComparison.Ordinal) || upload ? "the Files API (Vertex AI reads files from Cloud Storage instead)"
                : $"'{rest.Split('?')[0]}'";
            throw new GeminiArgumentException("GeminiImage.NotSupportedOnVertex",
                $"Vertex AI does not offer {what}. Use a Gemini Developer API connection (-Backend Developer) for this.");
        }
        return new Uri(Root, (upload ? "upload/" : "") + Version + "/" + rest);
    }

    /// <summary>True when <paramref name="uri"/> belongs to this service (credentials and extra headers go only there).</summary>
    public bool Owns(Uri uri) => uri.AbsoluteUri.StartsWith(Root.AbsoluteUri, StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// An upload session URL moved onto the configured host: a pass-through gateway hands back Google's own upload URL,
    /// which its users cannot reach. The path from <c>upload/</c> on and the query (the session id) are kept.
    /// </summary>
    public Uri KeepOnHost(Uri uploadUrl)
    {
        if (Owns(uploadUrl)) return uploadUrl;
        var path = uploadUrl.AbsolutePath;
        var at = path.IndexOf("/upload/", StringComparison.Ordinal);
        var tail = at >= 0 ? path.Substring(at + 1) : path.TrimStart('/');
        return new Uri(Root, tail + uploadUrl.Query);
    }

    /// <summary>Replaces the value of every <c>key=</c> query parameter in <paramref name="text"/> (URLs in messages).</summary>
    public static string RedactUrls(string text) => s_queryKey.Replace(text, "$1REDACTED");

    public override string ToString() => new Uri(Root, Version + "/").ToString();
}
