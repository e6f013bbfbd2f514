using System.IO.Compression;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace GeminiImage.Engine.Imaging;

/// <summary>
/// A small preview of an 8-bit, non-interlaced PNG made while reading it: the pixel data is inflated and unfiltered
/// one row at a time and box-averaged straight into the preview, so no full-size image is ever held (a 4K answer
/// would need 64 MB as ImageSharp pixels) and most of a full decode's CPU is saved. Other PNGs return null, for
/// the general decoder.
/// </summary>
internal static class PngThumbnail
{
    /// <summary>The preview, at most <paramref name="maxSide"/> on each side; null when the file is not a PNG this reader handles.</summary>
    /// <exception cref="InvalidDataException">The PNG is damaged or too large for <paramref name="limits"/>.</exception>
    public static Image<Rgb24>? TryCreate(Stream png, int maxSide, ImageLimits limits)
    {
        var head = new byte[8];
        if (!ReadExactly(png, head, 8) || !PngChunks.IsPng(head)) return null;
        if (!ReadChunkHeader(png, out var length, out var type) || type != "IHDR" || length != 13) return null;
        var ihdr = new byte[13 + 4];
        if (!ReadExactly(png, ihdr, ihdr.Length)) throw new InvalidDataException("The PNG ends inside its header.");
        var width = ReadInt32(ihdr, 0);
        var height = ReadInt32(ihdr, 4);
        int bitDepth = ihdr[8], colorType = ihdr[9], interlace = ihdr[12];
        var channels = colorType switch { 0 => 1, 2 => 3, 4 => 2, 6 => 4, _ => 0 };
        if (bitDepth != 8 || channels == 0 || interlace != 0) return null;
        if (width <= 0 || height <= 0 || width > limits.MaxSide || height > limits.MaxSide || (long)width * height > limits.MaxPixels)
            throw new InvalidDataException($"The PNG is {width}x{height}, beyond the image limits.");

        var scale = Math.Min(1.0, Math.Min((double)maxSide / width, (double)maxSide / height));
        var outWidth = Math.Max(1, (int)Math.Round(width * scale));
        var outHeight = Math.Max(1, (int)Math.Round(height * scale));
        var stride = width * channels;
        var row = new byte[stride];
        var previous = new byte[stride];
        var filter = new byte[1];
        var sums = new long[outWidth * 3];
        var counts = new int[outWidth];
        var columnOf = new int[width];
        for (var x = 0; x < width; x++) columnOf[x] = (int)((long)x * outWidth / width);
        var image = new Image<Rgb24>(outWidth, outHeight);
        try
        {
            using var idat = new IdatStream(png);
            // zlib header: two bytes before the deflate data.
            if (!ReadExactly(idat, head, 2)) throw new InvalidDataException("The PNG has no pixel data.");
            using var inflate = new DeflateStream(idat, CompressionMode.Decompress);
            var outRow = 0;
            for (var y = 0; y < height; y++)
            {
                if (!ReadExactly(inflate, filter, 1) || !ReadExactly(inflate, row, stride))
                    throw new InvalidDataException("The PNG's pixel data ends early (truncated file).");
                Unfilter(filter[0], row, previous, channels);
                for (var x = 0; x < width; x++)
                {
                    var c = columnOf[x];
                    var p = x * channels;
                    if (channels >= 3)
                    {
                        sums[c * 3] += row[p];
                        sums[c * 3 + 1] += row[p + 1];
                        sums[c * 3 + 2] += row[p + 2];
                    }
                    else
                    {
                        sums[c * 3] += row[p];
                        sums[c * 3 + 1] += row[p];
                        sums[c * 3 + 2] += row[p];
                    }
                    counts[c]++;
                }
                var nextOutRow = (int)((long)(y + 1) * outHeight / height);
                if (nextOutRow != outRow || y == height - 1)
                {
                    Emit(image, outRow, sums, counts);
                    outRow = nextOutRow;
                }
                var swap = previous;
                previous = row;
                row = swap;
            }
            return image;
        }
        catch
        {
            image.Dispose();
            throw;
        }
    }

