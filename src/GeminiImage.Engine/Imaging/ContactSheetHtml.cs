using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;

namespace GeminiImage.Engine.Imaging;

/// <summary>One image on an HTML contact sheet or report.</summary>
/// <param name="Name">Caption title, usually the file name.</param>
/// <param name="Href">Link to the full image (a relative URL or any URL); null: not linked.</param>
/// <param name="ThumbnailDataUri">The thumbnail as a data: URI (see <see cref="ContactSheetHtml.Thumbnail"/>), or null to show <paramref name="Href"/> scaled.</param>
/// <param name="Format">Image format, e.g. PNG.</param>
/// <param name="Width">Width in pixels (0: unknown).</param>
/// <param name="Height">Height in pixels (0: unknown).</param>
/// <param name="SizeBytes">File size in bytes (0: unknown).</param>
/// <param name="Provenance">Prompt, model, cost... null for images the module did not make.</param>
public sealed record ContactSheetHtmlItem(
    string Name, string? Href = null, string? ThumbnailDataUri = null, string? Format = null, int Width = 0, int Height = 0,
    long SizeBytes = 0, ImageProvenance? Provenance = null);

/// <summary>Settings for <see cref="ContactSheetHtml.Render"/>.</summary>
public sealed class ContactSheetHtmlOptions
{
    /// <summary>Page title and heading.</summary>
    public string Title { get; set; } = "Contact sheet";
    /// <summary>Tiles per row.</summary>
    public int Columns { get; set; } = 4;
    /// <summary>Side of one thumbnail in CSS pixels.</summary>
    public int TileSize { get; set; } = 256;
    /// <summary>Page background colour (CSS; only names and #hex are used, anything else falls back to white).</summary>
    public string Background { get; set; } = "white";
}

/// <summary>What <see cref="ContactSheetHtml.Create"/> made.</summary>
public sealed class ContactSheetHtmlResult
{
    internal ContactSheetHtmlResult(string html, IReadOnlyList<ContactSheetHtmlItem> items, IReadOnlyList<string> included)
    {
        Html = html;
        Items = items;
        Included = included;
    }

    /// <summary>The whole page (UTF-8 when saved).</summary>
    public string Html { get; }
    /// <summary>The items on the page.</summary>
    public IReadOnlyList<ContactSheetHtmlItem> Items { get; }
    /// <summary>The image paths on the page, in order (bad images that were skipped are not listed).</summary>
    public IReadOnlyList<string> Included { get; }
}

/// <summary>
/// A self-contained HTML page of thumbnails with their prompts, models and costs (from the images' provenance).
/// Every text from an image or a file name is HTML-escaped; thumbnails are embedded as data: URIs so the page
/// works when moved, and each links to the full image by a relative URL.
/// </summary>
public static class ContactSheetHtml
{
    /// <summary>Reads each image (provenance and a thumbnail) and renders the page that will be saved at <paramref name="htmlPath"/>.</summary>
    /// <param name="paths">Images, in page order.</param>
    /// <param name="htmlPath">Where the page will be saved; links to the images are relative to its folder.</param>
    /// <param name="options">Title, columns and tile size.</param>
    /// <param name="limits">Bomb limits for reading the images (null: <see cref="ImageLimits.Default"/>).</param>
    /// <param name="onSkipped">Called for a bad image, which is then left out; null: the error is thrown.</param>
    /// <exception cref="ArgumentException">No paths, or columns/tile size not positive.</exception>
    /// <exception cref="ImageFileException">An image is bad and <paramref name="onSkipped"/> is null, or every image is bad.</exception>
    public static ContactSheetHtmlResult Create(IEnumerable<string> paths, string htmlPath, ContactSheetHtmlOptions? options = null,
        ImageLimits? limits = null, Action<ImageFileException>? onSkipped = null)
    {
        var list = paths?.ToList() ?? throw new ArgumentNullException(nameof(paths));
        if (list.Count == 0) throw new ArgumentException("At least one image is needed.", nameof(paths));
        options ??= new ContactSheetHtmlOptions();
        Validate(options);
        var directory = Path.GetDirectoryName(Path.GetFullPath(htmlPath)) ?? "";
        var items = new List<ContactSheetHtmlItem>(list.Count);
        var included = new List<string>(list.Count);
        ImageFileException? last = null;
        foreach (var path in list)
        {
            try
            {
                items.Add(CreateItem(path, directory, options.TileSize, limits));
                included.Add(path);
            }
            catch (ImageFileException e) when (onSkipped != null)
            {
                last = e;
                onSkipped(e);
            }
        }
        if (items.Count == 0) throw last!;
        return new ContactSheetHtmlResult(Render(items, options), items, included);
    }

