using System.Net;
using System.Runtime.InteropServices;
using System.Security.Authentication;

namespace GeminiImage.Engine.Api;

/// <summary>
/// What <see cref="System.Net.Http.HttpClientHandler"/> takes from <see cref="ServicePointManager"/> on .NET Framework
/// (Windows PowerShell 5.1): the connection limit per host (2 by default) and the TLS versions offered (often no TLS 1.2
/// on machines without the strong-crypto registry settings). .NET (PowerShell 7) ignores both, so this does nothing there.
/// </summary>
public static class FrameworkNetworking
{
    private const SecurityProtocolType SystemDefault = 0, Tls12 = (SecurityProtocolType)3072, Tls13 = (SecurityProtocolType)12288;
    private static readonly object s_gate = new();

    /// <summary>True on .NET Framework, where the settings above apply.</summary>
    public static bool IsNetFramework { get; } = RuntimeInformation.FrameworkDescription.StartsWith(".NET Framework", StringComparison.Ordinal);

    /// <summary>Adds TLS 1.2 (and 1.3 where the runtime defines it) to the process's protocols, unless the OS chooses them (SystemDefault).</summary>
    public static void EnableModernTls()
    {
        if (!IsNetFramework) return;
        lock (s_gate) ServicePointManager.SecurityProtocol = WithModernTls(ServicePointManager.SecurityProtocol);
    }

    /// <summary>The protocols to use instead of <paramref name="current"/>: unchanged when it is SystemDefault, else with TLS 1.2 (and 1.3 when defined) added.</summary>
    public static SecurityProtocolType WithModernTls(SecurityProtocolType current)
    {
        if (current == SystemDefault) return current;
        var result = current | Tls12;
        // Setting an undefined value throws; TLS 1.3 exists from .NET Framework 4.8.
        if (Enum.IsDefined(typeof(SecurityProtocolType), Tls13)) result |= Tls13;
        return result;
    }

    /// <summary>
    /// Raises the connection limit for <paramref name="target"/>'s host (through <paramref name="proxy"/> when set) to at
    /// least <paramref name="connections"/>, so that requests the limiter lets through are sent at once instead of
    /// queueing inside HttpClient while their timeout runs. <paramref name="force"/> applies it on .NET too (tests).
    /// </summary>
    public static void EnsureConnections(Uri target, IWebProxy? proxy, int connections, bool force = false)
    {
        if (!IsNetFramework && !force) return;
        var point = proxy == null ? ServicePointManager.FindServicePoint(target) : ServicePointManager.FindServicePoint(target, proxy);
        if (point.ConnectionLimit < connections) lock (s_gate) point.ConnectionLimit = Math.Max(point.ConnectionLimit, connections);
    }

    /// <summary>True when <paramref name="exception"/> (or an inner one) is a failed TLS handshake.</summary>
    public static bool IsTlsFailure(Exception exception)
    {
        for (var e = exception; e != null; e = e.InnerException)
        {
            if (e is AuthenticationException) return true;
            if (e is WebException { Status: WebExceptionStatus.SecureChannelFailure or WebExceptionStatus.TrustFailure }) return true;
        }
        return false;
    }
}
