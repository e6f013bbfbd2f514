using System.Collections.Concurrent;
using System.Threading;
using System.Threading.Tasks;

namespace GeminiImage.Cmdlets.Infrastructure;

/// <summary>
/// Base of every cmdlet that waits on async work (the AsyncPSCmdlet shape): <see cref="Run{T}"/> starts the work off
/// the pipeline thread with a queue of its own, and the pipeline thread writes what the workers queue (verbose,
/// warning, progress, objects, errors, ShouldProcess questions) as it arrives, until the queue is marked complete:
/// when the work ends or Ctrl+C fires. Cmdlet Write* calls are only legal on the pipeline thread, hence the queue.
/// </summary>
public abstract class GeminiCmdlet : PSCmdlet, IDisposable
{
    private readonly CancellationTokenSource _stopping = new();
    // The thread PowerShell runs this command on (it creates the command there); Run records it again.
    private int _pipelineThread = Environment.CurrentManagedThreadId;
    // The queue of the run in progress; null between runs.
    private volatile BlockingCollection<Action>? _current;
    // Held for the command's life (DisposeWithCommand); released when PowerShell disposes it, stopped or not.
    private System.Collections.Generic.List<IDisposable>? _held;

    /// <summary>Cancelled when the user presses Ctrl+C (StopProcessing).</summary>
    protected CancellationToken StopToken => _stopping.Token;

    protected override void StopProcessing() => _stopping.Cancel();

    /// <summary>
    /// Sets <c>$LASTEXITCODE</c> for scheduled scripts (<c>...; exit $LASTEXITCODE</c>): 0 all succeeded, 1 some items
    /// failed, 2 the run stopped early. Unattended cmdlets set 2 first, so any terminating error leaves 2.
    /// </summary>
    protected void SetExitCode(int code) => SessionState.PSVariable.Set("global:LASTEXITCODE", code);

    /// <summary>
    /// Has <paramref name="write"/> done on the pipeline thread: at once when called there, else through the queue of
    /// the run in progress. False (nothing written) when no run is in progress or its queue is complete: the work
    /// ended or was stopped, and nobody would write it any more.
    /// </summary>
    protected bool TryQueue(Action write)
    {
        if (Environment.CurrentManagedThreadId == _pipelineThread)
        {
            write();
            return true;
        }
        var queue = _current;
        if (queue == null) return false;
        try
        {
            return queue.TryAdd(write);
        }
        catch (InvalidOperationException)
        {
            // Marked complete between the check and the add.
            return false;
        }
    }

    // Writes from any thread (see TryQueue); a refused one is dropped: its run is over.
    protected void QueueVerbose(string message) => TryQueue(() => WriteVerbose(message));
    protected void QueueDebug(string message) => TryQueue(() => WriteDebug(message));
    protected void QueueWarning(string message) => TryQueue(() => WriteWarning(message));
    protected void QueueProgress(ProgressRecord record) => TryQueue(() => WriteProgress(record));
    protected void QueueObject(object value) => TryQueue(() => WriteObject(value));
    protected void QueueError(ErrorRecord record) => TryQueue(() => WriteError(record));

    /// <summary>
    /// Asks ShouldProcess from any thread; the question is put on the pipeline thread (where -WhatIf and -Confirm
    /// are answered) and the answer comes back. False when the run is over or stopping: nothing is done then.
    /// </summary>
    protected Task<bool> ShouldProcessAsync(string target, string action)
    {
        var answer = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!TryQueue(() =>
            {
                try { answer.TrySetResult(ShouldProcess(target, action)); }
                catch (Exception ex) { answer.TrySetException(ex); throw; }
            }))
            answer.TrySetResult(false);
        return answer.Task;
    }

    /// <summary>
    /// Runs <paramref name="work"/> on the thread pool and writes what it queues, as it arrives, until the work ends
    /// (then everything it queued is written) or Ctrl+C (then nothing more is queued, and the work is awaited).
    /// </summary>
    protected T Run<T>(Func<CancellationToken, Task<T>> work)
    {
        var queue = new BlockingCollection<Action>();
        _pipelineThread = Environment.CurrentManagedThreadId;
        // Calls still in flight across records (-ThrottleLimit) keep their queue after this run.
        var outer = _current;
        _current = queue;
        Task<T> task;
        try
        {
            task = Task.Run(() => work(StopToken), StopToken);
            // The queue is complete when the work ends or the stop token fires; until then the pipeline thread
            // blocks on it (no polling). CompleteAdding is idempotent.
            task.ContinueWith(_ => queue.CompleteAdding(), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            using (StopToken.Register(queue.CompleteAdding))
            {
                foreach (var write in queue.GetConsumingEnumerable()) write();
            }
            // Stopped: the work still gets to end (it honours the token) so files and locks are left clean.
            try { task.Wait(); }
            catch (AggregateException) { }
        }
        finally
        {
            _current = outer;
            queue.CompleteAdding();
        }
        if (task.IsCanceled || (task.IsFaulted && task.Exception!.InnerException is OperationCanceledException && StopToken.IsCancellationRequested))
            throw new PipelineStoppedException();
        return task.GetAwaiter().GetResult();
    }

    /// <summary>Worker writes go to <paramref name="queue"/>, which the caller takes on this (the pipeline) thread (<see cref="ConcurrentRuns"/>).</summary>
    internal void UseWriteQueue(BlockingCollection<Action> queue)
    {
        _pipelineThread = Environment.CurrentManagedThreadId;
        _current = queue;
    }

    protected void Run(Func<CancellationToken, Task> work) => Run(async token => { await work(token).ConfigureAwait(false); return true; });

    /// <summary>Releases <paramref name="resource"/> when the command is disposed: after its last record, or once stopped.</summary>
    internal void DisposeWithCommand(IDisposable? resource)
    {
        if (resource != null) (_held ??= new()).Add(resource);
    }

    public void Dispose()
    {
        if (_held != null)
            foreach (var resource in _held) resource.Dispose();
        _held = null;
        _stopping.Dispose();
        GC.SuppressFinalize(this);
    }
}
