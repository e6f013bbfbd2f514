using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;

namespace GeminiImage.Engine.Imaging;

/// <summary>What <see cref="ContactSheet.Build"/> made: the encoded sheet and the images that are on it.</summary>
public sealed class ContactSheetResult
{
    internal ContactSheetResult(byte[] data, IReadOnlyList<string> included, int columns, int rows, int tileSize)
    {
        Data = data;
        Included = included;
        Columns = columns;
        Rows = rows;
        TileSize = tileSize;
    }

    /// <summary>The encoded sheet, in the format asked for (PNG by default).</summary>
    public byte[] Data { get; }
    /// <summary>The paths on the sheet, in tile order (bad images that were skipped are not listed).</summary>
    public IReadOnlyList<string> Included { get; }
    /// <summary>Tiles per row.</summary>
    public int Columns { get; }
    /// <summary>Rows of tiles.</summary>
    public int Rows { get; }
    /// <summary>Side of one square tile in pixels.</summary>
    public int TileSize { get; }
    /// <summary>Sheet width in pixels (Columns × TileSize).</summary>
    public int Width => Columns * TileSize;
    /// <summary>Sheet height in pixels (Rows × TileSize).</summary>
    public int Height => Rows * TileSize;
}

/// <summary>Builds one image (PNG, JPEG or WebP) showing many images as a grid of square tiles.</summary>
public static class ContactSheet
{
    /// <summary>
    /// A grid of <c>min(columns, n)</c> × <c>ceil(n / columns)</c> tiles of <paramref name="tileSize"/> pixels, in the given
    /// order; each image is fitted inside its tile (no cropping) and centred on <paramref name="background"/>.
    /// </summary>
    /// <exception cref="ArgumentException">No paths, non-positive columns/tile size, a sheet over the limits' side, or a bad colour.</exception>
    /// <exception cref="Errors.ImageFileException">One of the images is missing, damaged or unsupported.</exception>
    public static byte[] Create(IEnumerable<string> paths, int columns, int tileSize, string background = "white", ImageLimits? limits = null) =>
        Build(paths, columns, tileSize, background, limits, onSkipped: null).Data;

    /// <summary>
    /// As <see cref="Create"/>, but when <paramref name="onSkipped"/> is given a bad image is reported to it and left
    /// out (the grid closes up) instead of failing the whole sheet.
    /// </summary>
    /// <param name="format">The encoding of the sheet (JPEG at quality 90, flattened onto the background).</param>
    /// <exception cref="ArgumentException">As <see cref="Create"/>.</exception>
    /// <exception cref="Errors.ImageFileException">An image is bad and <paramref name="onSkipped"/> is null, or every image is bad
    /// (the last error is rethrown).</exception>
    public static ContactSheetResult Build(IEnumerable<string> paths, int columns, int tileSize, string background,
        ImageLimits? limits, Action<ImageFileException>? onSkipped, ImageOutputFormat format = ImageOutputFormat.Png)
    {
        var list = paths?.ToList() ?? throw new ArgumentNullException(nameof(paths));
        if (list.Count == 0) throw new ArgumentException("At least one image is needed.", nameof(paths));
        if (columns <= 0) throw new ArgumentOutOfRangeException(nameof(columns), columns, "Columns must be positive.");
        if (tileSize <= 0) throw new ArgumentOutOfRangeException(nameof(tileSize), tileSize, "Tile size must be positive.");
        limits ??= ImageLimits.Default;
        var color = ImageResizer.ParseColor(background);

        var (width, height) = SheetSize(list.Count, columns, tileSize);
        if (width > limits.MaxSide || height > limits.MaxSide || width * height > limits.MaxPixels)
            throw new ArgumentException($"A {width}x{height} contact sheet is over the image limits; use fewer images or smaller tiles.", nameof(tileSize));

        // Tiles go in the order of the images that load; skipped images close the gap and the sheet is cropped at the end.
        using var sheet = new Image<Rgba32>((int)width, (int)height, color.ToPixel<Rgba32>());
        var included = new List<string>(list.Count);
        ImageFileException? last = null;
        foreach (var path in list)
        {
            Image<Rgba32> image;
            try
            {
                image = ImageFiles.LoadUpright(path, limits, out _);
            }
            catch (ImageFileException e) when (onSkipped != null)
            {
                last = e;
                onSkipped(e);
                continue;
            }
            using (image)
            {
                var i = included.Count;
                var fit = FitMath.Compute(image.Width, image.Height, tileSize, tileSize, FitMode.Pad);
                using var tile = image.Clone(x => x.Resize(fit.ResizeWidth, fit.ResizeHeight));
                var origin = new Point(i % columns * tileSize + fit.OffsetX, i / columns * tileSize + fit.OffsetY);
                sheet.Mutate(x => x.DrawImage(tile, origin, 1f));
            }
            included.Add(path);
        }
        if (included.Count == 0) throw last!;

        var cols = Math.Min(columns, included.Count);
        var rows = (included.Count + columns - 1) / columns;
        if (included.Count < list.Count)
            sheet.Mutate(x => x.Crop(new Rectangle(0, 0, cols * tileSize, rows * tileSize)));

        // The sheet records its tiles and, derived as it is, no cost of its own.
        var (data, mimeType) = ImageResizer.Encode(sheet, format, 90);
        var provenance = new ImageProvenance { CreatedUtc = DateTime.UtcNow, DerivedFrom = included.Select(Path.GetFileName).ToList() };
        return new ContactSheetResult(ProvenanceWriter.Embed(data, mimeType, provenance), included, cols, rows, tileSize);
    }

    /// <summary>Pixel size of a sheet of <paramref name="count"/> tiles: min(columns, count) × ceil(count / columns) tiles.</summary>
    public static (long Width, long Height) SheetSize(int count, int columns, int tileSize)
    {
        if (count <= 0 || columns <= 0 || tileSize <= 0) return (0, 0);
        var cols = Math.Min(columns, count);
        var rows = (count + columns - 1) / columns;
        return ((long)cols * tileSize, (long)rows * tileSize);
    }
}
