using System.Collections.Generic;
using System.Threading.Tasks;
using GeminiImage.Engine.Resilience;
using Xunit;

namespace GeminiImage.Tests.Resilience;

/// <summary>A call held by the limiter says why (issue 15: "say why you wait"); short waits pass quietly.</summary>
public class RequestLimiterNoticeTests
{
    [Fact]
    public async Task A_start_held_after_a_429_says_it_waits_out_the_rate_limit()
    {
        var limiter = new RequestLimiter();
        limiter.Backoff(System.TimeSpan.FromSeconds(0.8));
        var said = new List<string>();
        (await limiter.AcquireAsync(default, said.Add)).Dispose();
        var line = Assert.Single(said);
        Assert.Contains("429", line);
        Assert.Matches(@"Waiting 0\.[5-8] s", line);
    }

    [Fact]
    public async Task A_start_held_by_the_pacing_names_the_rate_and_a_free_start_says_nothing()
    {
        var limiter = new RequestLimiter(requestsPerMinute: 60);
        var said = new List<string>();
        (await limiter.AcquireAsync(default, said.Add)).Dispose();
        Assert.Empty(said);
        (await limiter.AcquireAsync(default, said.Add)).Dispose();
        var line = Assert.Single(said);
        Assert.Contains("60 requests per minute", line);
        Assert.DoesNotContain("429", line);
    }
}
