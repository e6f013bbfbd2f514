using System.Threading;
using System.Threading.Tasks;

namespace GeminiImage.Cmdlets.Infrastructure;

/// <summary>
/// A generation cmdlet whose items (pipeline records, -Count requests) can run up to -ThrottleLimit at once
/// (New-GeminiImage, Edit-GeminiImage): start each paid call through <see cref="Runs"/>; the rest is written at the end.
/// </summary>
public abstract class ThrottledGenerationCmdlet : GeminiGenerationCmdlet
{
    private ConcurrentRuns? _runs;

    // Rows of a CSV (Import-Csv | New-/Edit-GeminiImage) and piped image results carry their own model, shape, tags
    // and folder.

    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(ModelCompleter))]
    public override string? Model { get; set; }

    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(AspectRatioCompleter))]
    public override string? AspectRatio { get; set; }

    [Parameter(ValueFromPipelineByPropertyName = true)]
    public override string[]? Tag { get; set; }

    /// <summary>Where images are saved. Default: New-GeminiImage the current folder, Edit-GeminiImage next to each source image.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    public string? OutputDirectory { get; set; }

    /// <summary>Requests in flight at once, under the session's limiter and budget.</summary>
    [Parameter]
    [ValidateRange(1, 64)]
    public int ThrottleLimit { get; set; } = 1;

    /// <summary>With -ThrottleLimit: results in input order instead of as they finish.</summary>
    [Parameter]
    public SwitchParameter KeepOrder { get; set; }

    /// <summary>Number of requests to send (per source image for Edit-GeminiImage); each usually returns one image.</summary>
    [Parameter]
    [ValidateRange(1, 100)]
    public int Count { get; set; } = 1;

    [Parameter]
    [ValidateRange(0.0, 2.0)]
    public double? Temperature { get; set; }

    [Parameter]
    public int? Seed { get; set; }

    [Parameter]
    public string? SystemInstruction { get; set; }

    [Parameter]
    public SwitchParameter Force { get; set; }

    /// <summary>The calls of this invocation, across pipeline records.</summary>
    internal ConcurrentRuns Runs
    {
        get
        {
            if (_runs != null) return _runs;
            // The calls' image blocks go round from call to call while the command runs (see RunAsync).
            DisposeWithCommand(GenerationService.HoldImageBlocks());
            return _runs = new ConcurrentRuns(this, ThrottleLimit, KeepOrder, StopToken);
        }
    }

    /// <summary>One paid call; its answer's blocks go back once its images are saved (the results hold what they need).</summary>
    protected static async Task<GenerationOutcome> RunAsync(GenerationService service, ImageRequest request, OutputPlan plan, string? sourcePath, int variant, CancellationToken token)
    {
        var outcome = await service.RunAsync(request, plan, sourcePath, token, cacheVariant: variant).ConfigureAwait(false);
        outcome.ReleaseImages();
        return outcome;
    }

    /// <summary>
    /// Keep each image in memory, on the result's Bytes property, and write no file (for scripts that upload
    /// without touching the disk). The call is checked, priced, budgeted and recorded in the ledger as usual.
    /// </summary>
    [Parameter]
    public SwitchParameter AsBytes { get; set; }

    protected override void EndProcessing() => _runs?.Drain();

    /// <summary>With -AsBytes, refuses (before sending) the parameters that would write files: it names the first one given.</summary>
    protected void RefuseFileParametersWithAsBytes(params (string Name, bool Given)[] parameters)
    {
        if (!AsBytes) return;
        foreach (var (name, given) in parameters)
        {
            if (given)
                throw new GeminiArgumentException(OutputPlan.AsBytesConflictId, $"-AsBytes writes no file, so -{name} has nothing to do; leave one of them out. Nothing was sent.");
        }
    }

    /// <summary>
    /// Writes a call's images. When the command is stopped (Ctrl+C, or a command further down stops the pipeline)
    /// before an image kept only in memory (-AsBytes) surely reached the next command, that image is kept in the
    /// data folder's fallback folder: a paid image is never lost.
    /// </summary>
    protected void WriteImages(GenerationService service, IReadOnlyList<GeminiImageResult> images)
    {
        var next = 0;
        try
        {
            for (; next < images.Count; next++) WriteObject(images[next]);
        }
        catch (PipelineStoppedException)
        {
            for (var i = next; i < images.Count; i++) service.KeepUndelivered(images[i]);
            throw;
        }
    }
}
