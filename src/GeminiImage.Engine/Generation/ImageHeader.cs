using GeminiImage.Engine.Catalog;

namespace GeminiImage.Engine.Generation;

/// <summary>Reads an image's pixel size from its header (PNG, JPEG, WebP, GIF) without decoding it.</summary>
public static class ImageHeader
{
    /// <summary>
    /// As <see cref="ReadSize(byte[])"/> for an answer's image in pooled blocks: a PNG's size is read from its IHDR
    /// chunk, where every decoder reads it; anything else is made one array for ImageSharp.
    /// </summary>
    internal static PixelSize ReadSize(Api.ImageBytes data)
    {
        Span<byte> head = stackalloc byte[24];
        if (data.Length >= head.Length)
        {
            data.CopyTo(0, head);
            if (Imaging.PngChunks.IsPng(head) && head[12] == (byte)'I' && head[13] == (byte)'H' && head[14] == (byte)'D' && head[15] == (byte)'R'
                && Imaging.PngChunks.ReadInt32BigEndian(head, 16) is > 0 and var width && Imaging.PngChunks.ReadInt32BigEndian(head, 20) is > 0 and var height)
                return new PixelSize(width, height);
        }
        return ReadSize(data.ToArray());
    }

    public static PixelSize ReadSize(byte[] data)
    {
        try
        {
            var info = SixLabors.ImageSharp.Image.Identify(data);
            return info == null ? default : new PixelSize(info.Width, info.Height);
        }
        catch (SixLabors.ImageSharp.ImageFormatException)
        {
            return default;
        }
    }
}
