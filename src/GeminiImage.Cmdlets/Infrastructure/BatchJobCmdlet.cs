namespace GeminiImage.Cmdlets.Infrastructure;

/// <summary>Base of the cmdlets that act on one server-side batch job, named or piped (a GeminiBatchJob binds by its Name).</summary>
public abstract class BatchJobCmdlet : GeminiApiCmdlet
{
    /// <summary>The job: "batches/…" or the bare id.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string Name { get; set; } = "";

    private ServerBatchClient? _client;

    /// <summary>Created on the pipeline thread (CreateClient writes verbose output), used from workers.</summary>
    protected ServerBatchClient BatchClient => _client ?? throw new InvalidOperationException("BeginProcessing has not run.");

    protected override void BeginProcessing() => _client = CreateBatchClient();
}
