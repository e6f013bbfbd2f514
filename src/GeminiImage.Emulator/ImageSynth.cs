using System.Collections.Concurrent;
using System.Security.Cryptography;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;

namespace GeminiImage.Emulator;

/// <summary>
/// Draws deterministic stand-in images: a gradient and stripes derived from the prompt's hash, with each
/// input image blended in, so tests can tell prompts and edits apart by their pixels. Seeded noise in the low
/// bits makes them as incompressible as real answers: about 1.1 MB for a 1K PNG (Google's recorded 1K PNGs are
/// 1.0–1.1 MB), several MB at 2K and 4K, so clients are measured against real-size payloads.
/// </summary>
internal static class ImageSynth
{
    private const int ThumbSize = 16;
    private const int CacheLimit = 32;
    /// <summary>Cached bytes at most (a handful of 4K images), so a long run of distinct prompts cannot grow the emulator.</summary>
    private const long CacheBytesLimit = 96L * 1024 * 1024;
    private static readonly ConcurrentDictionary<string, Lazy<byte[]>> s_cache = new();
    private static readonly ConcurrentDictionary<Lazy<byte[]>, byte> s_counted = new();
    private static long s_cacheBytes;
    private static readonly JpegEncoder s_jpeg = new() { Quality = 85 };

    public static byte[] Render(int width, int height, string mimeType, string prompt, IReadOnlyList<byte[]> inputs, IReadOnlyList<string> inputHashes)
    {
        var key = $"{width}x{height}|{mimeType}|{string.Join(",", inputHashes)}|{prompt}";
        // Lazy: concurrent requests for the same image draw it once and wait for it.
        var entry = s_cache.GetOrAdd(key, _ => new Lazy<byte[]>(() => Draw(width, height, mimeType, prompt, inputs)));
        byte[] bytes;
        try { bytes = entry.Value; }
        catch
        {
            s_cache.TryRemove(key, out _);
            throw;
        }
        // Repeated prompts are the common case in tests and benchmarks; a small bounded cache is enough.
        if (System.Threading.Interlocked.Add(ref s_cacheBytes, s_counted.TryAdd(entry, 0) ? bytes.Length : 0) > CacheBytesLimit || s_cache.Count > CacheLimit)
        {
            s_cache.Clear();
            s_counted.Clear();
            System.Threading.Interlocked.Exchange(ref s_cacheBytes, 0);
        }
        return bytes;
    }

    private static byte[] Draw(int width, int height, string mimeType, string prompt, IReadOnlyList<byte[]> inputs)
    {
        byte[] seed;
        using (var sha = SHA256.Create()) seed = sha.ComputeHash(Encoding.UTF8.GetBytes(prompt));
        var from = new Rgb24(seed[0], seed[1], seed[2]);
        var to = new Rgb24(seed[3], seed[4], seed[5]);
        var period = 12 + seed[6] % 52;
        var slope = 1 + seed[7] % 3;

        Rgb24[]? thumb = null;
        var tint = default(Rgb24);
        var tints = 0;
        for (var i = 0; i < inputs.Count; i++)
        {
            var small = Shrink(inputs[i]);
            if (i == 0) thumb = small;
            var avg = Average(small);
            tint = tints == 0 ? avg : Mix(tint, avg, 128);
            tints++;
        }

        using var image = new Image<Rgb24>(width, height);
        image.ProcessPixelRows(rows =>
        {
            for (var y = 0; y < height; y++)
            {
                var row = rows.GetRowSpan(y);
                var ty = y * 255 / Math.Max(1, height - 1);
                var thumbRow = y * ThumbSize / height * ThumbSize;
                for (var x = 0; x < width; x++)
                {
                    var t = (x * 255 / Math.Max(1, width - 1) + ty) >> 1;
                    var p = Mix(from, to, t);
                    if ((x + y * slope) / period % 2 == 0) p = new Rgb24(Bright(p.R), Bright(p.G), Bright(p.B));
                    if (thumb != null) p = Mix(p, thumb[thumbRow + x * ThumbSize / width], 140);
                    if (tints > 1) p = Mix(p, tint, 64);
                    row[x] = p;
                }
            }
        });

        var jpeg = mimeType == "image/jpeg";
        AddNoise(image, seed, NoisePeriod(width * (long)height, jpeg));
        if (!jpeg) return PngWriter.Encode(image);
        using var stream = new MemoryStream();
        image.SaveAsJpeg(stream, s_jpeg);
        return stream.ToArray();
    }

