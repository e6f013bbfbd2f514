using System;
using System.Threading;
using System.Threading.Tasks;

namespace GeminiImage.Engine.Resilience;

/// <summary>
/// The one client-side limiter per process, shared by every cmdlet, batch worker and watcher:
/// paces request starts to a requests-per-minute rate and bounds concurrent requests.
/// A 429 pushes the next start back for everybody, so a steady 429 stream slows the process down.
/// </summary>
public sealed class RequestLimiter
{
    private readonly object _gate = new();
    private SemaphoreSlim _concurrency;
    private int _maxConcurrency;
    private DateTime _nextStartUtc = DateTime.MinValue;
    private DateTime _backoffUntilUtc = DateTime.MinValue;

    /// <summary>Waits shorter than this pass without a word.</summary>
    private static readonly TimeSpan s_noticeAfter = TimeSpan.FromMilliseconds(500);

    public RequestLimiter(int requestsPerMinute = 0, int maxConcurrency = 8)
    {
        RequestsPerMinute = requestsPerMinute;
        _maxConcurrency = Math.Max(1, maxConcurrency);
        _concurrency = new SemaphoreSlim(_maxConcurrency, _maxConcurrency);
    }

    public static RequestLimiter Shared { get; } = new();

    /// <summary>0 means no pacing.</summary>
    public int RequestsPerMinute { get; set; }

    public int MaxConcurrency
    {
        get => _maxConcurrency;
        set
        {
            // Requests holding the old semaphore release into it; new ones use the new size.
            var size = Math.Max(1, value);
            lock (_gate) { _maxConcurrency = size; _concurrency = new SemaphoreSlim(size, size); }
        }
    }

    /// <summary>Waits for a free slot and the next start time; dispose the result when the request ends.</summary>
    /// <param name="said">Told why, when the start waits half a second or more (a 429's delay, or the pacing).</param>
    public async Task<IDisposable> AcquireAsync(CancellationToken cancellationToken, Action<string>? said = null)
    {
        SemaphoreSlim semaphore;
        lock (_gate) semaphore = _concurrency;
        await semaphore.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            TimeSpan wait;
            bool rateLimited;
            int rpm;
            lock (_gate)
            {
                var now = DateTime.UtcNow;
                var start = _nextStartUtc > now ? _nextStartUtc : now;
                rpm = RequestsPerMinute;
                _nextStartUtc = rpm > 0 ? start.AddTicks(TimeSpan.TicksPerMinute / rpm) : start;
                wait = start - now;
                rateLimited = _backoffUntilUtc > now;
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
        lock (_gate)
        {
            var until = DateTime.UtcNow + delay;
            if (until > _nextStartUtc) _nextStartUtc = until;
            if (until > _backoffUntilUtc) _backoffUntilUtc = until;
        }
    }

    private sealed class Releaser : IDisposable
    {
        private SemaphoreSlim? _semaphore;
        public Releaser(SemaphoreSlim semaphore) => _semaphore = semaphore;
        public void Dispose() => Interlocked.Exchange(ref _semaphore, null)?.Release();
    }
}
