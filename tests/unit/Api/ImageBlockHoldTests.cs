using GeminiImage.Emulator;
using GeminiImage.Engine.Api;
using GeminiImage.Engine.Batch;
using GeminiImage.Engine.Generation;
using GeminiImage.Engine.Ledger;
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

    [Fact]
    public async Task A_saved_answer_gives_its_blocks_back_for_the_next_calls_of_a_command()
    {
        var dir = Path.Combine(Path.GetTempPath(), "blocks-" + Guid.NewGuid().ToString("N"));
        var emulator = GeminiEmulator.Start();
        try
        {
            var service = new GenerationService(new GeminiClient(new GeminiClientOptions { BaseUri = emulator.BaseUri, ApiKey = emulator.ApiKey, MaxRetries = 0 }),
                new UsageContext { Operation = UsageOperation.Generate }, GenerationStores.InDataFolder(Path.Combine(dir, "home")));
            var item = BatchPlan.Validate(new[] { new BatchRow { RowNumber = 1, Id = "one", Prompt = "a lighthouse" } }, new BatchDefaults(), ".", dir).Items[0];
            using var hold = GenerationService.HoldImageBlocks();
            var outcome = await service.RunAsync(item.CreateRequest(null), item.CreatePlan(dir), null, CancellationToken.None);
            var kept = ImageBytes.KeptBlocks;
            outcome.ReleaseImages();
            // The image's blocks (an answer of more than one block) are kept for the next answer; the saved file is whole.
            Assert.True(ImageBytes.KeptBlocks >= kept + 2, $"{kept} -> {ImageBytes.KeptBlocks}");
            Assert.Equal(outcome.Images[0].Width, ImageHeader.ReadSize(File.ReadAllBytes(outcome.Images[0].Path)).Width);
        }
        finally
        {
            emulator.Stop();
            if (Directory.Exists(dir)) Directory.Delete(dir, true);
        }
    }
}