    /// <summary>An item for the image at <paramref name="path"/>: facts, provenance, an embedded thumbnail, and a link
    /// relative to <paramref name="htmlDirectory"/> (absolute file: URL when null).</summary>
    /// <exception cref="ImageFileException">The image is missing, damaged, unsupported or a decompression bomb.</exception>
    public static ContactSheetHtmlItem CreateItem(string path, string? htmlDirectory, int tileSize, ImageLimits? limits = null)
    {
        if (tileSize <= 0) throw new ArgumentOutOfRangeException(nameof(tileSize), tileSize, "Tile size must be positive.");
        using var image = ImageFiles.LoadUpright(path, limits ?? ImageLimits.Default, out var data);
        var format = ImageFiles.DetectFormat(data, path);
        return new ContactSheetHtmlItem(
            Path.GetFileName(path), RelativeUrl(htmlDirectory, path), Thumbnail(image, tileSize),
            format.Name == "Webp" ? "WebP" : format.Name, image.Width, image.Height, data.LongLength,
            ProvenanceReader.ReadProvenance(data));
    }

    /// <summary>A data: URI of <paramref name="image"/> fitted inside a <paramref name="tileSize"/> square (JPEG, or PNG when transparent).</summary>
    internal static string Thumbnail(Image<Rgba32> image, int tileSize)
    {
        var fit = FitMath.Compute(image.Width, image.Height, Math.Min(tileSize, image.Width), Math.Min(tileSize, image.Height), FitMode.Contain);
        using var thumb = image.Clone(x => x.Resize(fit.ResizeWidth, fit.ResizeHeight));
        thumb.Metadata.ExifProfile = null;
        thumb.Metadata.XmpProfile = null;
        thumb.Metadata.IccProfile = null;
        using var output = new MemoryStream();
        if (ImageFiles.HasTransparency(thumb))
        {
            thumb.Save(output, new PngEncoder());
            return "data:image/png;base64," + Convert.ToBase64String(output.ToArray());
        }
        thumb.Save(output, new JpegEncoder { Quality = 85 });
        return "data:image/jpeg;base64," + Convert.ToBase64String(output.ToArray());
    }

    /// <summary>A URL for <paramref name="path"/> relative to <paramref name="directory"/> (each segment percent-escaped),
    /// or an absolute file: URL when there is no common root (another drive) or no directory.</summary>
    public static string RelativeUrl(string? directory, string path)
    {
        var full = Path.GetFullPath(path);
        if (string.IsNullOrEmpty(directory)) return new Uri(full).AbsoluteUri;
        var separators = new[] { Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar };
        var from = Path.GetFullPath(directory!).Split(separators, StringSplitOptions.RemoveEmptyEntries);
        var to = full.Split(separators, StringSplitOptions.RemoveEmptyEntries);
        var comparison = Path.DirectorySeparatorChar == '\\' ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;
        var common = 0;
        while (common < from.Length && common < to.Length - 1 && string.Equals(from[common], to[common], comparison)) common++;
        // Windows: a different drive has no relative path.
        if (common == 0 && Path.DirectorySeparatorChar == '\\') return new Uri(full).AbsoluteUri;
        var parts = Enumerable.Repeat("..", from.Length - common).Concat(to.Skip(common).Select(Uri.EscapeDataString));
        return string.Join("/", parts);
    }

