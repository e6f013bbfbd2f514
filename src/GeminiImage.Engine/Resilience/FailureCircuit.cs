namespace GeminiImage.Engine.Resilience;

/// <summary>
/// Stops long-running work (batches, folder watches) after sustained failures of the service itself,
/// instead of spending time and quota on a dead endpoint. Per-item problems (bad input, blocked prompts)
/// do not count: only errors that say the service or the network is failing.
/// </summary>
public sealed class FailureCircuit
{
    private readonly object _gate = new();
    private int _consecutive;
    private Exception? _last;

    public FailureCircuit(int threshold = 5) => Threshold = Math.Max(1, threshold);

    /// <summary>Consecutive service failures (each already retried) that open the circuit.</summary>
    public int Threshold { get; }

    public bool IsOpen { get { lock (_gate) return _consecutive >= Threshold; } }

    public void RecordSuccess() { lock (_gate) _consecutive = 0; }

    /// <summary>Counts <paramref name="error"/> when it is a service failure; returns whether the circuit is now open.</summary>
    public bool RecordFailure(Exception error)
    {
        if (!IsServiceFailure(error)) return IsOpen;
        lock (_gate)
        {
            _consecutive++;
            _last = error;
            return _consecutive >= Threshold;
        }
    }

    public void ThrowIfOpen()
    {
        lock (_gate)
        {
            if (_consecutive >= Threshold) throw new CircuitOpenException(_consecutive, _last);
        }
    }

    /// <summary>Errors that say the service is unhealthy, rather than that one item was bad.</summary>
    public static bool IsServiceFailure(Exception error) => error switch
    {
        GeminiApiException api => api.HttpStatus >= 500 || api.HttpStatus == 429 || api.IsInvalidApiKey || api.HttpStatus is 401 or 403,
        GeminiConnectionException or GeminiTimeoutException or AttemptTimeoutException or GeminiResponseFormatException => true,
        _ => false,
    };
}

/// <summary>Raised when long-running work stops because the service kept failing.</summary>
public sealed class CircuitOpenException : GeminiImageException
{
    public CircuitOpenException(int failures, Exception? last)
        : base($"Stopped after {failures} consecutive service failures" + (last != null ? $"; the last was: {last.Message}" : "."), last) { }

    public override string ErrorId => "GeminiImage.CircuitOpen";
    public override ErrorKind Kind => ErrorKind.ResourceUnavailable;
    public override string? RecommendedAction => "The service (or the network) is failing; check the earlier errors, wait, and run again: completed work is not repeated.";
}
