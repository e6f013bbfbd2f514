using System.Collections.Concurrent;
using System.Runtime.ExceptionServices;
using System.Threading;
using System.Threading.Tasks;

namespace GeminiImage.Cmdlets.Infrastructure;

/// <summary>
/// Up to <c>-ThrottleLimit</c> paid calls of one command in flight at once, across pipeline records. Calls start from
/// the pipeline thread; their results, their errors and the workers' verbose and warning lines are written on it, as
/// the calls finish (or in start order with <c>-KeepOrder</c>). With a limit of 1 each call is written before the
/// next starts, exactly as one at a time. Ctrl+C: nothing new starts, and the calls in flight (which honour the stop
/// token and save atomically) are awaited before the command stops, so nothing is left half-written.
/// </summary>
internal sealed class ConcurrentRuns
{
    private readonly GeminiCmdlet _cmdlet;
    private readonly int _limit;
    private readonly bool _keepOrder;
    private readonly CancellationToken _stop;
    // Worker writes (through GeminiCmdlet.TryQueue) and call completions, taken on the pipeline thread.
    private readonly BlockingCollection<Action> _queue = new();
    // Pipeline thread only: calls not yet written, in start order.
    private readonly Queue<Call> _unwritten = new();
    private readonly List<Task> _inFlight = new();
    // The continuations that queue each call's completion, so a stop can wait until every finished call is queued.
    private readonly List<Task> _handOvers = new();

    public ConcurrentRuns(GeminiCmdlet cmdlet, int limit, bool keepOrder, CancellationToken stop)
    {
        _cmdlet = cmdlet;
        _limit = Math.Max(1, limit);
        _keepOrder = keepOrder;
        _stop = stop;
    }

    private sealed class Call
    {
        public Action? Write;
    }

    /// <summary>
    /// Starts <paramref name="work"/> once fewer than the limit are in flight (writing what finished meanwhile);
    /// <paramref name="onResult"/> or <paramref name="onError"/> (our exceptions, unreadable files) runs later on the
    /// pipeline thread. Any other exception of the work is rethrown there, as a terminating error, as if the call had run alone.
    /// </summary>
    public void Start<T>(Func<CancellationToken, Task<T>> work, Action<T> onResult, Action<Exception> onError)
    {
        _cmdlet.UseWriteQueue(_queue);
        while (_inFlight.Count >= _limit) PumpOne();
        if (_stop.IsCancellationRequested) Stop();
        var call = new Call();
        _unwritten.Enqueue(call);
        var task = Task.Run(() => work(_stop), _stop);
        _inFlight.Add(task);
        _handOvers.RemoveAll(t => t.IsCompleted);
        _handOvers.Add(task.ContinueWith(done => Add(() => Finished(call, done, onResult, onError)), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default));
        // One at a time: written before the command goes on, as without -ThrottleLimit.
        if (_limit == 1) Drain();
    }

    /// <summary>Waits for every call and writes what is left (EndProcessing).</summary>
    public void Drain()
    {
        while (_inFlight.Count > 0) PumpOne();
        // Worker lines queued after the last completion.
        while (_queue.TryTake(out var write)) write();
    }

    private void Add(Action action)
    {
        try { _queue.Add(action); }
        catch (InvalidOperationException) { }
    }

    private void PumpOne()
    {
        Action next;
        try
        {
            next = _queue.Take(_stop);
        }
        catch (OperationCanceledException)
        {
            Stop();
            return;
        }
        try { next(); }
        catch (PipelineStoppedException)
        {
            // A command further down stopped the pipeline (or Ctrl+C came during a write): the rest still get their handlers.
            Salvage();
            throw;
        }
    }

    private void Finished<T>(Call call, Task<T> done, Action<T> onResult, Action<Exception> onError)
    {
        _inFlight.Remove(done);
        if (done.IsCanceled || (done.Exception?.InnerException is OperationCanceledException && _stop.IsCancellationRequested))
            call.Write = () => { };
        else if (done.Exception?.InnerException is { } failure && IsItemError(failure))
            call.Write = () => onError(failure);
        else if (done.Exception?.InnerException is { } other)
            call.Write = () => ExceptionDispatchInfo.Capture(other).Throw();
        else
            call.Write = () => onResult(done.Result);
        if (!_keepOrder)
        {
            // As they finish: this one now, whatever its place.
            var write = call.Write;
            call.Write = () => { };
            write();
        }
        while (_unwritten.Count > 0 && _unwritten.Peek().Write is { } head)
        {
            _unwritten.Dequeue();
            head();
        }
    }

    /// <summary>What fails one item (a clear error record for it) rather than the command: ours, and a file that cannot be read.</summary>
    private static bool IsItemError(Exception ex) => ex is GeminiImageException or System.IO.IOException or UnauthorizedAccessException;

    /// <summary>Ctrl+C: the calls in flight end first (they honour the stop token), then the command stops.</summary>
    private void Stop()
    {
        Salvage();
        throw new PipelineStoppedException();
    }

    /// <summary>
    /// Stopping: waits for the calls in flight, then runs the handlers of every call not written yet. Their writes fail
    /// now (the pipeline is stopping), which lets a handler keep a result that lives only in memory (-AsBytes) aside.
    /// </summary>
    private void Salvage()
    {
        try { Task.WaitAll(_inFlight.ToArray()); }
        catch (AggregateException) { }
        try { Task.WaitAll(_handOvers.ToArray()); }
        catch (AggregateException) { }
        _handOvers.Clear();
        while (_queue.TryTake(out var pending))
        {
            // Writes throw PipelineStoppedException now; a call's own failure is moot once the command stops.
            try { pending(); }
            catch (Exception ex) when (ex is not OutOfMemoryException) { }
        }
        // Finished calls the pipeline thread had not reached yet, whose writes were deferred for -KeepOrder.
        while (_unwritten.Count > 0)
        {
            var write = _unwritten.Dequeue().Write;
            try { write?.Invoke(); }
            catch (Exception ex) when (ex is not OutOfMemoryException) { }
        }
        _queue.CompleteAdding();
    }
}
