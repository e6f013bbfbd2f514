using GeminiImage.Engine.Api;
using GeminiImage.Engine.Errors;
using GeminiImage.Engine.Resilience;
using Xunit;

namespace GeminiImage.Tests.Api;

public class ErrorEnvelopeTests
{
    [Fact]
    public void Invalid_key_tells_how_to_set_one()
    {
        var error = ErrorEnvelope.Parse(400, "Bad Request", TestData.Response("error-400-key.json"));
        Assert.True(error.IsInvalidApiKey);
        Assert.Equal("GeminiImage.AuthenticationFailed", error.ErrorId);
        Assert.Equal(ErrorKind.Authentication, error.Kind);
        Assert.Contains("GEMINI_API_KEY", error.Message);
        Assert.False(RetryClassifier.IsRetryable(error));
    }

    [Fact]
    public void Per_minute_429_in_an_array_envelope_is_retryable_with_its_delay()
    {
        var error = ErrorEnvelope.Parse(429, "Too Many Requests", TestData.Response("error-429-minute.json"));
        Assert.Equal("RESOURCE_EXHAUSTED", error.ApiStatus);
        Assert.Equal(TimeSpan.FromSeconds(15), error.RetryDelay);
        Assert.Equal("GeminiImage.RateLimited", error.ErrorId);
        Assert.True(RetryClassifier.IsRetryable(error));
        Assert.Equal(TimeSpan.FromSeconds(15), RetryClassifier.ServerDelay(error));
    }

    [Fact]
    public void Daily_quota_is_not_retried_and_says_when_it_resets()
    {
        var error = ErrorEnvelope.Parse(429, "Too Many Requests", TestData.Response("error-429-daily.json"));
        Assert.True(error.IsDailyQuota);
        Assert.Equal("GeminiImage.DailyQuotaExceeded", error.ErrorId);
        Assert.Contains("midnight Pacific", error.Message);
        Assert.False(RetryClassifier.IsRetryable(error));
        Assert.Equal(TimeSpan.FromSeconds(53.5), error.RetryDelay);
    }

    [Fact]
    public void Html_body_gives_status_and_a_snippet()
    {
        var error = ErrorEnvelope.Parse(502, "Bad Gateway", TestData.Response("error-502-html.html"));
        Assert.Equal(502, error.HttpStatus);
        Assert.Contains("502 Bad Gateway", error.Message);
        Assert.DoesNotContain("<html>", error.Message);
        Assert.True(RetryClassifier.IsRetryable(error));
    }

    [Theory]
    [InlineData(408, true)]
    [InlineData(429, true)]
    [InlineData(500, true)]
    [InlineData(502, true)]
    [InlineData(503, true)]
    [InlineData(504, true)]
    [InlineData(400, false)]
    [InlineData(401, false)]
    [InlineData(403, false)]
    [InlineData(404, false)]
    [InlineData(413, false)]
    public void Retry_table(int status, bool retry) =>
        Assert.Equal(retry, RetryClassifier.IsRetryable(new GeminiApiException(status, null, "x")));

    [Theory]
    [InlineData("53s", 53.0)]
    [InlineData("45.837906927s", 45.837906927)]
    [InlineData("0s", 0.0)]
    public void Durations_parse(string text, double seconds) =>
        Assert.Equal(seconds, ErrorEnvelope.ParseDuration(text)!.Value.TotalSeconds, 6);

    [Theory]
    [InlineData("1.5")]
    [InlineData("")]
    [InlineData("abcs")]
    public void Bad_durations_are_null(string text) => Assert.Null(ErrorEnvelope.ParseDuration(text));

    [Fact]
    public void Pacific_midnight_is_in_the_future_and_within_a_day()
    {
        var now = new DateTimeOffset(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);
        var reset = ErrorEnvelope.NextPacificMidnightUtc(now);
        Assert.True(reset > now && reset <= now.AddDays(1));
        Assert.Equal(8, reset.UtcDateTime.Hour); // PST is UTC-8 in November
    }
}
