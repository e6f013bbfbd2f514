using System.Buffers;

namespace GeminiImage.Engine.Api;

/// <summary>
/// The bytes of one image: either an array given whole, or blocks of <see cref="BlockSize"/> bytes rented from the
/// shared pool as an answer is decoded (<see cref="InlineDataReader"/>). Blocks keep a 1 MB answer out of the large
/// object heap, where one exact-size array per image waited for a full collection and raised a batch's peak memory;
/// they go back to the pool when the image is saved (<see cref="Dispose"/>). <see cref="ToArray"/> makes one array of
/// exactly the image's size only for a caller that needs one (chat history, JPEG metadata), and returns the blocks then.
/// </summary>
internal sealed class ImageBytes : IDisposable
{
    public const int BlockSize = 65536;

    // Blocks kept for reuse while a batch runs (HoldBlocks). The shared pool keeps a few dozen arrays of a size, and a
    // batch has hundreds in flight (16 answers of about 20 blocks): most returned blocks were dropped and new ones made,
    // each living long enough to reach the oldest generation before it died, so the heap grew with the number of rows.
    private static readonly Stack<byte[]> s_kept = new();
    private static int s_holders;

    private readonly object _gate = new();
    private readonly List<byte[]> _blocks = new();
    private readonly int _blockSize;
    private byte[]? _array;
    private bool _released;

    private ImageBytes(int blockSize) => _blockSize = blockSize;

    /// <summary>An empty image that grows by <see cref="Append"/>, in pooled blocks.</summary>
    public static ImageBytes Pooled() => new(BlockSize);

    /// <summary>The bytes of <paramref name="data"/>, not copied.</summary>
    public static ImageBytes Wrap(byte[] data) => new(Math.Max(1, data.Length)) { _array = data, Length = data.Length };

    public long Length { get; private set; }

    /// <summary>Adds bytes at the end.</summary>
    public void Append(ReadOnlySpan<byte> data)
    {
        while (data.Length > 0)
        {
            var inBlock = (int)(Length % _blockSize);
            if (inBlock == 0) _blocks.Add(RentBlock());
            var n = Math.Min(data.Length, _blockSize - inBlock);
            data.Slice(0, n).CopyTo(new Span<byte>(_blocks[_blocks.Count - 1], inBlock, n));
            data = data.Slice(n);
            Length += n;
        }
    }

    /// <summary>The bytes as pieces in order, from <paramref name="offset"/> for <paramref name="count"/> bytes.</summary>
    /// <exception cref="ObjectDisposedException">The blocks went back to the pool.</exception>
    public IEnumerable<ArraySegment<byte>> Segments(long offset, long count)
    {
        if (offset < 0 || count < 0 || offset + count > Length) throw new ArgumentOutOfRangeException(nameof(offset));
        var array = _array;
        if (array != null)
        {
            yield return new ArraySegment<byte>(array, (int)offset, (int)count);
            yield break;
        }
        while (count > 0)
        {
            if (_released) throw new ObjectDisposedException(nameof(ImageBytes), "The image's bytes were released after it was saved.");
            var inBlock = (int)(offset % _blockSize);
            var n = (int)Math.Min(count, _blockSize - inBlock);
            yield return new ArraySegment<byte>(_blocks[(int)(offset / _blockSize)], inBlock, n);
            offset += n;
            count -= n;
        }
    }

    /// <summary>Copies <paramref name="destination"/>.Length bytes from <paramref name="offset"/>.</summary>
    public void CopyTo(long offset, Span<byte> destination)
    {
        foreach (var segment in Segments(offset, destination.Length))
        {
            segment.AsSpan().CopyTo(destination);
            destination = destination.Slice(segment.Count);
        }
    }

    /// <summary>Writes <paramref name="count"/> bytes from <paramref name="offset"/> to <paramref name="stream"/>.</summary>
    public void WriteTo(Stream stream, long offset, long count)
    {
        foreach (var segment in Segments(offset, count)) stream.Write(segment.Array!, segment.Offset, segment.Count);
    }

    /// <summary>Writes every byte to <paramref name="stream"/>.</summary>
    public void WriteTo(Stream stream) => WriteTo(stream, 0, Length);

    /// <summary>One array of exactly <see cref="Length"/> bytes (the same one on every call); the blocks go back to the pool.</summary>
    /// <exception cref="ObjectDisposedException">The blocks went back to the pool before an array was made.</exception>
    public byte[] ToArray()
    {
        lock (_gate)
        {
            if (_array != null) return _array;
            if (_released) throw new ObjectDisposedException(nameof(ImageBytes), "The image's bytes were released after it was saved.");
            var array = new byte[Length];
            CopyTo(0, array);
            ReturnBlocks();
            return _array = array;
        }
    }

    /// <summary>Returns the blocks to the pool: nothing may read the bytes after this unless <see cref="ToArray"/> made an array first.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            _released = true;
            ReturnBlocks();
        }
    }

    private void ReturnBlocks()
    {
        foreach (var block in _blocks) ReturnBlock(block);
        _blocks.Clear();
    }

    /// <summary>A block of <see cref="BlockSize"/> bytes: a kept one, else one from the shared pool.</summary>
    public static byte[] RentBlock()
    {
        lock (s_kept)
            if (s_kept.Count > 0) return s_kept.Pop();
        return ArrayPool<byte>.Shared.Rent(BlockSize);
    }

    /// <summary>Gives back a block from <see cref="RentBlock"/>: kept while a batch holds them, else to the shared pool.</summary>
    public static void ReturnBlock(byte[] block)
    {
        lock (s_kept)
        {
            if (s_holders > 0)
            {
                s_kept.Push(block);
                return;
            }
        }
        ArrayPool<byte>.Shared.Return(block);
    }

    /// <summary>
    /// Keeps every returned block for the next answers until disposed (a batch run holds them): the blocks kept are at
    /// most what was in flight at once. When the last holder lets go, the kept blocks are dropped.
    /// </summary>
    public static IDisposable HoldBlocks()
    {
        lock (s_kept) s_holders++;
        return new BlockHold();
    }

    /// <summary>How many returned blocks are kept now (0 when no batch holds them).</summary>
    internal static int KeptBlocks
    {
        get { lock (s_kept) return s_kept.Count; }
    }

    private sealed class BlockHold : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) != 0) return;
            lock (s_kept)
                if (--s_holders == 0) s_kept.Clear();
        }
    }
}
