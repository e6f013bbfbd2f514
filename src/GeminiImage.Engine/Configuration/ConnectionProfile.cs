using GeminiImage.Engine.Api;

namespace GeminiImage.Engine.Configuration;

/// <summary>
/// Connection settings at one layer (cmdlet parameters, a named profile, the session); null means "not set here".
/// A profile never holds a key: it names where the key is (an environment variable, a key file, a secret).
/// </summary>
public sealed class ConnectionProfile
{
    public Uri? BaseUri { get; set; }
    public AuthStyle? AuthStyle { get; set; }
    public string? ApiVersion { get; set; }
    /// <summary>Extra request headers for a gateway.</summary>
    public Dictionary<string, string>? Headers { get; set; }
    public bool? KeepUploadsOnHost { get; set; }
    public GeminiBackend? Backend { get; set; }
    public string? Project { get; set; }
    public string? Location { get; set; }
    /// <summary>The project usage is charged to in the ledger (not the Google Cloud <see cref="Project"/>); a call's -Project wins.</summary>
    public string? UsageProject { get; set; }
    /// <summary>A service-account JSON key file for Vertex AI.</summary>
    public string? CredentialFile { get; set; }
    /// <summary>The name of an environment variable that holds the key.</summary>
    public string? ApiKeyVariable { get; set; }
    /// <summary>A file whose whole content (trimmed) is the key.</summary>
    public string? ApiKeyFile { get; set; }
    /// <summary>A SecretManagement secret name, read with Get-Secret.</summary>
    public string? ApiKeySecret { get; set; }
    public Uri? Proxy { get; set; }
    /// <summary>Profiles to try, in order, when this connection fails.</summary>
    public List<string>? Fallback { get; set; }

    /// <summary>True when the layer names where a key is.</summary>
    public bool HasKeyReference => ApiKeyVariable != null || ApiKeyFile != null || ApiKeySecret != null;
}
