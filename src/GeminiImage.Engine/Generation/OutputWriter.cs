using System.Text.RegularExpressions;
using GeminiImage.Engine.Configuration;
using GeminiImage.Engine.IO;

namespace GeminiImage.Engine.Generation;

/// <summary>Names and writes output files: atomically, never overwriting without force, never losing a paid-for image.</summary>
public static class OutputWriter
{
    public static string ExtensionFor(string mimeType) => mimeType.ToLowerInvariant() switch
    {
        "image/jpeg" or "image/jpg" => ".jpg",
        "image/webp" => ".webp",
        "image/gif" => ".gif",
        "image/heic" => ".heic",
        "image/heif" => ".heif",
        _ => ".png",
    };

    /// <summary>The image MIME type for a file extension (".jpg" → "image/jpeg"); empty when it is not one we write.</summary>
    public static string MimeTypeFor(string extension) => extension.ToLowerInvariant() switch
    {
        ".jpg" or ".jpeg" => "image/jpeg",
        ".webp" => "image/webp",
        ".png" => "image/png",
        _ => "",
    };

    /// <summary>
    /// A short, file-system-safe slug of the prompt: lowercase words of any script joined by dashes ("夕焼けの富士山" stays
    /// readable); everything else, including every character a file name cannot hold on any system, becomes a dash.
    /// </summary>
    public static string Slug(string prompt, int maxLength = 40)
    {
        // Composed form: a letter and its accent stay one character (and Windows and macOS see the same name).
        var normalized = prompt.Normalize(NormalizationForm.FormC);
        var builder = new StringBuilder();
        for (var i = 0; i < normalized.Length; i++)
        {
            var category = CharUnicodeInfo.GetUnicodeCategory(normalized, i);
            var keep = char.IsLetterOrDigit(normalized, i) || category is UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark;
            var width = char.IsSurrogatePair(normalized, i) ? 2 : 1;
            builder.Append(keep ? normalized.Substring(i, width).ToLowerInvariant() : "-");
            i += width - 1;
        }
        var slug = Regex.Replace(builder.ToString(), "-+", "-").Trim('-');
        if (slug.Length > maxLength)
        {
            var cut = maxLength;
            if (char.IsHighSurrogate(slug[cut - 1])) cut--;   // never half a character
            slug = slug.Substring(0, cut).TrimEnd('-');
        }
        return slug.Length == 0 ? "image" : slug;
    }

    /// <summary>"&lt;slug&gt;-&lt;yyyyMMdd-HHmmss&gt;[-n].ext" in the folder, with a number added when the name is taken.</summary>
    public static string AutoName(string directory, string prompt, string extension, DateTime localTime, int index = 0, bool claim = false)
    {
        var stem = $"{Slug(prompt)}-{localTime:yyyyMMdd-HHmmss}" + (index > 0 ? $"-{index + 1}" : "");
        return UniquePath(directory, stem, extension, claim);
    }

    // Names claimed for saves under way in this process: saves in flight together (-ThrottleLimit) never pick the
    // same free name. A claim ends when WriteAtomic is done with the path.
    private static readonly HashSet<string> s_claimed = new(StringComparer.Ordinal);

    /// <summary>The first of stem.ext, stem-2.ext, stem-3.ext ... that does not exist (nor is claimed by a save under way).</summary>
    /// <param name="claim">Claim the name for a save that follows (released by <see cref="WriteAtomic(string, Action{Stream}, bool, bool)"/>).</param>
    public static string UniquePath(string directory, string stem, string extension, bool claim = false)
    {
        lock (s_claimed)
        {
            var path = Path.Combine(directory, stem + extension);
            for (var n = 2; File.Exists(path) || s_claimed.Contains(path); n++) path = Path.Combine(directory, $"{stem}-{n}{extension}");
            if (claim) s_claimed.Add(path);
            return path;
        }
    }

    /// <summary>
    /// Writes to a temporary name in the target folder, then renames, so a reader never sees half a file.
    /// If the target cannot be written the image goes to the fallback folder and <see cref="ImageSaveException"/> says where.
    /// With <paramref name="root"/> (the folder the user named) the path must stay inside it and pass through no link;
    /// otherwise the image also goes to the fallback folder and <see cref="UnsafePathException"/> says where.
    /// </summary>
    /// <param name="fallbackDirectory">Where an image that cannot be saved goes; default <see cref="FallbackDirectory"/>.</param>
    public static string SaveAtomic(byte[] data, string path, bool force, string? root = null, string? fallbackDirectory = null) =>
        SaveAtomic(stream => stream.Write(data, 0, data.Length), path, force, root, fallbackDirectory);

    /// <summary>Like <see cref="SaveAtomic(byte[], string, bool, string?, string?)"/> for content written by <paramref name="write"/> (which may run twice: the fallback).</summary>
    public static string SaveAtomic(Action<Stream> write, string path, bool force, string? root = null, string? fallbackDirectory = null)
    {
        try
        {
            if (root != null) SafePaths.Inside(root, path);
            return WriteAtomic(path, write, force);
        }
        catch (UnsafePathException ex)
        {
            var fallback = SaveToFallback(write, Path.GetFileName(path), fallbackDirectory);
            throw new UnsafePathException(ex.Path, ex.Message + (fallback != null ? $" The image was kept at '{fallback}'." : " The image could not be kept in the fallback folder either."));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException or OutputExistsException)
        {
            var fallback = SaveToFallback(write, Path.GetFileName(path), fallbackDirectory);
            var reason = ex is OutputExistsException ? "the file already exists (use -Force to overwrite)." : ex.Message;
            throw new ImageSaveException(
                fallback != null
                    ? $"Could not save the image to '{path}': {reason} The image was kept at '{fallback}'."
                    : $"Could not save the image to '{path}' ({reason}), nor to the fallback folder.",
                path, fallback, ex);
        }
    }

