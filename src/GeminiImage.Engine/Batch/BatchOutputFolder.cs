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
}
