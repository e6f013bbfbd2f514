using GeminiImage.Engine.Api;
using Xunit;

namespace GeminiImage.Tests.Api;

/// <summary>
/// A batch keeps the answers' blocks going round (issue 17, memory at 10,000 rows): the shared pool keeps a few dozen,
/// a batch has hundreds in flight. Alone (not beside other tests), since the kept blocks are process-wide.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
[Collection(Name)]
public class ImageBlockHoldTests
{
    private const string Name = "Image blocks, process-wide";

    [Fact]
    public void While_held_returned_blocks_are_rented_again_and_when_released_they_are_dropped()
    {
        // More blocks than the shared pool would keep of one size.
        var mine = Enumerable.Range(0, 300).Select(_ => new byte[ImageBytes.BlockSize]).ToList();
        var hold = ImageBytes.HoldBlocks();
        foreach (var block in mine) ImageBytes.ReturnBlock(block);
        Assert.Equal(300, ImageBytes.KeptBlocks);
        var again = Enumerable.Range(0, 300).Select(_ => ImageBytes.RentBlock()).ToList();
        Assert.Equal(mine.ToHashSet(ReferenceEqualityComparer.Instance), again.ToHashSet(ReferenceEqualityComparer.Instance));
        foreach (var block in again) ImageBytes.ReturnBlock(block);
        // A second holder (a second run) keeps them too; the last one out drops them.
        var second = ImageBytes.HoldBlocks();
        hold.Dispose();
        hold.Dispose();
        Assert.Equal(300, ImageBytes.KeptBlocks);
        second.Dispose();
        Assert.Equal(0, ImageBytes.KeptBlocks);
        ImageBytes.ReturnBlock(ImageBytes.RentBlock());
        Assert.Equal(0, ImageBytes.KeptBlocks);
    }

    [Fact]
    public void An_answer_decoded_while_held_gives_its_blocks_back_to_the_hold()
    {
        using var hold = ImageBytes.HoldBlocks();
        var image = ImageBytes.Pooled();
        image.Append(new byte[ImageBytes.BlockSize * 3 + 5]);
        image.Dispose();
        Assert.Equal(4, ImageBytes.KeptBlocks);
    }
}
