namespace GeminiImage.Cmdlets.Commands;

/// <summary>Receive-GeminiBatchJob: downloads the results of a finished server-side batch job, saves the images named by row id, and reports them.</summary>
[Cmdlet(VerbsCommunications.Receive, "GeminiBatchJob", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
[OutputType(typeof(BatchRowResult))]
public sealed class ReceiveGeminiBatchJobCommand : BatchJobCmdlet
{
    /// <summary>Where to save the images; by default the folder given to Invoke-GeminiBatch -Mode Server.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    public string? OutputDirectory { get; set; }

    /// <summary>Also make small JPEG previews (thumbnails/) for the report gallery; by default it shows the saved images.</summary>
    [Parameter]
    public SwitchParameter Thumbnail { get; set; }

    protected override void ProcessRecord()
    {
        var id = ServerBatchClient.NameOf(Name).Substring("batches/".Length);
        var requested = string.IsNullOrWhiteSpace(OutputDirectory) ? null : GetUnresolvedProviderPathFromPSPath(OutputDirectory);
        BatchJobManifest? manifest;
        try
        {
            manifest = BatchJobManifest.TryLoad(BatchClient.DataFolder, id, requested);
            if (manifest != null) BatchOutputFolder.Check(requested ?? manifest.OutputDirectory);
        }
        catch (GeminiImageException ex)
        {
            WriteError(ErrorRecords.From(ex, Name));
            return;
        }
        if (manifest == null)
        {
            WriteError(ErrorRecords.From(new GeminiNotFoundException("GeminiImage.BatchManifestNotFound",
                $"No manifest for {Name}: it was not submitted from this machine, or -OutputDirectory does not hold its {BatchJobManifest.FilePrefix}{id}.json."), Name));
            return;
        }
        if (requested != null) manifest.OutputDirectory = requested;
        try
        {
            var job = Run(token => BatchClient.GetAsync(Name, token));
            if (!job.Done)
            {
                WriteError(ErrorRecords.From(new GeminiOperationException("GeminiImage.BatchNotFinished", ErrorKind.InvalidOperation,
                    $"The batch job {job.Name} is still {job.State}; wait for it with Wait-GeminiBatchJob."), Name));
                return;
            }
            if (!ShouldProcess(manifest.OutputDirectory, $"Save the results of {job.Name} ({job.State}, {manifest.Rows.Count} rows)")) return;

            var service = CreateGenerationService(UsageOperation.BatchServer, job.Id);
            var receipt = Run(token => new ServerBatchReceiver(BatchClient).ReceiveAsync(job.Name, manifest, service, result =>
            {
                if (result.Exception != null) QueueError(ErrorRecords.ForRow(result.Exception, result.Id));
                QueueObject(result);
            }, token, Thumbnail));
            WriteVerbose(receipt.Report);
            // A job that ended without running its rows is an error a script must see ($? false), not just NotRun rows.
            if (receipt.StopError != null) WriteError(ErrorRecords.From(receipt.StopError, Name));
        }
        catch (GeminiImageException ex)
        {
            WriteError(ErrorRecords.From(ex, Name));
        }
    }
}
