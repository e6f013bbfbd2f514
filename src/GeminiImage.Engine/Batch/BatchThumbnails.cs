using GeminiImage.Engine.Generation;
using GeminiImage.Engine.IO;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.Processing;

namespace GeminiImage.Engine.Batch;

/// <summary>Small JPEG previews for the report gallery, next to it in <c>thumbnails/</c>.</summary>
public static class BatchThumbnails
{
    public const string FolderName = "thumbnails";
    public const int Size = 256;

    /// <summary>Makes the thumbnail of <paramref name="imagePath"/>; returns its path relative to <paramref name="outputDirectory"/>, or null when the image cannot be read.</summary>
    public static string? TryCreate(string imagePath, string outputDirectory, string id)
    {
        try
        {
            var folder = SafePaths.CreateFolder(outputDirectory, FolderName);
            var name = FileNames.FromId(id) + ".jpg";
            // PNG answers (most models) are previewed while they are read, a row at a time: a full decode costs more
            // CPU than everything else a row does, and a 4K one 64 MB of pixels.
            Image? preview;
            using (var file = new FileStream(imagePath, FileMode.Open, FileAccess.Read, FileShare.Read, 65536))
                preview = Imaging.PngThumbnail.TryCreate(file, Size, Imaging.ImageLimits.Default);
            // Anything else goes through the same bomb limits as any input (header, frames) before it is decoded.
            // A box filter: a quarter-size preview needs no more, and it runs while other rows wait on the network.
            if (preview == null)
            {
                preview = Imaging.ImageFiles.LoadUpright(imagePath, Imaging.ImageLimits.Default, out _);
                preview.Mutate(x => x.Resize(new ResizeOptions { Size = new Size(Size, Size), Mode = ResizeMode.Max, Sampler = KnownResamplers.Box }));
            }
            using (preview)
                OutputWriter.WriteAtomic(Path.Combine(folder, name), stream => preview.Save(stream, new JpegEncoder { Quality = 75 }), force: true, durable: false);
            return FolderName + "/" + name;
        }
        catch (Exception ex) when (ex is ImageFileException || ex is UnsafePathException || ex is IOException || ex is UnauthorizedAccessException || ex is UnknownImageFormatException || ex is ImageFormatException || ex is NotSupportedException || ex is InvalidDataException)
        {
            return null;
        }
    }
}
