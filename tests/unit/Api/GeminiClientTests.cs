using System.Diagnostics;
using System.Net;
using System.Text.Json;
using GeminiImage.Engine.Api;
using GeminiImage.Engine.Catalog;
using GeminiImage.Engine.Errors;
using GeminiImage.Engine.Generation;
using GeminiImage.Engine.Resilience;
using Xunit;

namespace GeminiImage.Tests.Api;

public class GeminiClientTests
{
    private const string Key = "AIzaTEST-secret-key-123456";

    private static GeminiClient Client(ScriptedHandler handler, int retries = 3, List<string>? log = null) =>
        new(new GeminiClientOptions
        {
            BaseUri = new Uri("http://gateway.test/prefix"),
            ApiKey = Key,
            Handler = handler,
            MaxRetries = retries,
            AttemptTimeout = TimeSpan.FromSeconds(5),
            Verbose = m => log?.Add(m),
        }, new RequestLimiter());

    private static GenerateContentRequest Request() =>
        new ImageRequest { Prompt = "a red fox", AspectRatio = "16:9" }.ToWireRequest();

    [Fact]
    public async Task Key_goes_in_the_header_and_never_the_url()
    {
        var handler = new ScriptedHandler().Then(HttpStatusCode.OK, TestData.Response("success-text-image.json"));
        await Client(handler).GenerateContentAsync("gemini-2.5-flash-image", Request(), default);
        var (request, _) = Assert.Single(handler.Sent);
        Assert.Equal("http://gateway.test/prefix/v1beta/models/gemini-2.5-flash-image:generateContent", request.RequestUri!.ToString());
        Assert.Equal(Key, request.Headers.GetValues("x-goog-api-key").Single());
        Assert.DoesNotContain(Key, request.RequestUri.ToString());
    }

    [Fact]
    public async Task Request_body_is_camel_case_per_the_reference()
    {
        var handler = new ScriptedHandler().Then(HttpStatusCode.OK, TestData.Response("success-text-image.json"));
        await Client(handler).GenerateContentAsync("gemini-2.5-flash-image", Request(), default);
        using var body = JsonDocument.Parse(handler.Sent[0].Body);
        var root = body.RootElement;
        Assert.Equal("a red fox", root.GetProperty("contents")[0].GetProperty("parts")[0].GetProperty("text").GetString());
        Assert.Equal("user", root.GetProperty("contents")[0].GetProperty("role").GetString());
        var config = root.GetProperty("generationConfig");
        Assert.Equal("IMAGE", config.GetProperty("responseModalities")[1].GetString());
        Assert.Equal("16:9", config.GetProperty("imageConfig").GetProperty("aspectRatio").GetString());
        Assert.False(config.GetProperty("imageConfig").TryGetProperty("imageSize", out _));
        Assert.False(root.TryGetProperty("systemInstruction", out _));
    }

    [Fact]
    public async Task Retries_503_then_succeeds_and_logs_the_reason()
    {
        var log = new List<string>();
        var handler = new ScriptedHandler()
            .Then(HttpStatusCode.ServiceUnavailable, """{"error":{"code":503,"message":"The model is overloaded.","status":"UNAVAILABLE"}}""")
            .Then(HttpStatusCode.OK, TestData.Response("success-text-image.json"));
        var result = await Client(handler, log: log).GenerateContentAsync("gemini-2.5-flash-image", Request(), default);
        Assert.True(result.HasImage);
        Assert.Equal(2, handler.Sent.Count);
        Assert.Contains(log, m => m.Contains("HTTP 503"));
    }

