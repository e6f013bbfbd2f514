using System.Net;
using System.Net.Sockets;
using System.Text;
using GeminiImage.Engine.Api;
using GeminiImage.Engine.Errors;
using GeminiImage.Engine.Resilience;
using Xunit;

namespace GeminiImage.Tests.Api;

#pragma warning disable SYSLIB0014, CS0618 // ServicePointManager and old protocols: what .NET Framework's HttpClientHandler reads
public class FrameworkNetworkingTests
{
    [Theory]
    [InlineData(SecurityProtocolType.Ssl3 | SecurityProtocolType.Tls)]     // a 5.1 machine without strong crypto
    [InlineData(SecurityProtocolType.Tls)]
    [InlineData(SecurityProtocolType.Tls11)]
    public void TLS_1_2_is_added_to_an_old_protocol_list(SecurityProtocolType current)
    {
        var result = FrameworkNetworking.WithModernTls(current);
        Assert.True(result.HasFlag(SecurityProtocolType.Tls12));
        Assert.True(result.HasFlag(current), "what was allowed stays allowed");
        const SecurityProtocolType tls13 = (SecurityProtocolType)12288;
        Assert.Equal(Enum.IsDefined(typeof(SecurityProtocolType), tls13), result.HasFlag(tls13)); // TLS 1.3 where the runtime defines it
    }

    [Fact]
    public void SystemDefault_is_left_to_the_OS() =>
        Assert.Equal(SecurityProtocolType.SystemDefault, FrameworkNetworking.WithModernTls(SecurityProtocolType.SystemDefault));

    [Fact]
    public void The_connection_limit_for_the_API_host_is_raised_to_the_concurrency_and_never_lowered()
    {
        var host = new Uri($"https://limit-{Guid.NewGuid():N}.test/v1beta/models");
        Assert.Equal(ServicePointManager.DefaultConnectionLimit, ServicePointManager.FindServicePoint(host).ConnectionLimit);
        FrameworkNetworking.EnsureConnections(host, null, 16, force: true);
        Assert.Equal(16, ServicePointManager.FindServicePoint(host).ConnectionLimit);
        FrameworkNetworking.EnsureConnections(host, null, 4, force: true);
        Assert.Equal(16, ServicePointManager.FindServicePoint(host).ConnectionLimit);
    }

    [Fact]
    public void On_dotnet_nothing_is_changed()
    {
        Assert.False(FrameworkNetworking.IsNetFramework);
        var host = new Uri($"https://core-{Guid.NewGuid():N}.test/");
        var before = ServicePointManager.FindServicePoint(host).ConnectionLimit;
        FrameworkNetworking.EnsureConnections(host, null, before + 10);
        Assert.Equal(before, ServicePointManager.FindServicePoint(host).ConnectionLimit);
    }

    [Fact]
    public async Task A_failed_TLS_handshake_is_a_TlsFailed_error_that_says_how_to_fix_it()
    {
        // A server that answers in plain HTTP where the client expects TLS.
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        try
        {
            var port = ((IPEndPoint)listener.LocalEndpoint).Port;
            var server = Task.Run(async () =>
            {
                using var socket = await listener.AcceptTcpClientAsync();
                var stream = socket.GetStream();
                var answer = Encoding.ASCII.GetBytes("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n");
                await stream.WriteAsync(answer, 0, answer.Length);
                await Task.Delay(500);
            });
            using var handler = new HttpClientHandler();
            var client = new GeminiClient(new GeminiClientOptions
            {
                BaseUri = new Uri($"https://127.0.0.1:{port}/"), ApiKey = "k", Handler = handler, MaxRetries = 2, AttemptTimeout = TimeSpan.FromSeconds(10),
            }, new RequestLimiter());
            var error = await Assert.ThrowsAsync<GeminiTlsException>(() => client.SendAsync<object>(HttpMethod.Get, "v1beta/models", null, default));
            Assert.Equal("GeminiImage.TlsFailed", error.ErrorId);
            Assert.Contains("TLS", error.Message);
            Assert.Contains("TLS 1.2", error.RecommendedAction);
            await server;
        }
        finally { listener.Stop(); }
    }
}
