using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;
using GeminiImage.Emulator;
using Xunit;

namespace GeminiImage.Tests.Emulator;

public class FaultTests
{
    [Fact]
    public async Task RateLimited429HasQuotaFailureAndRetryInfo()
    {
        using var client = new EmulatorClient();
        client.Emulator.EnqueueFault(new EmulatorFault(EmulatorFaultKind.RateLimited429) { RetryDelay = TimeSpan.FromSeconds(2) });
        var response = await client.GenerateAsync(EmulatorClient.Body("x"));
        Assert.Equal((HttpStatusCode)429, response.StatusCode);
        var error = (await EmulatorClient.JsonAsync(response)).GetProperty("error");
        Assert.Equal("RESOURCE_EXHAUSTED", error.GetProperty("status").GetString());
        var details = error.GetProperty("details").EnumerateArray().ToDictionary(d => d.GetProperty("@type").GetString()!);
        Assert.Equal("GenerateRequestsPerMinutePerProjectPerModel",
            details["type.googleapis.com/google.rpc.QuotaFailure"].GetProperty("violations")[0].GetProperty("quotaId").GetString());
        Assert.Equal("2s", details["type.googleapis.com/google.rpc.RetryInfo"].GetProperty("retryDelay").GetString());
        // Consumed: the next request succeeds.
        Assert.Equal(HttpStatusCode.OK, (await client.GenerateAsync(EmulatorClient.Body("x"))).StatusCode);
    }

    [Fact]
    public async Task DailyQuota429NamesThePerDayQuota()
    {
        using var client = new EmulatorClient();
        client.Emulator.EnqueueFault(new EmulatorFault(EmulatorFaultKind.DailyQuota429));
        var error = (await EmulatorClient.JsonAsync(await client.GenerateAsync(EmulatorClient.Body("x")))).GetProperty("error");
        Assert.Contains("GenerateRequestsPerDayPerProjectPerModel", error.GetRawText());
    }

    [Theory]
    [InlineData(EmulatorFaultKind.ServerError500, 500, "INTERNAL")]
    [InlineData(EmulatorFaultKind.Unavailable503, 503, "UNAVAILABLE")]
    [InlineData(EmulatorFaultKind.BadRequest400, 400, "INVALID_ARGUMENT")]
    public async Task ErrorFaultsUseTheGoogleEnvelope(EmulatorFaultKind kind, int code, string status)
    {
        using var client = new EmulatorClient();
        client.Emulator.EnqueueFault(new EmulatorFault(kind) { Count = 2 });
        for (var i = 0; i < 2; i++)
        {
            var response = await client.GenerateAsync(EmulatorClient.Body("x"));
            Assert.Equal(code, (int)response.StatusCode);
            var error = (await EmulatorClient.JsonAsync(response)).GetProperty("error");
            Assert.Equal(code, error.GetProperty("code").GetInt32());
            Assert.Equal(status, error.GetProperty("status").GetString());
        }
        Assert.Equal(HttpStatusCode.OK, (await client.GenerateAsync(EmulatorClient.Body("x"))).StatusCode);
        if (kind == EmulatorFaultKind.Unavailable503)
            Assert.Equal(kind.ToString(), client.Emulator.Requests[0].Fault);
    }

