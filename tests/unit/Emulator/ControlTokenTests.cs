using System.Net;
using System.Net.Http;
using System.Text;
using GeminiImage.Emulator;
using Xunit;

namespace GeminiImage.Tests.Emulator;

public class ControlTokenTests
{
    [Theory]
    [InlineData("GET", "emulator/health")]
    [InlineData("GET", "emulator/requests")]
    [InlineData("POST", "emulator/faults")]
    [InlineData("DELETE", "emulator/faults")]
    [InlineData("POST", "emulator/reset")]
    [InlineData("POST", "emulator/settings")]
    public async Task ControlCallsWithoutTheInstanceTokenAreRefused(string method, string path)
    {
        using var emulator = GeminiEmulator.Start();
        using var http = new HttpClient { BaseAddress = emulator.BaseUri };
        emulator.EnqueueFault(new EmulatorFault(EmulatorFaultKind.Hang));
        foreach (var token in new[] { null, "", "wrong", emulator.ControlToken.Substring(1) })
        {
            var request = new HttpRequestMessage(new HttpMethod(method), path)
            {
                Content = method == "POST" ? new StringContent("{\"kind\":\"ServerError500\",\"latencyMs\":1}", Encoding.UTF8, "application/json") : null,
            };
            if (token != null) request.Headers.Add(GeminiEmulator.ControlTokenHeader, token);
            var response = await http.SendAsync(request);
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            Assert.DoesNotContain("prompt", await response.Content.ReadAsStringAsync());
        }
        // Nothing changed: the queued fault is still there and no settings moved.
        Assert.Equal(TimeSpan.Zero, emulator.Latency);
        var withToken = new HttpRequestMessage(HttpMethod.Get, "emulator/health");
        withToken.Headers.Add(GeminiEmulator.ControlTokenHeader, emulator.ControlToken);
        var health = await EmulatorClient.JsonAsync(await http.SendAsync(withToken));
        Assert.Equal(1, health.GetProperty("queuedFaults").GetInt32());
    }

    [Fact]
    public void EachInstanceHasItsOwnRandomKeyAndToken()
    {
        using var a = GeminiEmulator.Start();
        using var b = GeminiEmulator.Start();
        Assert.NotEqual("emulator-key", a.ApiKey);
        Assert.NotEqual(a.ApiKey, b.ApiKey);
        Assert.NotEqual(a.ControlToken, b.ControlToken);
        Assert.True(a.ControlToken.Length >= 32);
        Assert.True(a.ApiKey.Length >= 24);
    }

    [Fact]
    public async Task TheOldFixedKeyIsRefused()
    {
        using var client = new EmulatorClient();
        var response = await client.GenerateAsync(EmulatorClient.Body("x"), key: "emulator-key");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }
}
