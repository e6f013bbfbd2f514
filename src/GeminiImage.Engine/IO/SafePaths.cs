using GeminiImage.Engine.Watch;

namespace GeminiImage.Engine.IO;

/// <summary>
/// The one place that decides whether a path below a folder the user named is safe to write, move or read:
/// no symbolic link or other reparse point between that folder and the path, and no way out of it.
/// The named folder itself may be a link: the user chose it.
/// </summary>
public static class SafePaths
{
    /// <summary>True when <paramref name="path"/> exists as a symbolic link, junction or other reparse point (a dangling link counts).</summary>
    public static bool IsLink(string path)
    {
        try
        {
            return (File.GetAttributes(path) & FileAttributes.ReparsePoint) != 0;
        }
        catch (Exception e) when (e is FileNotFoundException || e is DirectoryNotFoundException || e is ArgumentException || e is NotSupportedException)
        {
            return false;
        }
    }

    /// <summary>
    /// The full path of <paramref name="path"/> (relative paths are taken against <paramref name="root"/>) after checking
    /// that it stays inside <paramref name="root"/> and that no part of it below <paramref name="root"/> is a link.
    /// </summary>
    /// <exception cref="UnsafePathException">The path escapes <paramref name="root"/> or passes through a link.</exception>
    public static string Inside(string root, string path)
    {
        var fullRoot = PathUtil.Normalize(root);
        // No trailing separator: "link/" would be resolved through the link by the attribute check below.
        var full = PathUtil.Normalize(Path.Combine(fullRoot, path));
        if (!PathUtil.IsWithin(full, fullRoot))
            throw new UnsafePathException(path, $"The path '{full}' is outside the folder '{fullRoot}'; nothing was written there.");
        // Every part from the one just below the root down to the path itself.
        var current = full;
        while (current.Length > fullRoot.Length)
        {
            if (IsLink(current))
                throw new UnsafePathException(current, $"'{current}' is a symbolic link or reparse point; links inside '{fullRoot}' are not followed, so nothing was written or read through it.");
            current = Path.GetDirectoryName(current) ?? fullRoot;
        }
        return full;
    }

    /// <summary>The file or folder <paramref name="name"/> directly in <paramref name="folder"/>, checked as by <see cref="Inside"/>.</summary>
    public static string Child(string folder, string name)
    {
        if (name.IndexOfAny(new[] { Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar }) >= 0 || name == "." || name == "..")
            throw new UnsafePathException(name, $"'{name}' is not a plain file name.");
        return Inside(folder, name);
    }

    /// <summary>Creates <paramref name="path"/> (and the folders between) inside <paramref name="root"/>, refusing links; returns its full path.</summary>
    public static string CreateFolder(string root, string path)
    {
        var full = Inside(root, path);
        Directory.CreateDirectory(full);
        // A link planted between the check and the creation is caught here, before anything is written into it.
        return Inside(root, full);
    }

    /// <summary>Throws when <paramref name="path"/> itself is a link; for single files such as an output the user named.</summary>
    public static string NotLink(string path)
    {
        if (IsLink(path))
            throw new UnsafePathException(path, $"'{path}' is a symbolic link or reparse point; the module does not write through links.");
        return path;
    }
}