    /// <summary>Temporary file in the target folder, then a rename: readers see the whole file or nothing.</summary>
    public static string WriteAtomic(byte[] data, string path, bool force) =>
        WriteAtomic(path, stream => stream.Write(data, 0, data.Length), force);

    /// <summary>Like <see cref="WriteAtomic(byte[], string, bool)"/> for content written as a stream.</summary>
    /// <param name="durable">Flush through to the disk before the rename (paid images); derived files (reports, thumbnails) can skip it.</param>
    public static string WriteAtomic(string path, Action<Stream> write, bool force, bool durable = true)
    {
        // A planted link is refused even with force: the rename would not follow it, but nothing here may write through one.
        SafePaths.NotLink(path);
        if (!force && File.Exists(path)) throw new OutputExistsException(path);
        var directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        Directory.CreateDirectory(directory);
        var temp = Path.Combine(directory, $".{Path.GetFileName(path)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 81920, FileOptions.None))
            {
                write(stream);
                // One flush to the disk at the end (not write-through, which waits for the disk on every buffer).
                if (durable) stream.Flush(flushToDisk: true);
            }
            if (File.Exists(path))
            {
                if (!force) throw new OutputExistsException(path);
                Replace(temp, path);
            }
            else
            {
                File.Move(temp, path);
            }
            return path;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException && ex.Message.Contains(Path.GetFileName(temp)))
        {
            // The user named the target, not our temporary file: say which file could not be written.
            var message = ex.Message.Replace(temp, path).Replace(Path.GetFileName(temp), Path.GetFileName(path));
            throw ex is UnauthorizedAccessException ? new UnauthorizedAccessException(message, ex) : new IOException(message, ex);
        }
        finally
        {
            TryDelete(temp);
            lock (s_claimed) s_claimed.Remove(path);
        }
    }

    private static readonly bool s_windows = System.Runtime.InteropServices.RuntimeInformation.IsOSPlatform(System.Runtime.InteropServices.OSPlatform.Windows);

    /// <summary>
    /// Replaces an existing file (-Force). Windows refuses a read-only target (cleared first: -Force overwrites it, as
    /// Copy-Item -Force does) and one a viewer holds open without delete sharing, which is often brief (a thumbnailer,
    /// an antivirus scan): a few tries over about three seconds before giving up.
    /// </summary>
    private static void Replace(string temp, string path)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                if (s_windows && File.GetAttributes(path) is var attributes && attributes.HasFlag(FileAttributes.ReadOnly))
                    File.SetAttributes(path, attributes & ~FileAttributes.ReadOnly);
                File.Replace(temp, path, null);
                return;
            }
            catch (Exception ex) when (s_windows && attempt < 5 && (ex is IOException || ex is UnauthorizedAccessException))
            {
                System.Threading.Thread.Sleep(300 * attempt);
            }
        }
    }

    /// <summary>
    /// Deletes the temporary files <see cref="WriteAtomic(string, Action{Stream}, bool, bool)"/> leaves when its process is killed
    /// mid-write. Call it only while holding the folder (a batch run's journal lock), so no live write is touched.
    /// </summary>
    public static int RemoveTemporaryFiles(string directory)
    {
        var removed = 0;
        if (!Directory.Exists(directory)) return 0;
        foreach (var file in Directory.EnumerateFiles(directory, ".*.tmp"))
        {
            if (!s_temporaryName.IsMatch(Path.GetFileName(file))) continue;
            TryDelete(file);
            if (!File.Exists(file)) removed++;
        }
        return removed;
    }

    private static readonly Regex s_temporaryName = new(@"^\..+\.[0-9a-f]{32}\.tmp$", RegexOptions.CultureInvariant);

    /// <summary>The folder for images that could not be saved where asked.</summary>
    public static string FallbackDirectory => Path.Combine(Ledger.DataFolder.Default, "fallback");

    internal static string? SaveToFallback(Action<Stream> write, string fileName, string? fallbackDirectory)
    {
        // Both folders are private to the user (never a temp folder shared by everyone), checked to be their own.
        foreach (var candidate in new[] { fallbackDirectory ?? FallbackDirectory, Path.Combine(Ledger.DataFolder.Temp, "fallback") })
        {
            try
            {
                var directory = PrivateFolder.Ensure(candidate);
                for (var attempt = 0; attempt < 100; attempt++)
                {
                    var path = UniquePath(directory, Path.GetFileNameWithoutExtension(fileName), Path.GetExtension(fileName));
                    // CreateNew: a name taken (or a link planted) since UniquePath looked is never written through.
                    FileStream stream;
                    try { stream = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None); }
                    catch (IOException) when (File.Exists(path)) { continue; }
                    try
                    {
                        using (stream)
                        {
                            write(stream);
                            stream.Flush(flushToDisk: true);
                        }
                    }
                    catch
                    {
                        // Nothing half-written stays behind (a full disk); the next folder is tried.
                        TryDelete(path);
                        throw;
                    }
                    PrivateFolder.RestrictFile(path);
                    return path;
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or UnsafePathException) { }
        }
        return null;
    }

    private static void TryDelete(string path)
    {
        try { if (File.Exists(path)) File.Delete(path); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
