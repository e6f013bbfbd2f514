using System.Diagnostics;
using GeminiImage.Engine.Errors;
using GeminiImage.Engine.Resilience;
using Xunit;

namespace GeminiImage.Tests.Resilience;

/// <summary>Which failures are retried, how long the server asks us to wait, and how a retry is described.</summary>
public sealed class RetryClassifierTests
{
    private static GeminiApiException Api(int status, string? apiStatus = null, params string[] quotaIds) =>
        new(status, apiStatus, "x") { QuotaIds = quotaIds };

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
    [InlineData(501, false)]
    public void Http_statuses_that_are_retried(int status, bool retried) =>
        Assert.Equal(retried, RetryClassifier.IsRetryable(Api(status)));

    [Fact]
    public void A_daily_quota_429_is_not_retried_but_a_per_minute_one_is()
    {
        Assert.False(RetryClassifier.IsRetryable(Api(429, "RESOURCE_EXHAUSTED", "GenerateRequestsPerDayPerProjectPerModel")));
        Assert.True(RetryClassifier.IsRetryable(Api(429, "RESOURCE_EXHAUSTED", "GenerateRequestsPerMinutePerProjectPerModel")));
    }

    [Fact]
    public void Network_failures_and_attempt_timeouts_are_retried_and_nothing_else()
    {
        Assert.True(RetryClassifier.IsRetryable(new GeminiConnectionException("refused")));
        Assert.True(RetryClassifier.IsRetryable(new AttemptTimeoutException(TimeSpan.FromSeconds(5))));
        Assert.False(RetryClassifier.IsRetryable(new GeminiTimeoutException("overall timeout")));
        Assert.False(RetryClassifier.IsRetryable(new GeminiResponseFormatException("garbage")));
        Assert.False(RetryClassifier.IsRetryable(new InvalidOperationException()));
    }

    [Fact]
    public void Only_a_429_carries_a_server_delay()
    {
        var delay = TimeSpan.FromSeconds(7);
        Assert.Equal(delay, RetryClassifier.ServerDelay(new GeminiApiException(429, null, "x") { RetryDelay = delay }));
        Assert.Null(RetryClassifier.ServerDelay(new GeminiApiException(429, null, "x")));
        Assert.Null(RetryClassifier.ServerDelay(new GeminiApiException(503, null, "x") { RetryDelay = delay }));
        Assert.Null(RetryClassifier.ServerDelay(new GeminiConnectionException("refused")));
    }

    [Fact]
    public void Describe_names_the_status_or_the_kind_of_failure()
    {
        Assert.Equal("HTTP 503 UNAVAILABLE", RetryClassifier.Describe(Api(503, "UNAVAILABLE")));
        Assert.Equal("HTTP 500", RetryClassifier.Describe(Api(500)));
        Assert.Equal("attempt timed out", RetryClassifier.Describe(new AttemptTimeoutException(TimeSpan.FromSeconds(5))));
        Assert.Equal("connection failed: refused", RetryClassifier.Describe(new GeminiConnectionException("refused")));
        Assert.Equal("InvalidOperationException", RetryClassifier.Describe(new InvalidOperationException()));
    }

    [Fact]
    public void Attempt_timeout_is_a_timeout_error_with_advice()
    {
        var e = new AttemptTimeoutException(TimeSpan.FromSeconds(2.5));
        Assert.Equal("The request did not complete within 2.5 s.", e.Message);
        Assert.Equal("GeminiImage.Timeout", e.ErrorId);
        Assert.Equal(ErrorKind.Timeout, e.Kind);
        Assert.Contains("-TimeoutSec", e.RecommendedAction);
    }
}

/// <summary>The circuit's threshold, what counts as a service failure, and the error it raises.</summary>
public sealed class FailureCircuitRulesTests
{
    [Fact]
    public void Threshold_defaults_to_five_and_is_at_least_one()
    {
        Assert.Equal(5, new FailureCircuit().Threshold);
        Assert.Equal(3, new FailureCircuit(3).Threshold);
        Assert.Equal(1, new FailureCircuit(0).Threshold);
        Assert.Equal(1, new FailureCircuit(-4).Threshold);
    }

