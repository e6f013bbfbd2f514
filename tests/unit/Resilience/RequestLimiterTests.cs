using System.Diagnostics;
using GeminiImage.Engine.Errors;
using GeminiImage.Engine.Resilience;
using Xunit;

namespace GeminiImage.Tests.Resilience;

public class RequestLimiterTests
{
    [Fact]
    public async Task Paces_starts_to_the_rate()
    {
        var limiter = new RequestLimiter(requestsPerMinute: 600, maxConcurrency: 8); // one start per 100 ms
        var watch = Stopwatch.StartNew();
        for (var i = 0; i < 5; i++) (await limiter.AcquireAsync(default)).Dispose();
        Assert.True(watch.ElapsedMilliseconds >= 380, $"5 starts took {watch.ElapsedMilliseconds} ms");
    }

    [Fact]
    public async Task A_429_holds_back_every_caller()
    {
        var limiter = new RequestLimiter();
        limiter.Backoff(TimeSpan.FromMilliseconds(400));
        var watch = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, 3).Select(async _ => (await limiter.AcquireAsync(default)).Dispose()));
        Assert.True(watch.ElapsedMilliseconds >= 350, $"took {watch.ElapsedMilliseconds} ms");
    }

    [Fact]
    public async Task Bounds_concurrent_requests()
    {
        var limiter = new RequestLimiter(maxConcurrency: 2);
        var first = await limiter.AcquireAsync(default);
        var second = await limiter.AcquireAsync(default);
        var third = limiter.AcquireAsync(default);
        await Task.Delay(100);
        Assert.False(third.IsCompleted);
        first.Dispose();
        (await third).Dispose();
        second.Dispose();
    }

    [Fact]
    public async Task Waiting_is_cancellable()
    {
        var limiter = new RequestLimiter();
        limiter.Backoff(TimeSpan.FromSeconds(30));
        using var cts = new CancellationTokenSource(100);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => limiter.AcquireAsync(cts.Token));
    }
}

public class FailureCircuitTests
{
    [Fact]
    public void Opens_after_consecutive_service_failures_only()
    {
        var circuit = new FailureCircuit(threshold: 3);
        circuit.RecordFailure(new GeminiApiException(503, "UNAVAILABLE", "overloaded"));
        circuit.RecordFailure(new GeminiNoImageException("blocked", "SAFETY", null, null)); // an item problem: not counted
        circuit.RecordFailure(new GeminiApiException(500, "INTERNAL", "x"));
        Assert.False(circuit.IsOpen);
        circuit.RecordFailure(new GeminiConnectionException("refused"));
        Assert.True(circuit.IsOpen);
        var error = Assert.Throws<CircuitOpenException>(circuit.ThrowIfOpen);
        Assert.Equal("GeminiImage.CircuitOpen", error.ErrorId);
    }

    [Fact]
    public void A_success_closes_it_again()
    {
        var circuit = new FailureCircuit(threshold: 2);
        circuit.RecordFailure(new GeminiApiException(503, null, "x"));
        circuit.RecordSuccess();
        circuit.RecordFailure(new GeminiApiException(503, null, "x"));
        Assert.False(circuit.IsOpen);
    }
}
