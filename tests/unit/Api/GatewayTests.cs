using System.Text;
using GeminiImage.Emulator;
using GeminiImage.Engine.Api;
using GeminiImage.Engine.Errors;
using GeminiImage.Engine.Generation;
using GeminiImage.Engine.Resilience;
using Xunit;

namespace GeminiImage.Tests.Api;

/// <summary>The client against the emulator playing gateways: real HTTP, every auth style, a path prefix, a foreign upload URL.</summary>
public class GatewayTests
{
    private static GenerateContentRequest Request() => new ImageRequest { Prompt = "a red fox", AspectRatio = "1:1" }.ToWireRequest();

    private static GeminiClient Client(GeminiEmulator emulator, AuthStyle style, Uri? baseUri = null, List<string>? debug = null, bool keepUploads = false) =>
        new(new GeminiClientOptions
        {
            BaseUri = baseUri ?? emulator.BaseUri,
            ApiKey = emulator.ApiKey,
            AuthStyle = style,
            MaxRetries = 0,
            KeepUploadsOnHost = keepUploads,
            Headers = new Dictionary<string, string> { ["X-Team"] = "design" },
            Debug = m => { lock (debug ?? new List<string>()) debug?.Add(m); },
        }, new RequestLimiter());

    [Theory]
    [InlineData(EmulatorAuthMode.Google, AuthStyle.Header, "Header")]
    [InlineData(EmulatorAuthMode.Google, AuthStyle.Query, "Query")]
    [InlineData(EmulatorAuthMode.Bearer, AuthStyle.Bearer, "Bearer")]
    [InlineData(EmulatorAuthMode.Query, AuthStyle.Query, "Query")]
    public async Task Each_auth_style_reaches_a_gateway_that_takes_it(EmulatorAuthMode mode, AuthStyle style, string seen)
    {
        using var emulator = GeminiEmulator.Start(new EmulatorOptions { AuthMode = mode, PathPrefix = "/gw" });
        var debug = new List<string>();
        var result = await Client(emulator, style, new Uri(emulator.BaseUri, "v1beta"), debug).GenerateContentAsync("gemini-2.5-flash-image", Request(), default);
        Assert.NotEmpty(result.Images);
        var request = Assert.Single(emulator.Requests);
        Assert.Equal("/gw/v1beta/models/gemini-2.5-flash-image:generateContent", request.Path);
        Assert.Equal(seen, request.AuthStyle);
        Assert.True(request.ApiKeyValid);
        Assert.DoesNotContain(debug, line => line.Contains(emulator.ApiKey));
    }

    [Theory]
    [InlineData(EmulatorAuthMode.Bearer, AuthStyle.Header)]
    [InlineData(EmulatorAuthMode.Bearer, AuthStyle.Query)]
    [InlineData(EmulatorAuthMode.Query, AuthStyle.Header)]
    [InlineData(EmulatorAuthMode.Google, AuthStyle.Bearer)]
    public async Task A_gateway_refuses_the_other_styles_with_a_clear_error(EmulatorAuthMode mode, AuthStyle style)
    {
        using var emulator = GeminiEmulator.Start(new EmulatorOptions { AuthMode = mode });
        var ex = await Assert.ThrowsAsync<GeminiApiException>(() => Client(emulator, style).GenerateContentAsync("gemini-2.5-flash-image", Request(), default));
        Assert.Equal("GeminiImage.AuthenticationFailed", ex.ErrorId);
        Assert.Contains("AuthStyle", ex.RecommendedAction);
        Assert.DoesNotContain(emulator.ApiKey, ex.ToString());
    }

    [Fact]
    public async Task Bare_paths_are_not_served_behind_a_prefix()
    {
        using var emulator = GeminiEmulator.Start(new EmulatorOptions { PathPrefix = "gw" });
        var root = new Uri(emulator.BaseUri, "/");
        var ex = await Assert.ThrowsAsync<GeminiApiException>(() => Client(emulator, AuthStyle.Header, root).GenerateContentAsync("gemini-2.5-flash-image", Request(), default));
        Assert.Equal(404, ex.HttpStatus);
    }

    [Fact]
    public async Task Query_style_keeps_the_key_out_of_debug_lines_and_errors()
    {
        using var emulator = GeminiEmulator.Start(new EmulatorOptions { AuthMode = EmulatorAuthMode.Query });
        var debug = new List<string>();
        var client = Client(emulator, AuthStyle.Query, debug: debug);
        await client.GenerateContentAsync("gemini-2.5-flash-image", Request(), default);
        var ex = await Assert.ThrowsAsync<GeminiApiException>(() => client.GenerateContentAsync("no-such-model", Request(), default));
        Assert.Contains(debug, line => line.Contains("key=REDACTED"));
        Assert.DoesNotContain(debug, line => line.Contains(emulator.ApiKey));
        Assert.DoesNotContain(emulator.ApiKey, ex.ToString());
    }

    [Fact]
    public async Task Uploads_stay_on_the_configured_host_when_the_gateway_hands_back_googles_url()
    {
        // The emulator hands out upload URLs on an address nobody can reach, as a pass-through gateway hands back Google's.
        using var emulator = GeminiEmulator.Start(new EmulatorOptions { UploadBaseUri = new Uri("http://127.0.0.1:9/") });
        var data = Encoding.UTF8.GetBytes("{\"key\":\"a\"}\n");
        await Assert.ThrowsAsync<GeminiConnectionException>(() => Client(emulator, AuthStyle.Header).UploadFileAsync(data, "application/jsonl", "rows.jsonl", default));
        var file = await Client(emulator, AuthStyle.Header, keepUploads: true).UploadFileAsync(data, "application/jsonl", "rows.jsonl", default);
        Assert.StartsWith("files/", file.Name);
        Assert.Equal(3, emulator.Requests.Count(r => r.Path == "/upload/v1beta/files"));
    }
}
