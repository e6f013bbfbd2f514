using System.Buffers;
using System.IO.Compression;

namespace GeminiImage.Engine.Imaging;

/// <summary>
/// Checks that a PNG sent byte for byte is whole without decoding its pixels: every critical chunk passes its CRC, and
/// the compressed image data inflates to exactly the rows its header declares, each with a valid filter type. That is
/// what a full decode would find wrong with a damaged file, at a fraction of the CPU time and with no image-sized
/// allocation (an edit of a 1K photo no longer decodes it only to throw the pixels away).
/// </summary>
internal static class PngIntegrity
{
    /// <summary>
    /// True when the file was checked; false when it is interlaced or of a kind this check does not cover (the caller
    /// then decodes it). Throws <see cref="InvalidDataException"/> for a damaged file.
    /// </summary>
    public static bool TryCheck(byte[] data)
    {
        var chunks = PngChunks.Read(data);
        if (chunks.Count == 0 || chunks[0].Type != "IHDR" || chunks[0].Length != 13)
            throw new InvalidDataException("The PNG does not start with its IHDR chunk.");
        var header = chunks[0].DataOffset;
        var width = PngChunks.ReadInt32BigEndian(data, header);
        var height = PngChunks.ReadInt32BigEndian(data, header + 4);
        var bitDepth = data[header + 8];
        var channels = data[header + 9] switch { 0 => 1, 2 => 3, 3 => 1, 4 => 2, 6 => 4, _ => 0 };
        var interlaced = data[header + 12] != 0;
        if (width <= 0 || height <= 0 || channels == 0 || bitDepth is not (1 or 2 or 4 or 8 or 16) || interlaced) return false;
        var rowBytes = 1 + ((long)width * channels * bitDepth + 7) / 8;
        var expected = rowBytes * height;

        using var idat = new IdatStream(data, chunks);
        if (idat.Length < 2) throw new InvalidDataException("The PNG has no image data.");
        // The zlib header (2 bytes) is skipped; DeflateStream reads raw deflate.
        idat.Position = 2;
        using var inflate = new DeflateStream(idat, CompressionMode.Decompress);
        var buffer = ArrayPool<byte>.Shared.Rent(65536);
        try
        {
            long total = 0;
            int read;
            while ((read = inflate.Read(buffer, 0, buffer.Length)) > 0)
            {
                // Each row starts with its filter type, 0 to 4.
                var first = total % rowBytes == 0 ? 0 : rowBytes - total % rowBytes;
                for (var i = first; i < read; i += rowBytes)
                {
                    if (total + i >= expected) break;
                    if (buffer[i] > 4) throw new InvalidDataException($"The PNG's row {(total + i) / rowBytes} has an unknown filter type.");
                }
                total += read;
                if (total > expected) throw new InvalidDataException("The PNG's image data is longer than its header declares.");
            }
            if (total < expected) throw new InvalidDataException($"The PNG's image data ends after {total / rowBytes} of its {height} rows.");
            return true;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>The IDAT chunks' data, read as one stream without copying it.</summary>
    private sealed class IdatStream : Stream
    {
        private readonly byte[] _data;
        private readonly List<(int Offset, int Length)> _parts = new();
        private int _part;
        private int _inPart;

        public IdatStream(byte[] data, List<PngChunk> chunks)
        {
            _data = data;
            foreach (var chunk in chunks)
                if (chunk.Type == "IDAT" && chunk.Length > 0) _parts.Add((chunk.DataOffset, chunk.Length));
            Length = _parts.Sum(p => (long)p.Length);
        }

        public override long Length { get; }

        public override long Position
        {
            get => _parts.Take(_part).Sum(p => (long)p.Length) + _inPart;
            set
            {
                _part = 0;
                _inPart = 0;
                var left = value;
                while (_part < _parts.Count && left >= _parts[_part].Length) { left -= _parts[_part].Length; _part++; }
                _inPart = (int)left;
            }
        }

        public override int Read(byte[] buffer, int offset, int count)
        {
            while (_part < _parts.Count && _inPart == _parts[_part].Length) { _part++; _inPart = 0; }
            if (_part == _parts.Count) return 0;
            var n = Math.Min(count, _parts[_part].Length - _inPart);
            Buffer.BlockCopy(_data, _parts[_part].Offset + _inPart, buffer, offset, n);
            _inPart += n;
            return n;
        }

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