    private static void Emit(Image<Rgb24> image, int y, long[] sums, int[] counts)
    {
        if (y >= image.Height) return;
        for (var x = 0; x < counts.Length; x++)
        {
            var n = Math.Max(1, counts[x]);
            image[x, y] = new Rgb24((byte)(sums[x * 3] / n), (byte)(sums[x * 3 + 1] / n), (byte)(sums[x * 3 + 2] / n));
            sums[x * 3] = sums[x * 3 + 1] = sums[x * 3 + 2] = 0;
            counts[x] = 0;
        }
    }

    /// <summary>PNG filter types 0–4 (None, Sub, Up, Average, Paeth), in place.</summary>
    private static void Unfilter(byte type, byte[] row, byte[] previous, int bpp)
    {
        var n = row.Length;
        switch (type)
        {
            case 0: return;
            case 1:
                for (var i = bpp; i < n; i++) row[i] = (byte)(row[i] + row[i - bpp]);
                return;
            case 2:
                for (var i = 0; i < n; i++) row[i] = (byte)(row[i] + previous[i]);
                return;
            case 3:
                for (var i = 0; i < bpp; i++) row[i] = (byte)(row[i] + (previous[i] >> 1));
                for (var i = bpp; i < n; i++) row[i] = (byte)(row[i] + ((row[i - bpp] + previous[i]) >> 1));
                return;
            case 4:
                for (var i = 0; i < bpp; i++) row[i] = (byte)(row[i] + previous[i]);
                for (var i = bpp; i < n; i++)
                {
                    int a = row[i - bpp], b = previous[i], c = previous[i - bpp];
                    int p = a + b - c, pa = Math.Abs(p - a), pb = Math.Abs(p - b), pc = Math.Abs(p - c);
                    row[i] = (byte)(row[i] + (pa <= pb && pa <= pc ? a : pb <= pc ? b : c));
                }
                return;
            default:
                throw new InvalidDataException($"The PNG uses an unknown row filter ({type}).");
        }
    }

    private static bool ReadChunkHeader(Stream s, out int length, out string type)
    {
        var h = new byte[8];
        length = 0;
        type = "";
        if (!ReadExactly(s, h, 8)) return false;
        length = ReadInt32(h, 0);
        type = System.Text.Encoding.ASCII.GetString(h, 4, 4);
        return length >= 0;
    }

    private static int ReadInt32(byte[] b, int o) => (b[o] << 24) | (b[o + 1] << 16) | (b[o + 2] << 8) | b[o + 3];

    private static bool ReadExactly(Stream s, byte[] buffer, int count)
    {
        var read = 0;
        while (read < count)
        {
            var n = s.Read(buffer, read, count - read);
            if (n <= 0) return false;
            read += n;
        }
        return true;
    }

    /// <summary>The IDAT payloads of a PNG stream (positioned after IHDR) as one stream, skipping other chunks and CRCs.</summary>
    private sealed class IdatStream : Stream
    {
        private readonly Stream _png;
        private int _left;
        private bool _ended;
        private bool _seenData;

        public IdatStream(Stream png) => _png = png;

        public override int Read(byte[] buffer, int offset, int count)
        {
            while (_left == 0)
            {
                if (_ended) return 0;
                if (_seenData) Skip(4); // CRC of the previous IDAT
                if (!ReadChunkHeader(_png, out var length, out var type)) throw new InvalidDataException("The PNG ends before its pixel data does (truncated file).");
                if (type == "IDAT")
                {
                    _left = length;
                    _seenData = true;
                    continue;
                }
                if (_seenData || type == "IEND") { _ended = true; return 0; }
                Skip(length + 4);
            }
            var n = _png.Read(buffer, offset, Math.Min(count, _left));
            if (n <= 0) throw new InvalidDataException("The PNG ends inside its pixel data (truncated file).");
            _left -= n;
            return n;
        }

        private void Skip(int count)
        {
            if (_png.CanSeek) { _png.Seek(count, SeekOrigin.Current); return; }
            var scratch = new byte[Math.Min(count, 8192)];
            while (count > 0)
            {
                var n = _png.Read(scratch, 0, Math.Min(count, scratch.Length));
                if (n <= 0) throw new InvalidDataException("The PNG ends early (truncated file).");
                count -= n;
            }
        }

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
