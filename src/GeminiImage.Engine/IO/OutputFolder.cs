namespace GeminiImage.Engine.IO;

/// <summary>Whether a folder can take an output now: asked before a paid request, so nothing is paid for in vain.</summary>
public static class OutputFolder
{
    /// <summary>Free space below which a disk counts as nearly full: room for a few 4K images with margin.</summary>
    public const long MinFreeBytes = 64L * 1024 * 1024;

    /// <summary>
    /// Why <paramref name="directory"/> cannot take an output (a file in its place, no permission, a read-only disk, a
    /// nearly full disk); null when it can. Creates the folder, as saving would.
    /// </summary>
    public static string? Problem(string directory, long minFreeBytes = MinFreeBytes)
    {
        try
        {
            Directory.CreateDirectory(directory);
            // The same name pattern as the writer's temporary files, so a probe left by a killed process is cleaned up with them.
            var probe = Path.Combine(directory, $".gemini-write-test.{Guid.NewGuid():N}.tmp");
            using (new FileStream(probe, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.DeleteOnClose)) { }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException)
        {
            return ex.Message;
        }
        var free = FreeBytes(directory);
        return free < minFreeBytes ? $"only {free.Value / 1048576.0:0.#} MB free on its disk, less than the {minFreeBytes / 1048576} MB kept for images" : null;
    }

    private static long? FreeBytes(string directory)
    {
        try { return new DriveInfo(Path.GetFullPath(directory)).AvailableFreeSpace; }
        // A network share or an unusual mount may not report its space: then the write itself decides.
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException) { return null; }
    }
}