    /// <summary>The page for <paramref name="items"/>; reusable by any report that has its own items.</summary>
    public static string Render(IEnumerable<ContactSheetHtmlItem> items, ContactSheetHtmlOptions? options = null)
    {
        var list = items?.ToList() ?? throw new ArgumentNullException(nameof(items));
        options ??= new ContactSheetHtmlOptions();
        Validate(options);
        var known = list.Where(i => i.Provenance?.Cost != null).Select(i => i.Provenance!.Cost!.Value).ToList();
        var background = IsSafeCssColor(options.Background) ? options.Background : "white";

        var html = new StringBuilder();
        html.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
        html.Append("<meta name=\"generator\" content=\"").Append(Escape(ImageProvenance.DefaultGenerator)).Append("\">\n");
        html.Append("<title>").Append(Escape(options.Title)).Append("</title>\n<style>\n");
        html.Append("body{font-family:system-ui,sans-serif;margin:1.5em;background:").Append(background).Append(";color:#222}\n");
        html.Append(".sheet{display:grid;gap:12px;grid-template-columns:repeat(").Append(options.Columns.ToString(CultureInfo.InvariantCulture))
            .Append(",minmax(0,").Append(options.TileSize.ToString(CultureInfo.InvariantCulture)).Append("px))}\n");
        html.Append("figure{margin:0;border:1px solid #ddd;border-radius:6px;padding:6px;background:#fff;overflow-wrap:anywhere}\n");
        html.Append(".thumb{display:flex;align-items:center;justify-content:center;aspect-ratio:1/1;background:#f4f4f4}\n");
        html.Append(".thumb img{max-width:100%;max-height:100%}\n");
        html.Append("figcaption{font-size:12px;line-height:1.35;margin-top:6px}\n.name{font-weight:600}\n.prompt{margin:4px 0}\n.meta{color:#666}\n");
        html.Append("</style>\n</head>\n<body>\n");
        html.Append("<h1>").Append(Escape(options.Title)).Append("</h1>\n");
        html.Append("<p class=\"summary\">").Append(list.Count.ToString(CultureInfo.InvariantCulture)).Append(list.Count == 1 ? " image" : " images");
        if (known.Count > 0)
            html.Append(", total cost ").Append(Escape(FormatCost(known.Sum())))
                .Append(known.Count < list.Count ? $" ({known.Count} of {list.Count} with a known cost)" : "");
        html.Append("</p>\n<div class=\"sheet\">\n");

        foreach (var item in list)
        {
            var p = item.Provenance;
            html.Append("<figure>\n<div class=\"thumb\">");
            var src = item.ThumbnailDataUri ?? item.Href;
            var img = src == null ? "" : $"<img src=\"{Escape(src)}\" alt=\"{Escape(p?.Prompt ?? item.Name)}\" loading=\"lazy\">";
            html.Append(item.Href != null ? $"<a href=\"{Escape(item.Href)}\">{img}</a>" : img);
            html.Append("</div>\n<figcaption>\n<div class=\"name\">").Append(Escape(item.Name)).Append("</div>\n");
            if (!string.IsNullOrEmpty(p?.Prompt)) html.Append("<div class=\"prompt\">").Append(Escape(p!.Prompt!)).Append("</div>\n");
            var meta = new List<string>();
            if (!string.IsNullOrEmpty(p?.Model)) meta.Add(p!.Model!);
            if (p?.Cost != null) meta.Add(FormatCost(p.Cost.Value));
            if (item.Width > 0 && item.Height > 0) meta.Add($"{item.Width}\u00d7{item.Height}");
            if (!string.IsNullOrEmpty(item.Format)) meta.Add(item.Format!);
            if (item.SizeBytes > 0) meta.Add(FormatSize(item.SizeBytes));
            if (p?.CreatedUtc != null) meta.Add(p.CreatedUtc.Value.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture));
            if (!string.IsNullOrEmpty(p?.Tag)) meta.Add(p!.Tag!);
            if (p == null) meta.Add("no GeminiImage metadata");
            html.Append("<div class=\"meta\">").Append(Escape(string.Join(" \u00b7 ", meta))).Append("</div>\n");
            if (p != null && p.SourceImages.Count > 0)
                html.Append("<div class=\"meta\">from ").Append(Escape(string.Join(", ", p.SourceImages))).Append("</div>\n");
            html.Append("</figcaption>\n</figure>\n");
        }
        html.Append("</div>\n</body>\n</html>\n");
        return html.ToString();
    }

    /// <summary>Text safe in HTML content and in double- or single-quoted attributes.</summary>
    public static string Escape(string? text)
    {
        if (string.IsNullOrEmpty(text)) return "";
        var builder = new StringBuilder(text!.Length + 16);
        foreach (var c in text)
        {
            switch (c)
            {
                case '&': builder.Append("&amp;"); break;
                case '<': builder.Append("&lt;"); break;
                case '>': builder.Append("&gt;"); break;
                case '"': builder.Append("&quot;"); break;
                case '\'': builder.Append("&#39;"); break;
                default:
                    // Drop control characters other than tab/newline: they are not allowed in HTML text.
                    if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') continue;
                    builder.Append(c);
                    break;
            }
        }
        return builder.ToString();
    }

    /// <summary>USD as the module shows it elsewhere ("$0.039").</summary>
    private static string FormatCost(decimal cost) => "$" + cost.ToString("0.000", CultureInfo.InvariantCulture);

    private static string FormatSize(long bytes) =>
        bytes >= 1024 * 1024 ? (bytes / 1048576.0).ToString("0.0", CultureInfo.InvariantCulture) + " MB"
        : bytes >= 1024 ? (bytes / 1024.0).ToString("0", CultureInfo.InvariantCulture) + " KB"
        : bytes.ToString(CultureInfo.InvariantCulture) + " bytes";

    private static bool IsSafeCssColor(string? value) =>
        !string.IsNullOrEmpty(value) && value!.Length <= 32 && value.All(c => char.IsLetterOrDigit(c) || c == '#');

    private static void Validate(ContactSheetHtmlOptions options)
    {
        if (options.Columns <= 0) throw new ArgumentOutOfRangeException(nameof(options), options.Columns, "Columns must be positive.");
        if (options.TileSize <= 0) throw new ArgumentOutOfRangeException(nameof(options), options.TileSize, "Tile size must be positive.");
    }
}
