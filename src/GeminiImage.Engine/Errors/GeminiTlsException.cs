namespace GeminiImage.Engine.Errors;

/// <summary>The TLS handshake with the service failed (not retried: it fails the same way again).</summary>
public sealed class GeminiTlsException : GeminiImageException
{
    public GeminiTlsException(string message, Exception? inner = null) : base(message, inner) { }
    public override string ErrorId => "GeminiImage.TlsFailed";
    public override ErrorKind Kind => ErrorKind.ResourceUnavailable;
    public override string? RecommendedAction =>
        "Google requires TLS 1.2 or later. On Windows PowerShell 5.1 install .NET Framework 4.7.2 or later and enable strong cryptography " +
        "(registry value SchUseStrongCrypto = 1 under HKLM\\SOFTWARE\\Microsoft\\.NETFramework\\v4.0.30319 and its Wow6432Node twin), or use PowerShell 7; " +
        "behind a TLS-inspecting proxy, make sure its certificate is trusted.";
}
