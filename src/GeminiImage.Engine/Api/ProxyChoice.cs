using System.Net;

namespace GeminiImage.Engine.Api;

/// <summary>
/// The proxy a connection uses: one set explicitly (-Proxy, a profile, Set-GeminiConfig), else HTTPS_PROXY (HTTP_PROXY
/// for an http:// service, falling back to HTTPS_PROXY) unless NO_PROXY names the host, else the system's settings.
/// </summary>
public sealed class ProxyChoice
{
    private ProxyChoice(Uri? address, bool direct, string source)
    {
        Address = address;
        Direct = direct;
        Source = source;
    }

    /// <summary>The proxy, or null for a direct connection or the system's settings.</summary>
    public Uri? Address { get; }
    /// <summary>True when NO_PROXY sends this service around every proxy (the system's included).</summary>
    public bool Direct { get; }
    /// <summary>Where the choice came from: the explicit setting's source, HTTPS_PROXY, HTTP_PROXY, NO_PROXY, or "system".</summary>
    public string Source { get; }

    /// <summary>The proxy for <paramref name="target"/>; <paramref name="explicitProxy"/> wins over the environment.</summary>
    public static ProxyChoice For(Uri target, Uri? explicitProxy, string explicitSource, Func<string, string?>? environment = null)
    {
        if (explicitProxy != null) return new ProxyChoice(explicitProxy, false, explicitSource);
        environment ??= Environment.GetEnvironmentVariable;
        string? Env(string name) => environment(name) is { } v && v.Trim().Length > 0 ? v.Trim() : environment(name.ToLowerInvariant()) is { } l && l.Trim().Length > 0 ? l.Trim() : null;
        // Google's API is https-only: HTTPS_PROXY is its proxy; an http:// gateway takes HTTP_PROXY, else HTTPS_PROXY.
        var name = target.Scheme == Uri.UriSchemeHttp && Env("HTTP_PROXY") != null ? "HTTP_PROXY" : "HTTPS_PROXY";
        var value = Env(name);
        if (value == null) return new ProxyChoice(null, false, "system");
        if (Bypassed(target, Env("NO_PROXY"))) return new ProxyChoice(null, true, "NO_PROXY");
        if (!Uri.TryCreate(value.Contains("://") ? value : "http://" + value, UriKind.Absolute, out var address))
            throw new Errors.GeminiArgumentException("GeminiImage.InvalidProxy", $"{name} is not a proxy address: '{Redact(value)}'.");
        return new ProxyChoice(address, false, name);
    }

    /// <summary>NO_PROXY: comma-separated hosts, domain suffixes (".corp" or "corp"), IP addresses, optional ":port"; "*" for all.</summary>
    public static bool Bypassed(Uri target, string? noProxy)
    {
        if (string.IsNullOrWhiteSpace(noProxy)) return false;
        var host = target.IdnHost.Trim('[', ']').ToLowerInvariant();
        foreach (var raw in noProxy!.Split(',').Select(e => e.Trim().ToLowerInvariant()).Where(e => e.Length > 0))
        {
            if (raw == "*") return true;
            var entry = raw;
            var colon = entry.LastIndexOf(':');
            if (colon > 0 && entry.IndexOf(']') < colon && int.TryParse(entry.Substring(colon + 1), out var port))
            {
                if (port != target.Port) continue;
                entry = entry.Substring(0, colon);
            }
            entry = entry.Trim('[', ']').TrimStart('*');
            if (entry.StartsWith(".", StringComparison.Ordinal) ? host.EndsWith(entry, StringComparison.Ordinal) || host == entry.Substring(1)
                : host == entry || host.EndsWith("." + entry, StringComparison.Ordinal))
                return true;
        }
        return false;
    }

    /// <summary>The proxy with the given credentials, or null (direct or system).</summary>
    public IWebProxy? ToWebProxy(NetworkCredential? credential)
    {
        if (Address == null) return null;
        // http://user:password@proxy:8080 (as in HTTPS_PROXY) carries its own credentials.
        if (credential == null && Address.UserInfo.Length > 0)
        {
            var parts = Address.UserInfo.Split(new[] { ':' }, 2);
            credential = new NetworkCredential(Uri.UnescapeDataString(parts[0]), parts.Length > 1 ? Uri.UnescapeDataString(parts[1]) : "");
        }
        return new WebProxy(new UriBuilder(Address) { UserName = "", Password = "" }.Uri) { Credentials = credential };
    }

    /// <summary>For messages: a proxy URL without its user info.</summary>
    public static string Redact(string url) => Uri.TryCreate(url, UriKind.Absolute, out var u) && u.UserInfo.Length > 0
        ? new UriBuilder(u) { UserName = "", Password = "" }.Uri.ToString() : url;

    public override string ToString() => Address != null ? $"proxy {Redact(Address.ToString())} ({Source})" : Direct ? "no proxy (NO_PROXY)" : "the system proxy settings";
}
