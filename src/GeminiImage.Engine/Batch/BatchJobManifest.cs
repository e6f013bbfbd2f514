using GeminiImage.Engine.Api;
using GeminiImage.Engine.Catalog;
using GeminiImage.Engine.Generation;
using GeminiImage.Engine.IO;
using GeminiImage.Engine.Ledger;

namespace GeminiImage.Engine.Batch;

/// <summary>
/// What this machine knows about a submitted job: its rows (prompts, names, settings) and the output folder.
/// Kept in the data folder (<c>batches/&lt;id&gt;.json</c>) and in the output folder, so Receive works from either.
/// </summary>
public sealed class BatchJobManifest
{
    public const string FilePrefix = "batch-job-";
    public string Name { get; set; } = "";
    public string Model { get; set; } = "";
    public string InputMode { get; set; } = "Inline";
    public string OutputDirectory { get; set; } = "";
    public DateTime CreatedUtc { get; set; } = DateTime.UtcNow;
    public List<ManifestRow> Rows { get; set; } = new();

    public sealed class ManifestRow
    {
        public string Id { get; set; } = "";
        public int RowNumber { get; set; }
        public string Prompt { get; set; } = "";
        public string? AspectRatio { get; set; }
        public string? ImageSize { get; set; }
        public string? OutFile { get; set; }
        public List<string> Tags { get; set; } = new();
        public List<string> ImagePaths { get; set; } = new();
        /// <summary>The row's Project column (the run's -Project applies when null).</summary>
        public string? Project { get; set; }
        /// <summary>The ledger reservation made for this row before the job was submitted; receiving settles it.</summary>
        public string? ReservationId { get; set; }
    }

    /// <summary>This machine's copy of job <paramref name="id"/>'s manifest, in <paramref name="dataFolder"/>.</summary>
    public static string StorePath(string dataFolder, string id) => Path.Combine(dataFolder, "batches", FileNames.FromId(id) + ".json");

    /// <summary>Writes the manifest into <paramref name="dataFolder"/> and the output folder.</summary>
    public void Save(string dataFolder)
    {
        var id = Name.StartsWith("batches/", StringComparison.Ordinal) ? Name.Substring(8) : Name;
        var data = JsonSerializer.SerializeToUtf8Bytes(this, new JsonSerializerOptions(GeminiJson.Options) { WriteIndented = true });
        // Atomic and link-safe: a link planted at the output-folder copy is refused, never written through.
        foreach (var path in new[] { StorePath(dataFolder, id), SafePaths.Child(OutputDirectory, FilePrefix + FileNames.FromId(id) + ".json") })
            OutputWriter.WriteAtomic(data, path, force: true);
    }

    /// <summary>
    /// From <paramref name="dataFolder"/> (this machine's own record), else from <paramref name="outputDirectory"/>; null
    /// when neither has it. A copy found in the output folder is untrusted: its OutFile values must stay inside that folder.
    /// </summary>
    public static BatchJobManifest? TryLoad(string dataFolder, string id, string? outputDirectory = null)
    {
        var own = Read(StorePath(dataFolder, id));
        if (own != null || outputDirectory == null) return own;
        var found = Read(SafePaths.Child(outputDirectory, FilePrefix + FileNames.FromId(id) + ".json"));
        if (found == null) return null;
        foreach (var row in found.Rows.Where(r => r.OutFile != null))
            row.OutFile = PathContainment.Resolve(outputDirectory, row.OutFile!, $"Row {row.RowNumber} ({row.Id}) of the manifest in the output folder, OutFile", output: true, acceptAbsoluteInside: true);
        found.OutputDirectory = outputDirectory;
        return found;
    }

    private static BatchJobManifest? Read(string path)
    {
        if (!File.Exists(path)) return null;
        try { return JsonSerializer.Deserialize<BatchJobManifest>(LimitedFile.ReadAllBytes(path, LimitedFile.MaxManifestBytes), GeminiJson.Options); }
        catch (JsonException) { return null; }
    }

    public static ManifestRow RowOf(BatchItem item) => new()
    {
        Id = item.Id,
        RowNumber = item.Row.RowNumber,
        Prompt = item.Prompt,
        AspectRatio = item.AspectRatio,
        ImageSize = item.ImageSize,
        OutFile = item.OutFile,
        Tags = item.Tags.ToList(),
        ImagePaths = item.ImagePaths.ToList(),
        Project = item.Row.Project,
    };

    public BatchItem ToItem(ManifestRow row)
    {
        var model = ModelCatalog.Default.Get(Model);
        var source = new BatchRow { RowNumber = row.RowNumber, Id = row.Id, Prompt = row.Prompt, AspectRatio = row.AspectRatio, ImageSize = row.ImageSize, OutFile = row.OutFile, Tags = row.Tags, Images = row.ImagePaths, Model = Model, Project = row.Project };
        return new BatchItem(source, row.Id, model) { AspectRatio = row.AspectRatio, ImageSize = row.ImageSize, OutFile = row.OutFile, Tags = row.Tags, ImagePaths = row.ImagePaths };
    }
}