    /// <summary>
    /// Every how many rows one is pure noise. Real answers carry fewer bytes per pixel as the size grows (smooth areas
    /// get larger), so larger images get fewer noise rows: PNG about 1.0 bytes/pixel at 1K, 0.8 at 2K and 0.5 at 4K.
    /// Whole noise rows between clean ones (rather than noise in every pixel) keep the encoding fast, so every test
    /// can afford real-size answers, and leave the other rows' colours exact for tests that compare pixels.
    /// </summary>
    private static int NoisePeriod(long pixels, bool jpeg) => (pixels, jpeg) switch
    {
        ( <= 1_500_000, false) => 4,
        ( <= 6_000_000, false) => 6,
        (_, false) => 9,
        ( <= 1_500_000, true) => 4,
        ( <= 6_000_000, true) => 5,
        _ => 9,
    };

    /// <summary>Overwrites every <paramref name="period"/>-th row (the last of each group) with noise seeded from the prompt's hash (deterministic).</summary>
    private static void AddNoise(Image<Rgb24> image, byte[] seed, int period)
    {
        var state = BitConverter.ToUInt64(seed, 8) | 1;
        image.ProcessPixelRows(rows =>
        {
            for (var y = period - 1; y < rows.Height; y += period)
            {
                var bytes = System.Runtime.InteropServices.MemoryMarshal.AsBytes(rows.GetRowSpan(y));
                var x = 0;
                while (x < bytes.Length)
                {
                    // xorshift64: fast, and good enough that deflate finds nothing to squeeze.
                    state ^= state << 13;
                    state ^= state >> 7;
                    state ^= state << 17;
                    var r = state;
                    for (var k = 0; k < 8 && x < bytes.Length; k++, x++, r >>= 8) bytes[x] = (byte)r;
                }
            }
        });
    }

    /// <summary>Pixel size of an input image, or null when it cannot be decoded.</summary>
    public static (int Width, int Height)? Identify(byte[] data)
    {
        try
        {
            var info = Image.Identify(data);
            return info == null ? null : (info.Width, info.Height);
        }
        catch (Exception e) when (e is ImageFormatException || e is NotSupportedException || e is InvalidDataException)
        {
            return null;
        }
    }

    /// <summary>A 16x16 copy of the image; undecodable bytes become a flat colour from their hash.</summary>
    private static Rgb24[] Shrink(byte[] data)
    {
        var result = new Rgb24[ThumbSize * ThumbSize];
        try
        {
            using var image = Image.Load<Rgb24>(data);
            image.Mutate(c => c.Resize(ThumbSize, ThumbSize, KnownResamplers.Box));
            image.CopyPixelDataTo(result);
        }
        catch (Exception e) when (e is UnknownImageFormatException || e is ImageFormatException || e is NotSupportedException || e is InvalidDataException)
        {
            byte[] h;
            using (var sha = SHA256.Create()) h = sha.ComputeHash(data);
            for (var i = 0; i < result.Length; i++) result[i] = new Rgb24(h[0], h[1], h[2]);
        }
        return result;
    }

    private static Rgb24 Average(Rgb24[] pixels)
    {
        int r = 0, g = 0, b = 0;
        foreach (var p in pixels) { r += p.R; g += p.G; b += p.B; }
        var n = pixels.Length;
        return new Rgb24((byte)(r / n), (byte)(g / n), (byte)(b / n));
    }

    private static byte Bright(byte v) => (byte)(v + ((255 - v) >> 3));

    /// <summary>Linear mix; weight 0 keeps a, 255 gives b.</summary>
    private static Rgb24 Mix(Rgb24 a, Rgb24 b, int weight) => new(
        (byte)((a.R * (255 - weight) + b.R * weight) / 255),
        (byte)((a.G * (255 - weight) + b.G * weight) / 255),
        (byte)((a.B * (255 - weight) + b.B * weight) / 255));
}
