using GeminiImage.Engine.IO;

namespace GeminiImage.Engine.Batch;

/// <summary>The files a batch writes for itself in its output folder, checked before anything is sent.</summary>
public static class BatchOutputFolder
{
    /// <summary>Throws <see cref="Errors.UnsafePathException"/> when the journal, a report or the thumbnail folder is a planted link.</summary>
    public static void Check(string outputDirectory)
    {
        foreach (var name in new[] { BatchJournal.FileName, BatchReport.JsonFileName, BatchReport.HtmlFileName, BatchThumbnails.FolderName })
            SafePaths.Child(outputDirectory, name);
    }

    /// <summary>
    /// Throws <see cref="Errors.OutputUnusableException"/> (GeminiImage.OutputFolderUnavailable) when the folder cannot take
    /// the run's images, journal and reports (read-only, no permission, a file in its place, a nearly full disk): asked
    /// once before the first request, so a run into such a folder is refused at no cost. Creates the folder, as the run would.
    /// </summary>
    public static void CheckWritable(string outputDirectory)
    {
        if (IO.OutputFolder.Problem(outputDirectory) is { } problem)
            throw new Errors.OutputUnusableException(Errors.OutputUnusableException.FolderUnavailableId, outputDirectory,
                $"The batch output folder '{outputDirectory}' cannot take the images: {problem}. Nothing was sent.");
    }
}
