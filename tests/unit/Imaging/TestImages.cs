using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace GeminiImage.Tests.Imaging;

/// <summary>Paths into the committed corpus (tests/unit/data/images) and throw-away temp files.</summary>
internal static class TestImages
{
    public static string Dir { get; } = Path.Combine(AppContext.BaseDirectory, "data", "images");

    public static string Get(string name) => Path.Combine(Dir, name);

    public static Image<Rgba32> Decode(byte[] data) => Image.Load<Rgba32>(data);

    /// <summary>A fresh temp folder removed when disposed.</summary>
    public sealed class TempDir : IDisposable
    {
        public TempDir()
        {
            Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "gi-imaging-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(Path);
        }

        public string Path { get; }

        public string Write(string name, byte[] data)
        {
            var file = System.IO.Path.Combine(Path, name);
            File.WriteAllBytes(file, data);
            return file;
        }

        public string Save(string name, Image image)
        {
            var file = System.IO.Path.Combine(Path, name);
            image.Save(file);
            return file;
        }

        public void Dispose() => Directory.Delete(Path, recursive: true);
    }

    /// <summary>Random pixels compress badly, so the encoded size is predictable and large.</summary>
    public static Image<Rgba32> Noise(int width, int height, bool transparent = false, int seed = 1)
    {
        var random = new Random(seed);
        var image = new Image<Rgba32>(width, height);
        var bytes = new byte[4];
        for (var y = 0; y < height; y++)
            for (var x = 0; x < width; x++)
            {
                random.NextBytes(bytes);
                image[x, y] = new Rgba32(bytes[0], bytes[1], bytes[2], transparent ? bytes[3] : (byte)255);
            }
        return image;
    }
}