    [Fact]
    public void Opens_exactly_at_the_threshold_and_says_so()
    {
        var circuit = new FailureCircuit(2);
        circuit.ThrowIfOpen(); // closed: no error
        Assert.False(circuit.RecordFailure(new GeminiApiException(503, null, "first")));
        Assert.False(circuit.IsOpen);
        circuit.ThrowIfOpen();
        Assert.True(circuit.RecordFailure(new GeminiApiException(503, null, "second")));
        Assert.True(circuit.IsOpen);
        // An item problem while open changes nothing but still reports the state.
        Assert.True(circuit.RecordFailure(new GeminiNoImageException("blocked", "SAFETY", null, null)));

        var e = Assert.Throws<CircuitOpenException>(circuit.ThrowIfOpen);
        Assert.Equal("Stopped after 2 consecutive service failures; the last was: second", e.Message);
        Assert.Equal(ErrorKind.ResourceUnavailable, e.Kind);
        Assert.NotNull(e.RecommendedAction);
        Assert.Equal("second", e.InnerException!.Message);
    }

    [Fact]
    public void An_item_problem_does_not_count_and_reports_the_current_state()
    {
        var circuit = new FailureCircuit(1);
        Assert.False(circuit.RecordFailure(new GeminiArgumentException("GeminiImage.EmptyPrompt", "empty")));
        Assert.False(circuit.IsOpen);
    }

    [Fact]
    public void The_error_without_a_last_failure_ends_with_a_full_stop()
    {
        Assert.Equal("Stopped after 3 consecutive service failures.", new CircuitOpenException(3, null).Message);
    }

    [Theory]
    [InlineData(500, true)]
    [InlineData(503, true)]
    [InlineData(429, true)]
    [InlineData(401, true)]
    [InlineData(403, true)]
    [InlineData(499, false)]
    [InlineData(400, false)]
    [InlineData(404, false)]
    public void Service_failures_by_http_status(int status, bool counted) =>
        Assert.Equal(counted, FailureCircuit.IsServiceFailure(new GeminiApiException(status, null, "x")));

    [Fact]
    public void Service_failures_by_kind()
    {
        Assert.True(FailureCircuit.IsServiceFailure(new GeminiApiException(400, "INVALID_ARGUMENT", "bad key") { ErrorReason = "API_KEY_INVALID" }));
        Assert.True(FailureCircuit.IsServiceFailure(new GeminiConnectionException("refused")));
        Assert.True(FailureCircuit.IsServiceFailure(new GeminiTimeoutException("slow")));
        Assert.True(FailureCircuit.IsServiceFailure(new AttemptTimeoutException(TimeSpan.FromSeconds(1))));
        Assert.True(FailureCircuit.IsServiceFailure(new GeminiResponseFormatException("garbage")));
        Assert.False(FailureCircuit.IsServiceFailure(new GeminiNoImageException("blocked", "SAFETY", null, null)));
        Assert.False(FailureCircuit.IsServiceFailure(new IOException("disk full")));
    }
}

/// <summary>The limiter's sizes, its 429 pause and what a cancelled or repeated release does.</summary>
public sealed class RequestLimiterRulesTests
{
    private static async Task<bool> CompletesWithin(Task task, int milliseconds) =>
        await Task.WhenAny(task, Task.Delay(milliseconds)) == task;

    [Fact]
    public void Concurrency_defaults_to_eight_and_is_at_least_one()
    {
        Assert.Equal(8, new RequestLimiter().MaxConcurrency);
        Assert.Equal(1, new RequestLimiter(maxConcurrency: 0).MaxConcurrency);
        Assert.Equal(1, new RequestLimiter(maxConcurrency: -1).MaxConcurrency);
        var limiter = new RequestLimiter(requestsPerMinute: 30).WithConcurrency(3);
        Assert.Equal(3, limiter.MaxConcurrency);
        Assert.Equal(30, limiter.RequestsPerMinute);
        Assert.Equal(1, limiter.WithConcurrency(-1).MaxConcurrency);
        Assert.Equal(0, new RequestLimiter().RequestsPerMinute);
        Assert.Equal(30, new RequestLimiter(requestsPerMinute: 30).RequestsPerMinute);
    }

