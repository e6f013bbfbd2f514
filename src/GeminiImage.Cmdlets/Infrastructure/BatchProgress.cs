using System.Diagnostics;

namespace GeminiImage.Cmdlets.Infrastructure;

/// <summary>Progress of a batch (done, failed, rate, time left, cost so far), built from any thread, written by the pipeline thread.</summary>
internal sealed class BatchProgress
{
    private readonly object _gate = new();
    private readonly string _activity;
    private readonly int _total;
    private readonly Stopwatch _watch = Stopwatch.StartNew();
    private int _done;
    private int _failed;
    private decimal _cost;
    private long _lastTicks = -1;

    public BatchProgress(string activity, int total)
    {
        _activity = activity;
        _total = total;
    }

    /// <summary>A progress record at most every 250 ms (and for the last row); null in between.</summary>
    public ProgressRecord? Record(BatchRowResult result)
    {
        lock (_gate)
        {
            _done++;
            if (result.Status != BatchRowStatus.Succeeded) _failed++;
            _cost += result.Cost ?? 0m;
            var now = _watch.ElapsedTicks;
            if (_done < _total && _lastTicks >= 0 && now - _lastTicks < Stopwatch.Frequency / 4) return null;
            _lastTicks = now;
            var seconds = Math.Max(0.001, _watch.Elapsed.TotalSeconds);
            var rate = _done / seconds;
            var left = rate > 0 ? (int)Math.Ceiling((_total - _done) / rate) : -1;
            return new ProgressRecord(1, _activity,
                string.Format(CultureInfo.InvariantCulture, "{0} of {1} done, {2} failed, {3:0.0} rows/s, ${4:0.0000} so far", _done, _total, _failed, rate, _cost))
            {
                PercentComplete = _total == 0 ? 100 : Math.Min(100, _done * 100 / _total),
                SecondsRemaining = left,
            };
        }
    }

    public ProgressRecord Completed() => new(1, _activity, "Done") { RecordType = ProgressRecordType.Completed };
}
