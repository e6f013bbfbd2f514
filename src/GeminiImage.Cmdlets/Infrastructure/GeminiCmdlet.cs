using System;
using System.Collections.Concurrent;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;

namespace GeminiImage.Cmdlets.Infrastructure;

/// <summary>
/// Base of every cmdlet that waits on async work: runs it off the pipeline thread, pumps the messages that
/// workers queue (verbose, warning, progress, objects, errors) back onto the pipeline thread, and cancels on Ctrl+C.
/// </summary>
public abstract class GeminiCmdlet : PSCmdlet, IDisposable
{
    private readonly CancellationTokenSource _stopping = new();
    private readonly BlockingCollection<Action> _pending = new();

    /// <summary>Cancelled when the user presses Ctrl+C (StopProcessing).</summary>
    protected CancellationToken StopToken => _stopping.Token;

    protected override void StopProcessing() => _stopping.Cancel();

    /// <summary>
    /// Sets <c>$LASTEXITCODE</c> for scheduled scripts (<c>...; exit $LASTEXITCODE</c>): 0 all succeeded, 1 some items
    /// failed, 2 the run stopped early. Unattended cmdlets set 2 first, so any terminating error leaves 2.
    /// </summary>
    protected void SetExitCode(int code) => SessionState.PSVariable.Set("global:LASTEXITCODE", code);

    /// <summary>Queues a verbose message from any thread; it is written on the pipeline thread.</summary>
    protected void QueueVerbose(string message) => _pending.Add(() => WriteVerbose(message));
    protected void QueueDebug(string message) => _pending.Add(() => WriteDebug(message));
    protected void QueueWarning(string message) => _pending.Add(() => WriteWarning(message));
    protected void QueueProgress(ProgressRecord record) => _pending.Add(() => WriteProgress(record));
    protected void QueueObject(object value) => _pending.Add(() => WriteObject(value));
    protected void QueueError(ErrorRecord record) => _pending.Add(() => WriteError(record));

    /// <summary>Runs <paramref name="work"/> on the thread pool and pumps queued writes until it ends.</summary>
    protected T Run<T>(Func<CancellationToken, Task<T>> work)
    {
        var task = Task.Run(() => work(StopToken), StopToken);
        while (!task.IsCompleted)
        {
            if (_pending.TryTake(out var action, 50)) action();
        }
        Drain();
        if (task.IsCanceled || (task.IsFaulted && task.Exception!.InnerException is OperationCanceledException && StopToken.IsCancellationRequested))
            throw new PipelineStoppedException();
        return task.GetAwaiter().GetResult();
    }

    protected void Run(Func<CancellationToken, Task> work) => Run(async token => { await work(token).ConfigureAwait(false); return true; });

    /// <summary>Writes everything queued so far (call on the pipeline thread).</summary>
    private void Drain()
    {
        while (_pending.TryTake(out var action)) action();
    }

    public void Dispose()
    {
        _stopping.Dispose();
        _pending.Dispose();
        GC.SuppressFinalize(this);
    }
}
