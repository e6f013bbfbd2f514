using GeminiImage.Engine.Api;
using Xunit;

namespace GeminiImage.Tests.Api;

/// <summary>An answer's image in pooled blocks (issue 17): read back exactly, in pieces or whole, until released.</summary>
public class ImageBytesTests
{
    private static byte[] Bytes(int n) => Enumerable.Range(0, n).Select(i => (byte)(i * 7 + 3)).ToArray();

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(ImageBytes.BlockSize)]
    [InlineData(ImageBytes.BlockSize * 2 + 17)]
    public void Pooled_bytes_read_back_as_appended_across_block_boundaries(int size)
    {
        var data = Bytes(size);
        using var pooled = ImageBytes.Pooled();
        // Appended in uneven pieces, so pieces straddle the blocks.
        for (var at = 0; at < size; at += 1000) pooled.Append(new ReadOnlySpan<byte>(data, at, Math.Min(1000, size - at)));
        Assert.Equal(size, pooled.Length);
        var stream = new MemoryStream();
        pooled.WriteTo(stream);
        Assert.Equal(data, stream.ToArray());
        if (size > 10)
        {
            var middle = new byte[size / 2];
            pooled.CopyTo(5, middle);
            Assert.Equal(data.Skip(5).Take(size / 2), middle);
        }
        var array = pooled.ToArray();
        Assert.Equal(data, array);
        Assert.Same(array, pooled.ToArray());
    }

    [Fact]
    public void A_wrapped_array_is_not_copied_and_stays_readable_after_dispose()
    {
        var data = Bytes(100);
        var wrapped = ImageBytes.Wrap(data);
        wrapped.Dispose();
        Assert.Same(data, wrapped.ToArray());
        var stream = new MemoryStream();
        wrapped.WriteTo(stream, 10, 20);
        Assert.Equal(data.Skip(10).Take(20), stream.ToArray());
    }

    [Fact]
    public void Reading_past_the_end_or_after_release_fails()
    {
        var pooled = ImageBytes.Pooled();
        pooled.Append(Bytes(10));
        Assert.Throws<ArgumentOutOfRangeException>(() => pooled.CopyTo(5, new byte[6]));
        pooled.Dispose();
        Assert.Throws<ObjectDisposedException>(() => pooled.ToArray());
        Assert.Throws<ObjectDisposedException>(() => pooled.WriteTo(new MemoryStream()));
    }
}
