using GeminiImage.Engine.Imaging;
using Xunit;

namespace GeminiImage.Tests.Imaging;

public sealed class ImageFramesTests
{
    /// <summary>A tiny GIF whose canvas is side x side and holds <paramref name="frames"/> one-pixel frames.</summary>
    internal static byte[] GifBomb(int frames, int side)
    {
        var bytes = new List<byte>();
        bytes.AddRange("GIF89a"u8.ToArray());
        bytes.AddRange(new byte[] { (byte)(side & 0xFF), (byte)(side >> 8), (byte)(side & 0xFF), (byte)(side >> 8), 0x80, 0, 0, 0, 0, 0, 255, 255, 255 });
        for (var i = 0; i < frames; i++) bytes.AddRange(new byte[] { 0x2C, 0, 0, 0, 0, 1, 0, 1, 0, 0, 2, 2, 0x44, 0x01, 0 });
        bytes.Add(0x3B);
        return bytes.ToArray();
    }

    [Fact]
    public void A_many_frame_gif_is_counted_from_its_structure_and_decoded_to_one_frame()
    {
        var path = Path.Combine(Path.GetTempPath(), "bomb-" + Guid.NewGuid().ToString("N") + ".gif");
        File.WriteAllBytes(path, GifBomb(60, 4000));
        try
        {
            var data = File.ReadAllBytes(path);
            Assert.Equal(60, ImageFrames.Count(data));
            // 60 decoded canvases would be 3.8 GB; only the first is decoded.
            using (var image = ImageFiles.Decode(data, SixLabors.ImageSharp.Formats.Gif.GifFormat.Instance, path))
                Assert.Single(image.Frames);
            var prepared = new InputImageLoader().Prepare(path);
            Assert.Equal("image/png", prepared.MimeType);
            Assert.Contains(prepared.Warnings, w => w.Contains("60 frames"));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Plain_images_count_one_frame()
    {
        Assert.Equal(1, ImageFrames.Count(File.ReadAllBytes(TestImages.Get("good.png"))));
        Assert.Equal(1, ImageFrames.Count(File.ReadAllBytes(TestImages.Get("good.webp"))));
        Assert.True(ImageFrames.Count(File.ReadAllBytes(TestImages.Get("anim.gif"))) > 1);
    }
}
