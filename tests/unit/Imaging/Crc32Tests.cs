using GeminiImage.Engine.Imaging;
using Xunit;

namespace GeminiImage.Tests.Imaging;

/// <summary>The PNG chunk CRC: eight bytes at a time must give what the one-byte definition gives, for every length.</summary>
public class Crc32Tests
{
    private static uint Reference(ReadOnlySpan<byte> data, uint crc = 0)
    {
        crc = ~crc;
        foreach (var b in data)
        {
            crc ^= b;
            for (var k = 0; k < 8; k++) crc = (crc & 1) != 0 ? 0xEDB88320u ^ (crc >> 1) : crc >> 1;
        }
        return ~crc;
    }

    [Fact]
    public void Check_value_and_png_iend()
    {
        Assert.Equal(0xCBF43926u, Crc32.Compute("123456789"u8));
        Assert.Equal(0xAE426082u, Crc32.Compute("IEND"u8));
        Assert.Equal(0u, Crc32.Compute(ReadOnlySpan<byte>.Empty));
    }

    [Fact]
    public void Matches_the_bitwise_definition_for_every_length_and_offset_and_when_continued()
    {
        var data = new byte[4099];
        new Random(3).NextBytes(data);
        for (var length = 0; length <= 70; length++)
            for (var offset = 0; offset < 9; offset++)
                Assert.Equal(Reference(data.AsSpan(offset, length)), Crc32.Compute(data.AsSpan(offset, length)));
        Assert.Equal(Reference(data), Crc32.Compute(data));
        Assert.Equal(Reference(data), Crc32.Compute(data.AsSpan(1001), Crc32.Compute(data.AsSpan(0, 1001))));
    }
}
