using System.Security.Cryptography;
using System.Text.Json;
using GeminiImage.Engine.Api;
using GeminiImage.Engine.Configuration;
using GeminiImage.Engine.Resilience;
using Xunit;

namespace GeminiImage.Tests.Configuration;

/// <summary>Settings stay as they were resolved: sending a call neither fills them in nor resizes a shared limiter.</summary>
public sealed class ImmutableSettingsTests : IDisposable
{
    private readonly string _dir = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "gi-immutable-" + Guid.NewGuid().ToString("N"))).FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void A_limiter_cannot_be_changed_once_made()
    {
        Assert.Null(typeof(RequestLimiter).GetProperty(nameof(RequestLimiter.MaxConcurrency))!.SetMethod);
        Assert.Null(typeof(RequestLimiter).GetProperty(nameof(RequestLimiter.RequestsPerMinute))!.SetMethod);
    }

    [Fact]
    public void The_project_only_the_credentials_name_goes_to_the_call_without_changing_the_resolved_settings()
    {
        var keyFile = Path.Combine(_dir, "sa.json");
        using (var rsa = RSA.Create(2048))
        {
            File.WriteAllText(keyFile, JsonSerializer.Serialize(new Dictionary<string, string>
            {
                ["type"] = "service_account",
                ["project_id"] = "key-project",
                ["private_key_id"] = "k1",
                ["private_key"] = rsa.ExportPkcs8PrivateKeyPem(),
                ["client_email"] = "immutable@key-project.iam.gserviceaccount.com",
                ["token_uri"] = "http://127.0.0.1:9/token",
            }));
        }
        var layers = new SettingsLayers(new SessionConfig(), _ => default, () => null, _ => null);
        var parameters = new ConnectionProfile { Backend = GeminiBackend.Vertex, CredentialFile = keyFile, BaseUri = new Uri("http://127.0.0.1:9/") };
        var settings = ConnectionSettings.Resolve(parameters, null, null, null, layers: layers);

        var options = new GeminiClientOptions();
        settings.ApplyTo(options);

        Assert.Equal("key-project", options.Project);
        Assert.NotNull(options.Auth);
        Assert.Null(settings.Project);
        Assert.Equal(SettingOrigin.Default, settings.Sources["Project"].Origin);
        var sending = settings.WithCredentials();
        Assert.Equal("key-project", sending.Project);
        Assert.Equal(SettingOrigin.Credentials, sending.Sources["Project"].Origin);
    }
}
