using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Metadata.Profiles.Icc;
using SixLabors.ImageSharp.PixelFormats;

namespace GeminiImage.Engine.Imaging;

/// <summary>A local image decoded once (checked, upright, first frame) for one or more <see cref="ImageResizer.Resize(ResizeSource, ResizeOptions)"/> calls.</summary>
public sealed class ResizeSource : IDisposable
{
    private readonly byte[] _data;
    private readonly Lazy<bool> _transparent;
    private readonly Lazy<ImageProvenance?> _provenance;
    private Image<Rgba32>? _image;

    private ResizeSource(string path, Image<Rgba32> image, byte[] data, int frameCount)
    {
        Path = path;
        _image = image;
        _data = data;
        FrameCount = frameCount;
        _transparent = new Lazy<bool>(() => ImageFiles.HasTransparency(Image));
        _provenance = new Lazy<ImageProvenance?>(() => ProvenanceReader.ReadProvenance(_data));
    }

    /// <summary>Reads, checks and decodes <paramref name="path"/> (limits: <see cref="ImageLimits.Default"/> when null).</summary>
    /// <exception cref="Errors.ImageFileException">The source is missing, damaged, unsupported or a decompression bomb.</exception>
    public static ResizeSource Load(string path, ImageLimits? limits = null)
    {
        var image = ImageFiles.LoadUpright(path, limits ?? ImageLimits.Default, out var data, out var frames);
        // A CMYK JPEG is decoded to RGB: its CMYK colour profile no longer describes the pixels, so it must not travel on.
        var icc = image.Metadata.IccProfile?.Header.DataColorSpace;
        if (icc != null && icc != IccColorSpaceType.Rgb && icc != IccColorSpaceType.Gray) image.Metadata.IccProfile = null;
        // GIF and TIFF decode only their first frame (a bomb guard), so the frames in the file are counted from its structure.
        return new ResizeSource(path, image, data, Math.Max(frames, ImageFrames.Count(data)));
    }

    /// <summary>The file it was read from.</summary>
    public string Path { get; }

    /// <summary>Width after turning upright.</summary>
    public int Width => Image.Width;

    /// <summary>Height after turning upright.</summary>
    public int Height => Image.Height;

    /// <summary>Frames in the file; only the first is used.</summary>
    public int FrameCount { get; }

    /// <summary>Whether any pixel is not fully opaque.</summary>
    public bool HasTransparency => _transparent.Value;

    /// <summary>Things the caller should tell the user (e.g. frames dropped from an animation).</summary>
    public IReadOnlyList<string> Warnings => FrameCount > 1
        ? new[] { $"'{Path}' is animated ({FrameCount} frames); only the first frame is used." }
        : Array.Empty<string>();

    internal Image<Rgba32> Image => _image ?? throw new ObjectDisposedException(nameof(ResizeSource));

    internal ImageProvenance? Provenance => _provenance.Value;

    /// <summary>Frees the decoded pixels.</summary>
    public void Dispose()
    {
        _image?.Dispose();
        _image = null;
    }
}
