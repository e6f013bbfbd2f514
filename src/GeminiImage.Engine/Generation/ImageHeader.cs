using GeminiImage.Engine.Catalog;

namespace GeminiImage.Engine.Generation;

/// <summary>Reads an image's pixel size from its header (PNG, JPEG, WebP, GIF) without decoding it.</summary>
public static class ImageHeader
{
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
