namespace GeminiImage.Cmdlets.Commands;

/// <summary>Get-GeminiBatchJob: the state of server-side batch jobs (all of them without -Name).</summary>
[Cmdlet(VerbsCommon.Get, "GeminiBatchJob")]
[OutputType(typeof(GeminiBatchJob))]
public sealed class GetGeminiBatchJobCommand : GeminiApiCmdlet
{
    /// <summary>The job: "batches/…" or the bare id; omit to list every job of the key's project.</summary>
    [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    public string[]? Name { get; set; }

    private ServerBatchClient? _client;

    protected override void ProcessRecord()
    {
        _client ??= CreateBatchClient();
        try
        {
            if (Name == null || Name.Length == 0)
            {
                WriteObject(Run(token => _client.ListAsync(token)), enumerateCollection: true);
                return;
            }
            foreach (var name in Name)
            {
                try
                {
                    var job = Run(token => _client.GetAsync(name, token));
                    WriteObject(job);
                    if (job.Error != null) WriteWarning($"The batch job {job.Name} ended as {job.State}: {job.Error}");
                }
                catch (GeminiImageException ex) { WriteError(ErrorRecords.From(ex, name)); }
            }
        }
        catch (GeminiImageException ex)
        {
            WriteError(ErrorRecords.From(ex, null));
        }
    }
}
