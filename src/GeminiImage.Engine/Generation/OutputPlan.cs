using GeminiImage.Engine.IO;

namespace GeminiImage.Engine.Generation;

/// <summary>Where results go: an explicit file, or automatic names in a folder.</summary>
public sealed class OutputPlan
{
    /// <summary>-AsBytes combined with something that writes files (-OutFile, -OutputDirectory, -Force, -IncludeThoughts).</summary>
    public const string AsBytesConflictId = "GeminiImage.AsBytesConflict";

    /// <summary>Full path of the folder for automatic names (the PowerShell location by default).</summary>
    public string Directory { get; set; } = System.IO.Directory.GetCurrentDirectory();
    /// <summary>Full path of an explicit output file; a second image of the same call gets -2, -3 ...</summary>
    public string? OutFile { get; set; }
    /// <summary>Stem to use instead of the prompt slug (edits: "&lt;source&gt;-edited").</summary>
    public string? Stem { get; set; }
    public bool Force { get; set; }
    /// <summary>Images already saved by earlier requests of the same call (-Count), so an explicit file or stem gets -2, -3 ...</summary>
    public int SavedSoFar { get; set; }
    /// <summary>Text for automatic names instead of the prompt sent (a style's expanded template would drown the user's words).</summary>
    public string? NameHint { get; set; }
    /// <summary>The folder the user named that every output must stay inside, passing through no link (batch and watch outputs); null: no such check.</summary>
    public string? Root { get; set; }

    /// <summary>
    /// Keep the images in memory (<see cref="GeminiImageResult.Bytes"/>) and write no file (-AsBytes): no target to
    /// check, no name to claim. Thought images (files beside the image) cannot be kept this way.
    /// </summary>
    public bool InMemory { get; set; }

    /// <summary>Full paths of the call's input images: never a target, whatever -Force says (set by <see cref="CheckBeforeSending"/>).</summary>
    public IReadOnlyCollection<string> Inputs { get; set; } = Array.Empty<string>();

    /// <summary>A copy for one request of a call, so requests in flight at once do not share <see cref="SavedSoFar"/>.</summary>
    public OutputPlan Copy() => (OutputPlan)MemberwiseClone();

    /// <summary>The path for the image at <paramref name="index"/> of one call.</summary>
    /// <param name="claim">The save follows: an automatic name is claimed so that saves in flight together differ.</param>
    public string PathFor(string prompt, string mimeType, int index, DateTime localTime, bool claim = false)
    {
        var extension = OutputWriter.ExtensionFor(mimeType);
        if (Named(mimeType, index) is { } named)
        {
            // An explicit file, or a stem with -Force, is used as named (overwritten with -Force) unless it is an input image.
            var usable = OutFile != null ? !IsInput(named) : Force && !IsInput(named);
            return usable ? named : OutputWriter.UniquePath(System.IO.Path.GetDirectoryName(named)!, System.IO.Path.GetFileNameWithoutExtension(named), System.IO.Path.GetExtension(named), claim);
        }
        return OutputWriter.AutoName(Directory, NameHint ?? prompt, extension, localTime, index, claim);
    }

    /// <summary>The name asked for by -OutFile or the stem, with the extension of the real format; null for automatic names.</summary>
    private string? Named(string mimeType, int index)
    {
        var extension = OutputWriter.ExtensionFor(mimeType);
        if (OutFile != null)
        {
            var requested = System.IO.Path.GetExtension(OutFile);
            // Keep the user's extension when it matches the format; otherwise the real format's extension wins.
            var ext = string.Equals(OutputWriter.ExtensionFor(OutputWriter.MimeTypeFor(requested)), extension, StringComparison.OrdinalIgnoreCase) ? requested : extension;
            var stem = System.IO.Path.Combine(System.IO.Path.GetDirectoryName(OutFile)!, System.IO.Path.GetFileNameWithoutExtension(OutFile));
            var n = index + SavedSoFar;
            return n == 0 ? stem + ext : $"{stem}-{n + 1}{ext}";
        }
        var k = index + SavedSoFar;
        return Stem == null ? null : System.IO.Path.Combine(Directory, (k == 0 ? Stem : $"{Stem}-{k + 1}") + extension);
    }

    /// <summary>
    /// Checks, before a paid request, every save precondition that can be known now, for the file the model will really
    /// write (its output format decides the extension): -OutFile naming a folder, an existing file without -Force, an input
    /// image as the target (refused even with -Force), a folder that cannot be written, a nearly full disk.
    /// </summary>
    /// <exception cref="OutputExistsException">The target exists and <see cref="Force"/> is off.</exception>
    /// <exception cref="OutputUnusableException">Any other precondition fails.</exception>
    public void CheckBeforeSending(ImageRequest request, string? sourcePath)
    {
        Inputs = request.InputImages.Select(i => i.SourcePath).Concat(new[] { sourcePath })
            .Where(p => !string.IsNullOrEmpty(p)).Select(p => System.IO.Path.GetFullPath(p!)).ToList();
        if (InMemory)
        {
            if (request.Options.IncludeThoughts)
                throw new GeminiArgumentException(AsBytesConflictId, "-IncludeThoughts saves the interim thought images as files, which -AsBytes does not write; leave one of them out. Nothing was sent.");
            return;
        }
        if (OutFile != null && System.IO.Directory.Exists(OutFile))
            throw new OutputUnusableException(OutputUnusableException.IsFolderId, OutFile, $"-OutFile '{OutFile}' is a folder, not a file name; nothing was sent.");
        var mimeType = request.Model.OutputMimeType;
        // An explicit file, or -Force on a stem, would take the name as is: an input image there is refused, not renamed around.
        if (Named(mimeType, 0) is { } named && (OutFile != null || Force) && IsInput(named))
            throw new OutputUnusableException(OutputUnusableException.IsInputId, named, $"The output '{named}' is an input image of this call; input images are never overwritten, even with -Force, so nothing was sent.");
        var target = System.IO.Path.GetFullPath(PathFor(request.Prompt, mimeType, 0, DateTime.Now));
        if (System.IO.Directory.Exists(target))
            throw new OutputUnusableException(OutputUnusableException.IsFolderId, target, $"The output '{target}' is an existing folder; nothing was sent.");
        if (!Force && File.Exists(target)) throw new OutputExistsException(target);
        var folder = System.IO.Path.GetDirectoryName(target)!;
        if (OutputFolder.Problem(folder) is { } problem)
            throw new OutputUnusableException(OutputUnusableException.FolderUnavailableId, folder, $"The output folder '{folder}' cannot take the image: {problem}. Nothing was sent.");
    }

    private bool IsInput(string path) => Inputs.Any(i => SamePath(i, path));

    // Windows and macOS compare file names without case by default.
    private static bool SamePath(string a, string b) => string.Equals(System.IO.Path.GetFullPath(a), System.IO.Path.GetFullPath(b),
        System.IO.Path.DirectorySeparatorChar == '\\' || System.Runtime.InteropServices.RuntimeInformation.IsOSPlatform(System.Runtime.InteropServices.OSPlatform.OSX)
            ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal);

}
