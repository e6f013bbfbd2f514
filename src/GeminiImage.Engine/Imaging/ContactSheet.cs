using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;

namespace GeminiImage.Engine.Imaging;

/// <summary>Builds one PNG showing many images as a grid of square tiles.</summary>
public static class ContactSheet
{
    /// <summary>
    /// A grid of <c>min(columns, n)</c> × <c>ceil(n / columns)</c> tiles of <paramref name="tileSize"/> pixels, in the given
    /// order; each image is fitted inside its tile (no cropping) and centred on <paramref name="background"/>.
    /// </summary>
    /// <exception cref="ArgumentException">No paths, non-positive columns/tile size, a sheet over the limits' side, or a bad colour.</exception>
    /// <exception cref="Errors.ImageFileException">One of the images is missing, damaged or unsupported.</exception>
    public static byte[] Create(IEnumerable<string> paths, int columns, int tileSize, string background = "white", ImageLimits? limits = null)
    {
        var list = paths?.ToList() ?? throw new ArgumentNullException(nameof(paths));
        if (list.Count == 0) throw new ArgumentException("At least one image is needed.", nameof(paths));
        if (columns <= 0) throw new ArgumentOutOfRangeException(nameof(columns), columns, "Columns must be positive.");
        if (tileSize <= 0) throw new ArgumentOutOfRangeException(nameof(tileSize), tileSize, "Tile size must be positive.");
        limits ??= ImageLimits.Default;
        var color = ImageResizer.ParseColor(background);

        var cols = Math.Min(columns, list.Count);
        var rows = (list.Count + columns - 1) / columns;
        long width = (long)cols * tileSize, height = (long)rows * tileSize;
        if (width > limits.MaxSide || height > limits.MaxSide || width * height > limits.MaxPixels)
            throw new ArgumentException($"A {width}x{height} contact sheet is over the image limits; use fewer images or smaller tiles.", nameof(tileSize));

        using var sheet = new Image<Rgba32>((int)width, (int)height, color.ToPixel<Rgba32>());
        for (var i = 0; i < list.Count; i++)
        {
            using var image = ImageFiles.LoadUpright(list[i], limits, out _);
            var fit = FitMath.Compute(image.Width, image.Height, tileSize, tileSize, FitMode.Pad);
            using var tile = image.Clone(x => x.Resize(fit.ResizeWidth, fit.ResizeHeight));
            var origin = new Point(i % columns * tileSize + fit.OffsetX, i / columns * tileSize + fit.OffsetY);
            sheet.Mutate(x => x.DrawImage(tile, origin, 1f));
        }

        using var output = new MemoryStream();
        sheet.Save(output, new PngEncoder());
        return output.ToArray();
    }
}
