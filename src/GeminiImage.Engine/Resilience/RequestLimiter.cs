using System.Collections.Concurrent;

namespace GeminiImage.Engine.Resilience;

/// <summary>
/// Client-side limiter: paces request starts to a requests-per-minute rate and bounds concurrent requests.
/// The limiters of the session's calls (<see cref="For"/>) share one pacing clock, so a 429 pushes the next start
/// back for everybody and a steady 429 stream slows the process down. Its rate and size are fixed when it is made
/// (another size: <see cref="WithConcurrency"/>).
/// </summary>
public sealed class RequestLimiter
{
    // The process's pacing clock, shared by every limiter from For (and so by every cmdlet, worker and watcher).
    private static readonly PaceClock s_processClock = new();
    private static readonly ConcurrentDictionary<(int, int), RequestLimiter> s_limiters = new();

    private readonly PaceClock _clock;
    private readonly SemaphoreSlim _concurrency;

    /// <summary>Waits shorter than this pass without a word.</summary>
    private static readonly TimeSpan s_noticeAfter = TimeSpan.FromMilliseconds(500);

    /// <summary>A limiter of its own, with its own pacing clock.</summary>
    public RequestLimiter(int requestsPerMinute = 0, int maxConcurrency = 8) : this(requestsPerMinute, maxConcurrency, new PaceClock()) { }

    private RequestLimiter(int requestsPerMinute, int maxConcurrency, PaceClock clock)
    {
        RequestsPerMinute = requestsPerMinute;
        MaxConcurrency = Math.Max(1, maxConcurrency);
        _concurrency = new SemaphoreSlim(MaxConcurrency, MaxConcurrency);
        _clock = clock;
    }

    /// <summary>The limiter for calls with these settings: one per rate and size, all on the process's pacing clock.</summary>
    public static RequestLimiter For(int requestsPerMinute, int maxConcurrency) =>
        s_limiters.GetOrAdd((Math.Max(0, requestsPerMinute), Math.Max(1, maxConcurrency)), k => new RequestLimiter(k.Item1, k.Item2, s_processClock));

    /// <summary>The limiter of calls with the default settings (no pacing, 8 at once).</summary>
    public static RequestLimiter Shared => For(0, 8);

    /// <summary>A limiter with room for <paramref name="maxConcurrency"/> requests of its own, at this one's rate and on its pacing clock.</summary>
    public RequestLimiter WithConcurrency(int maxConcurrency) => new(RequestsPerMinute, maxConcurrency, _clock);

    /// <summary>0 means no pacing.</summary>
    public int RequestsPerMinute { get; }

    /// <summary>How many requests may run at once (at least 1).</summary>
    public int MaxConcurrency { get; }

    /// <summary>Waits for a free slot and the next start time; dispose the result when the request ends.</summary>
    /// <param name="said">Told why, when the start waits half a second or more (a 429's delay, or the pacing).</param>
    public async Task<IDisposable> AcquireAsync(CancellationToken cancellationToken, Action<string>? said = null)
    {
        var semaphore = _concurrency;
        await semaphore.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            TimeSpan wait;
            bool rateLimited;
            int rpm;
            lock (_clock)
            {
                var now = DateTime.UtcNow;
                var start = _clock.NextStartUtc > now ? _clock.NextStartUtc : now;
                rpm = RequestsPerMinute;
                _clock.NextStartUtc = rpm > 0 ? start.AddTicks(TimeSpan.TicksPerMinute / rpm) : start;
                wait = start - now;
                rateLimited = _clock.BackoffUntilUtc > now;
            }
            if (wait >= s_noticeAfter)
                said?.Invoke(rateLimited
                    ? $"Waiting {wait.TotalSeconds:0.0} s before sending: the service answered 429 (rate limited), and every call in this session waits out the delay it asked for."
                    : $"Waiting {wait.TotalSeconds:0.0} s before sending, to stay within {rpm} requests per minute (Set-GeminiConfig -RequestsPerMinute).");
            if (wait > TimeSpan.Zero) await Task.Delay(wait, cancellationToken).ConfigureAwait(false);
            return new Releaser(semaphore);
        }
        catch
        {
            semaphore.Release();
            throw;
        }
    }

    /// <summary>After a 429, nobody in this process starts a request before the server's delay is over.</summary>
    public void Backoff(TimeSpan delay)
    {
        lock (_clock)
        {
            var until = DateTime.UtcNow + delay;
            if (until > _clock.NextStartUtc) _clock.NextStartUtc = until;
            if (until > _clock.BackoffUntilUtc) _clock.BackoffUntilUtc = until;
        }
    }

    /// <summary>When the next request may start, and until when a 429's delay holds everybody back.</summary>
    private sealed class PaceClock
    {
        public DateTime NextStartUtc = DateTime.MinValue;
        public DateTime BackoffUntilUtc = DateTime.MinValue;
    }

    private sealed class Releaser : IDisposable
    {
        private SemaphoreSlim? _semaphore;
        public Releaser(SemaphoreSlim semaphore) => _semaphore = semaphore;
        public void Dispose() => Interlocked.Exchange(ref _semaphore, null)?.Release();
    }
}