    [Fact]
    public async Task PromptBlockedHasNoCandidates()
    {
        using var client = new EmulatorClient();
        client.Emulator.EnqueueFault(new EmulatorFault(EmulatorFaultKind.PromptBlocked));
        var response = await client.GenerateAsync(EmulatorClient.Body("x"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var json = await EmulatorClient.JsonAsync(response);
        Assert.False(json.TryGetProperty("candidates", out _));
        Assert.Equal("PROHIBITED_CONTENT", json.GetProperty("promptFeedback").GetProperty("blockReason").GetString());
        Assert.True(json.GetProperty("usageMetadata").GetProperty("promptTokenCount").GetInt32() > 0);
    }

    [Fact]
    public async Task ImageSafetyHasACandidateWithoutParts()
    {
        using var client = new EmulatorClient();
        client.Emulator.EnqueueFault(new EmulatorFault(EmulatorFaultKind.ImageSafety));
        var candidate = (await EmulatorClient.JsonAsync(await client.GenerateAsync(EmulatorClient.Body("x")))).GetProperty("candidates")[0];
        Assert.Equal("IMAGE_SAFETY", candidate.GetProperty("finishReason").GetString());
        Assert.Equal("model", candidate.GetProperty("content").GetProperty("role").GetString());
        Assert.False(candidate.GetProperty("content").TryGetProperty("parts", out _));
        Assert.False(string.IsNullOrEmpty(candidate.GetProperty("finishMessage").GetString()));
    }

    [Fact]
    public async Task TextOnlyHasStopAndOnlyText()
    {
        using var client = new EmulatorClient();
        client.Emulator.EnqueueFault(new EmulatorFault(EmulatorFaultKind.TextOnly));
        var candidate = (await EmulatorClient.JsonAsync(await client.GenerateAsync(EmulatorClient.Body("x")))).GetProperty("candidates")[0];
        Assert.Equal("STOP", candidate.GetProperty("finishReason").GetString());
        var parts = candidate.GetProperty("content").GetProperty("parts");
        Assert.Equal(1, parts.GetArrayLength());
        Assert.True(parts[0].TryGetProperty("text", out _));
    }

    [Fact]
    public async Task BrokenBodiesAndProxyPages()
    {
        using var client = new EmulatorClient();
        client.Emulator.EnqueueFault(new EmulatorFault(EmulatorFaultKind.MalformedBody));
        client.Emulator.EnqueueFault(new EmulatorFault(EmulatorFaultKind.TruncatedBody));
        client.Emulator.EnqueueFault(new EmulatorFault(EmulatorFaultKind.HtmlError502));

        var malformed = await client.GenerateAsync(EmulatorClient.Body("x"));
        Assert.Equal(HttpStatusCode.OK, malformed.StatusCode);
        Assert.ThrowsAny<JsonException>(() => JsonDocument.Parse(malformed.Content.ReadAsStringAsync().Result));

        var truncated = await client.GenerateAsync(EmulatorClient.Body("x"));
        Assert.Equal(HttpStatusCode.OK, truncated.StatusCode);
        var text = await truncated.Content.ReadAsStringAsync();
        Assert.StartsWith("{\"candidates\":", text);
        Assert.ThrowsAny<JsonException>(() => JsonDocument.Parse(text));

        var html = await client.GenerateAsync(EmulatorClient.Body("x"));
        Assert.Equal(HttpStatusCode.BadGateway, html.StatusCode);
        Assert.Equal("text/html", html.Content.Headers.ContentType!.MediaType);
    }

    [Fact]
    public async Task DroppedConnectionClosesWithoutAnAnswer()
    {
        using var client = new EmulatorClient();
        client.Emulator.EnqueueFault(new EmulatorFault(EmulatorFaultKind.DroppedConnection));
        var watch = Stopwatch.StartNew();
        await Assert.ThrowsAnyAsync<HttpRequestException>(() => client.GenerateAsync(EmulatorClient.Body("x")));
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), $"took {watch.Elapsed}");
        Assert.Equal("DroppedConnection", client.Emulator.Requests[0].Fault);
        Assert.Equal(0, client.Emulator.Requests[0].ImagesReturned);
        Assert.Equal(HttpStatusCode.OK, (await client.GenerateAsync(EmulatorClient.Body("x [emulator:none]"))).StatusCode);
    }

    [Fact]
    public async Task TheLogKeepsTheUsageOfWholeAnswersOnly()
    {
        using var client = new EmulatorClient();
        client.Emulator.EnqueueFault(new EmulatorFault(EmulatorFaultKind.TruncatedBody));
        client.Emulator.EnqueueFault(new EmulatorFault(EmulatorFaultKind.TextOnly));
        await client.GenerateAsync(EmulatorClient.Body("x"));
        await client.GenerateAsync(EmulatorClient.Body("x"));
        var whole = await EmulatorClient.JsonAsync(await client.GenerateAsync(EmulatorClient.Body("x")));
        var log = client.Emulator.Requests;
        Assert.Null(log[0].Usage);
        Assert.Equal(0, log[1].ImagesReturned);
        Assert.True(log[1].Usage!.TextOutputTokenCount > 0);
        Assert.Equal(1, log[2].ImagesReturned);
        var usage = whole.GetProperty("usageMetadata");
        Assert.Equal(usage.GetProperty("promptTokenCount").GetInt32(), log[2].Usage!.PromptTokenCount);
        Assert.Equal(usage.GetProperty("candidatesTokenCount").GetInt32(), log[2].Usage!.CandidatesTokenCount);
        Assert.Equal(usage.GetProperty("candidatesTokensDetails")[0].GetProperty("tokenCount").GetInt32(), log[2].Usage!.ImageOutputTokenCount);
    }