    [Fact]
    public async Task A_limiter_of_another_size_bounds_its_requests()
    {
        var limiter = new RequestLimiter(maxConcurrency: 8).WithConcurrency(2);
        var first = await limiter.AcquireAsync(default);
        var second = await limiter.AcquireAsync(default);
        var third = limiter.AcquireAsync(default);
        Assert.False(await CompletesWithin(third, 200));
        first.Dispose();
        Assert.True(await CompletesWithin(third, 5000));
        (await third).Dispose();
        second.Dispose();
    }

    [Fact]
    public async Task Without_a_rate_there_is_no_pause()
    {
        var limiter = new RequestLimiter();
        var watch = Stopwatch.StartNew();
        for (var i = 0; i < 20; i++) (await limiter.AcquireAsync(default)).Dispose();
        Assert.True(watch.ElapsedMilliseconds < 2000, $"20 unpaced starts took {watch.ElapsedMilliseconds} ms");
    }

    [Fact]
    public async Task A_shorter_backoff_never_shortens_a_longer_one()
    {
        var limiter = new RequestLimiter();
        limiter.Backoff(TimeSpan.FromMilliseconds(600));
        limiter.Backoff(TimeSpan.FromMilliseconds(10));
        var watch = Stopwatch.StartNew();
        (await limiter.AcquireAsync(default)).Dispose();
        Assert.True(watch.ElapsedMilliseconds >= 500, $"waited only {watch.ElapsedMilliseconds} ms");
    }

    [Fact]
    public async Task A_cancelled_wait_gives_its_slot_back()
    {
        var limiter = new RequestLimiter(maxConcurrency: 1);
        limiter.Backoff(TimeSpan.FromMilliseconds(1500));
        // Cancelled once the slot is taken and the wait announced, so a slow start cannot cancel it earlier.
        using (var cts = new CancellationTokenSource())
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => limiter.AcquireAsync(cts.Token, _ => cts.Cancel()));
        var next = limiter.AcquireAsync(default);
        Assert.True(await CompletesWithin(next, 10_000), "the cancelled wait kept the only slot");
        (await next).Dispose();
    }

    [Fact]
    public async Task Disposing_a_slot_twice_frees_it_once()
    {
        var limiter = new RequestLimiter(maxConcurrency: 1);
        var slot = await limiter.AcquireAsync(default);
        slot.Dispose();
        slot.Dispose();
        var first = await limiter.AcquireAsync(default);
        var second = limiter.AcquireAsync(default);
        Assert.False(await CompletesWithin(second, 200));
        first.Dispose();
        (await second).Dispose();
    }
}

/// <summary>The session's limiters (<see cref="RequestLimiter.For"/>) and the circuit's advice (issue 24: mutants that survived).</summary>
public sealed class SessionLimiterTests
{
    [Fact]
    public void One_limiter_per_rate_and_size_with_out_of_range_values_clamped()
    {
        // Unusual settings, so no other test shares these limiters.
        var limiter = RequestLimiter.For(37, 5);
        Assert.Same(limiter, RequestLimiter.For(37, 5));
        Assert.Equal((37, 5), (limiter.RequestsPerMinute, limiter.MaxConcurrency));
        Assert.NotSame(limiter, RequestLimiter.For(37, 6));

        var clamped = RequestLimiter.For(-3, -2);
        Assert.Same(RequestLimiter.For(0, 1), clamped);
        Assert.Equal((0, 1), (clamped.RequestsPerMinute, clamped.MaxConcurrency));
    }

    [Fact]
    public void An_open_circuit_says_what_to_do()
    {
        var error = new CircuitOpenException(5, null);
        Assert.Contains("wait, and run again", error.RecommendedAction);
        Assert.Equal("GeminiImage.CircuitOpen", error.ErrorId);
    }
}