    [Fact]
    public async Task Honours_retry_delay_on_429()
    {
        // 2 s is beyond the first exponential backoff step (at most ~1.4 s with jitter), so the retry's own wait can
        // only reach it by honouring RetryInfo; the elapsed time alone could not tell, as the limiter also pauses.
        var body = """{"error":{"code":429,"message":"quota","status":"RESOURCE_EXHAUSTED","details":[{"@type":"type.googleapis.com/google.rpc.RetryInfo","retryDelay":"2s"}]}}""";
        var handler = new ScriptedHandler().Then((HttpStatusCode)429, body).Then(HttpStatusCode.OK, TestData.Response("success-text-image.json"));
        var log = new List<string>();
        var watch = Stopwatch.StartNew();
        await Client(handler, log: log).GenerateContentAsync("gemini-2.5-flash-image", Request(), default);
        Assert.True(watch.Elapsed >= TimeSpan.FromSeconds(2), $"waited only {watch.Elapsed}");
        var retry = Assert.Single(log, m => m.StartsWith("Retry 1 of 3 after HTTP 429"));
        var waited = double.Parse(System.Text.RegularExpressions.Regex.Match(retry, @"waiting (\d+\.\d) s").Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(waited, 2.0, 2.3); // the server's delay plus at most 250 ms of jitter
    }

    [Fact]
    public async Task Bad_request_is_sent_exactly_once()
    {
        var handler = new ScriptedHandler().Then(HttpStatusCode.BadRequest, TestData.Response("error-400-key.json"));
        var error = await Assert.ThrowsAsync<GeminiApiException>(() => Client(handler).GenerateContentAsync("gemini-2.5-flash-image", Request(), default));
        Assert.Single(handler.Sent);
        Assert.True(error.IsInvalidApiKey);
        Assert.DoesNotContain(Key, error.ToString());
    }

    [Fact]
    public async Task Daily_quota_is_sent_once()
    {
        var handler = new ScriptedHandler().Then((HttpStatusCode)429, TestData.Response("error-429-daily.json"));
        var error = await Assert.ThrowsAsync<GeminiApiException>(() => Client(handler).GenerateContentAsync("gemini-2.5-flash-image", Request(), default));
        Assert.Single(handler.Sent);
        Assert.Equal("GeminiImage.DailyQuotaExceeded", error.ErrorId);
    }

    [Theory]
    [InlineData("{\"candidates\": [ { \"content\": ")]
    [InlineData("this is not json at all")]
    public async Task Truncated_or_garbage_200_is_a_format_error(string body)
    {
        var handler = new ScriptedHandler().Then(HttpStatusCode.OK, body);
        var error = await Assert.ThrowsAsync<GeminiResponseFormatException>(() => Client(handler, retries: 0).GenerateContentAsync("gemini-2.5-flash-image", Request(), default));
        Assert.Equal("GeminiImage.MalformedResponse", error.ErrorId);
    }

    [Fact]
    public async Task Connection_failure_is_retried_then_reported()
    {
        var handler = new ScriptedHandler()
            .Then(_ => throw new HttpRequestException("Connection refused"))
            .Then(_ => throw new HttpRequestException("Connection refused"));
        var error = await Assert.ThrowsAsync<GeminiConnectionException>(() => Client(handler, retries: 1).GenerateContentAsync("gemini-2.5-flash-image", Request(), default));
        Assert.Equal(2, handler.Sent.Count);
        Assert.Equal("GeminiImage.ConnectionFailed", error.ErrorId);
    }

    [Fact]
    public async Task Cancellation_stops_a_long_backoff_promptly()
    {
        var body = """{"error":{"code":429,"message":"quota","status":"RESOURCE_EXHAUSTED","details":[{"@type":"type.googleapis.com/google.rpc.RetryInfo","retryDelay":"30s"}]}}""";
        var handler = new ScriptedHandler().Then((HttpStatusCode)429, body).Then(HttpStatusCode.OK, TestData.Response("success-text-image.json"));
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(500));
        var watch = Stopwatch.StartNew();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Client(handler).GenerateContentAsync("gemini-2.5-flash-image", Request(), cts.Token));
        // The server asked for 30 s; a busy machine may add seconds, never that much.
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), $"took {watch.Elapsed}");
    }

    [Fact]
    public async Task Total_retry_wait_is_a_budget()
    {
        var body = """{"error":{"code":429,"message":"quota","status":"RESOURCE_EXHAUSTED","details":[{"@type":"type.googleapis.com/google.rpc.RetryInfo","retryDelay":"20s"}]}}""";
        var handler = new ScriptedHandler().Then((HttpStatusCode)429, body).Then(HttpStatusCode.OK, TestData.Response("success-text-image.json"));
        var log = new List<string>();
        var client = new GeminiClient(new GeminiClientOptions
        {
            BaseUri = new Uri("http://gateway.test/"), ApiKey = Key, Handler = handler, MaxRetries = 3,
            MaxTotalRetryWait = TimeSpan.FromSeconds(5), Verbose = log.Add,
        }, new RequestLimiter());
        var watch = Stopwatch.StartNew();
        var error = await Assert.ThrowsAsync<GeminiApiException>(() => client.GenerateContentAsync("gemini-2.5-flash-image", Request(), default));
        Assert.Equal(429, error.HttpStatus);
        Assert.Single(handler.Sent);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(4.5), $"took {watch.Elapsed}, as if it had waited for the 5 s budget");
        Assert.Contains(log, m => m.Contains("retry wait limit"));
    }
}
