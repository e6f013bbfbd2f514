namespace GeminiImage.Engine.Errors;

/// <summary>A local image file could not be used; <see cref="Path"/> names the offending file.</summary>
public abstract class ImageFileException : GeminiImageException
{
    private protected ImageFileException(string errorId, ErrorKind kind, string path, string message, Exception? innerException = null)
        : base(errorId, kind, message, innerException)
    {
        Path = path;
    }

    /// <summary>The file the problem is about, as the caller passed it.</summary>
    public string Path { get; }
}

/// <summary>The path does not exist or is a folder. ErrorId <c>GeminiImage.ImageNotFound</c>.</summary>
public sealed class ImageNotFoundException : ImageFileException
{
    public const string Id = "GeminiImage.ImageNotFound";

    public ImageNotFoundException(string path, string message, Exception? innerException = null)
        : base(Id, ErrorKind.NotFound, path, message, innerException)
    {
    }
}

/// <summary>The file is empty, truncated or corrupt. ErrorId <c>GeminiImage.InvalidImage</c>.</summary>
public sealed class InvalidImageException : ImageFileException
{
    public const string Id = "GeminiImage.InvalidImage";

    public InvalidImageException(string path, string message, Exception? innerException = null)
        : base(Id, ErrorKind.InvalidData, path, message, innerException)
    {
    }
}

/// <summary>The content is not an image format the module can read (e.g. a text file named .png).
/// ErrorId <c>GeminiImage.UnsupportedImageFormat</c>.</summary>
public sealed class UnsupportedImageFormatException : ImageFileException
{
    public const string Id = "GeminiImage.UnsupportedImageFormat";

    public UnsupportedImageFormatException(string path, string message, Exception? innerException = null)
        : base(Id, ErrorKind.InvalidData, path, message, innerException)
    {
    }
}

/// <summary>The header declares more pixels than <see cref="Imaging.ImageLimits"/> allow (a likely
/// decompression bomb), or the file cannot be brought under the size limit. ErrorId <c>GeminiImage.ImageTooLarge</c>.</summary>
public sealed class ImageTooLargeException : ImageFileException
{
    public const string Id = "GeminiImage.ImageTooLarge";

    public ImageTooLargeException(string path, string message, int width = 0, int height = 0)
        : base(Id, ErrorKind.InvalidData, path, message)
    {
        Width = width;
        Height = height;
    }

    /// <summary>Declared width in pixels (0 when unknown).</summary>
    public int Width { get; }

    /// <summary>Declared height in pixels (0 when unknown).</summary>
    public int Height { get; }
}
