using System;
using System.IO;

namespace GeminiImage.Engine.Generation;

/// <summary>Where results go: an explicit file, or automatic names in a folder.</summary>
public sealed class OutputPlan
{
    /// <summary>Full path of the folder for automatic names (the PowerShell location by default).</summary>
    public string Directory { get; set; } = System.IO.Directory.GetCurrentDirectory();
    /// <summary>Full path of an explicit output file; a second image of the same call gets -2, -3 ...</summary>
    public string? OutFile { get; set; }
    /// <summary>Stem to use instead of the prompt slug (edits: "&lt;source&gt;-edited").</summary>
    public string? Stem { get; set; }
    public bool Force { get; set; }
    /// <summary>Images already saved by earlier requests of the same call (-Count), so an explicit file gets -2, -3 ...</summary>
    public int SavedSoFar { get; set; }
    /// <summary>Text for automatic names instead of the prompt sent (a style's expanded template would drown the user's words).</summary>
    public string? NameHint { get; set; }
    /// <summary>The folder the user named that every output must stay inside, passing through no link (batch and watch outputs); null: no such check.</summary>
    public string? Root { get; set; }

    /// <summary>The path for the image at <paramref name="index"/> of one call.</summary>
    public string PathFor(string prompt, string mimeType, int index, DateTime localTime)
    {
        var extension = OutputWriter.ExtensionFor(mimeType);
        if (OutFile != null)
        {
            var stem = System.IO.Path.Combine(System.IO.Path.GetDirectoryName(OutFile)!, System.IO.Path.GetFileNameWithoutExtension(OutFile));
            var requested = System.IO.Path.GetExtension(OutFile);
            // Keep the user's extension when it matches the format; otherwise the real format's extension wins.
            var ext = string.Equals(OutputWriter.ExtensionFor(OutputWriter.MimeTypeFor(requested)), extension, StringComparison.OrdinalIgnoreCase) ? requested : extension;
            var n = index + SavedSoFar;
            return n == 0 ? stem + ext : $"{stem}-{n + 1}{ext}";
        }
        if (Stem != null)
        {
            var stem = index == 0 ? Stem : $"{Stem}-{index + 1}";
            // With -Force the plain name is reused (overwritten); otherwise a free number is found.
            return Force ? System.IO.Path.Combine(Directory, stem + extension) : OutputWriter.UniquePath(Directory, stem, extension);
        }
        return OutputWriter.AutoName(Directory, NameHint ?? prompt, extension, localTime, index);
    }

}
