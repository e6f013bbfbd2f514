using System.Management.Automation;

namespace GeminiImage.Cmdlets.Infrastructure;

/// <summary>
/// A generation cmdlet whose items (pipeline records, -Count requests) can run up to -ThrottleLimit at once
/// (New-GeminiImage, Edit-GeminiImage): start each paid call through <see cref="Runs"/>; the rest is written at the end.
/// </summary>
public abstract class ThrottledGenerationCmdlet : GeminiGenerationCmdlet
{
    private ConcurrentRuns? _runs;

    /// <summary>Requests in flight at once, under the session's limiter and budget.</summary>
    [Parameter]
    [ValidateRange(1, 64)]
    public int ThrottleLimit { get; set; } = 1;

    /// <summary>With -ThrottleLimit: results in input order instead of as they finish.</summary>
    [Parameter]
    public SwitchParameter KeepOrder { get; set; }

    /// <summary>The calls of this invocation, across pipeline records.</summary>
    internal ConcurrentRuns Runs => _runs ??= new ConcurrentRuns(this, ThrottleLimit, KeepOrder, StopToken);

    protected override void EndProcessing() => _runs?.Drain();
}