    [Fact]
    public async Task SlowDelaysThenAnswers()
    {
        using var client = new EmulatorClient();
        client.Emulator.EnqueueFault(new EmulatorFault(EmulatorFaultKind.Slow) { Delay = TimeSpan.FromMilliseconds(400) });
        var watch = Stopwatch.StartNew();
        Assert.Equal(HttpStatusCode.OK, (await client.GenerateAsync(EmulatorClient.Body("x"))).StatusCode);
        Assert.True(watch.ElapsedMilliseconds >= 380);
    }

    [Fact]
    public async Task HangKeepsTheConnectionOpenUntilStop()
    {
        var client = new EmulatorClient();
        client.Emulator.EnqueueFault(new EmulatorFault(EmulatorFaultKind.Hang));
        var pending = client.GenerateAsync(EmulatorClient.Body("x"));
        await Task.Delay(300);
        Assert.False(pending.IsCompleted);
        var watch = Stopwatch.StartNew();
        client.Emulator.Stop();
        var outcome = await Record.ExceptionAsync(() => pending);
        Assert.True(outcome != null, $"expected a dropped connection, got {(pending.IsCompletedSuccessfully ? pending.Result.StatusCode.ToString() + " " + await pending.Result.Content.ReadAsStringAsync() : "?")}");
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(3), $"Stop took {watch.Elapsed}");
        client.Dispose();
    }

    [Fact]
    public async Task PromptContainsAndFifoOrder()
    {
        using var client = new EmulatorClient();
        client.Emulator.EnqueueFault(new EmulatorFault(EmulatorFaultKind.ServerError500) { PromptContains = "boom" });
        client.Emulator.EnqueueFault(new EmulatorFault(EmulatorFaultKind.Unavailable503));
        Assert.Equal(503, (int)(await client.GenerateAsync(EmulatorClient.Body("calm"))).StatusCode);
        Assert.Equal(200, (int)(await client.GenerateAsync(EmulatorClient.Body("calm"))).StatusCode);
        Assert.Equal(500, (int)(await client.GenerateAsync(EmulatorClient.Body("boom"))).StatusCode);
    }

    [Theory]
    [InlineData("[emulator:block]", 200, "promptFeedback")]
    [InlineData("[emulator:safety]", 200, "IMAGE_SAFETY")]
    [InlineData("[emulator:textonly]", 200, "STOP")]
    [InlineData("[emulator:500]", 500, "INTERNAL")]
    [InlineData("[emulator:503]", 503, "overloaded")]
    [InlineData("[emulator:429=3]", 429, "\"3s\"")]
    public async Task PromptDirectivesTriggerFaults(string directive, int code, string expected)
    {
        using var client = new EmulatorClient();
        var response = await client.GenerateAsync(EmulatorClient.Body("a cat " + directive));
        Assert.Equal(code, (int)response.StatusCode);
        Assert.Contains(expected, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task SlowDirectiveWaits()
    {
        using var client = new EmulatorClient();
        var watch = Stopwatch.StartNew();
        Assert.Equal(HttpStatusCode.OK, (await client.GenerateAsync(EmulatorClient.Body("a cat [emulator:slow=300]"))).StatusCode);
        Assert.True(watch.ElapsedMilliseconds >= 280);
    }

    [Fact]
    public async Task ControlApiQueuesFaultsAndLimitsRate()
    {
        using var client = new EmulatorClient();
        var queued = await client.Http.PostAsync("emulator/faults", new StringContent("[{\"kind\":\"RateLimited429\",\"retryDelay\":\"1.5s\"},{\"kind\":\"slow\",\"delay\":10}]", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, queued.StatusCode);
        var first = await client.GenerateAsync(EmulatorClient.Body("x"));
        Assert.Contains("\"1.5s\"", await first.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, (await client.GenerateAsync(EmulatorClient.Body("x"))).StatusCode);

        // The sliding window already holds the two requests above.
        client.Emulator.RequestsPerMinuteLimit = 3;
        Assert.Equal(HttpStatusCode.OK, (await client.GenerateAsync(EmulatorClient.Body("x"))).StatusCode);
        var limited = await client.GenerateAsync(EmulatorClient.Body("x"));
        Assert.Equal((HttpStatusCode)429, limited.StatusCode);
        Assert.Contains("RetryInfo", await limited.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.OK, (await client.Http.PostAsync("emulator/reset", null)).StatusCode);
        Assert.Equal(0, client.Emulator.RequestCount);
        var health = await EmulatorClient.JsonAsync(await client.Http.GetAsync("emulator/health"));
        Assert.Equal("ok", health.GetProperty("status").GetString());
    }
}
