using GeminiImage.Engine.Batch;
using Xunit;

namespace GeminiImage.Tests.Batch;

public class BatchPlanTests
{
    private static readonly string Images = Path.Combine(TestData.Dir, "images");

    private static BatchPlan Validate(params BatchRow[] rows) =>
        BatchPlan.Validate(rows, new BatchDefaults { AspectRatio = "1:1" }, Images, Path.GetTempPath());

    [Theory]
    [InlineData("empty prompt", null, null, null, null, "GeminiImage.EmptyPrompt")]
    [InlineData("bad ratio", "a fox", "7:3", null, null, "GeminiImage.InvalidAspectRatio")]
    [InlineData("size on a fixed-size model", "a fox", null, "2K", null, "GeminiImage.InvalidImageSize")]
    [InlineData("unknown model", "a fox", null, null, "imagen-9", "GeminiImage.UnknownModel")]
    public void RefusesBadRows(string scenario, string? prompt, string? ratio, string? size, string? model, string errorId)
    {
        var plan = Validate(new BatchRow { RowNumber = 1, Id = "x", Prompt = prompt, AspectRatio = ratio, ImageSize = size, Model = model });
        Assert.True(plan.Items.Count == 0, scenario);
        Assert.Equal(errorId, Assert.Single(plan.Problems).ErrorId);
    }

    [Theory]
    [InlineData("missing.png")]
    [InlineData("truncated.png")]
    [InlineData("empty.png")]
    public void RefusesMissingOrBrokenImages(string file)
    {
        var plan = Validate(new BatchRow { RowNumber = 1, Prompt = "edit", Images = new[] { file } });
        Assert.Equal("GeminiImage.InvalidImage", Assert.Single(plan.Problems).ErrorId);
    }

    [Fact]
    public void GeneratesIdsAndRefusesDuplicates()
    {
        var plan = Validate(
            new BatchRow { RowNumber = 1, Prompt = "one" },
            new BatchRow { RowNumber = 2, Id = "row-1", Prompt = "clashes with the generated id" },
            new BatchRow { RowNumber = 3, Id = "B", Prompt = "three" },
            new BatchRow { RowNumber = 4, Id = "b", Prompt = "ids are case-insensitive (file names)" });
        Assert.Equal(new[] { "row-1", "B" }, plan.Items.Select(i => i.Id));
        Assert.All(plan.Problems, p => Assert.Equal("GeminiImage.DuplicateRowId", p.ErrorId));
        Assert.Equal(new[] { 2, 4 }, plan.Problems.Select(p => p.RowNumber));
    }

    [Fact]
    public void AppliesDefaultsAndResolvesPaths()
    {
        var plan = Validate(
            new BatchRow { RowNumber = 1, Id = "e", Prompt = "edit", Images = new[] { "good.png", "good.jpg" }, OutFile = "sub/e.png" },
            new BatchRow { RowNumber = 2, Id = "w", Prompt = "wide", AspectRatio = "16:9" });
        Assert.Empty(plan.Problems);
        var edit = plan.Items[0];
        Assert.Equal("1:1", edit.AspectRatio);
        Assert.Equal(Path.Combine(Images, "good.png"), edit.ImagePaths[0]);
        Assert.Equal(Path.Combine(Path.GetTempPath(), "sub", "e.png"), edit.OutFile);
        Assert.Equal("16:9", plan.Items[1].AspectRatio);
        Assert.True(plan.EstimatedCost(false) > plan.EstimatedCost(true));
        Assert.InRange(plan.EstimatedCost(true)!.Value, plan.EstimatedCost(false)!.Value / 2 - 0.00001m, plan.EstimatedCost(false)!.Value / 2 + 0.00001m);
    }

    [Theory]
    [InlineData("plain", "plain")]
    [InlineData("a/b\\c:d", "a_b_c_d")]
    [InlineData("trailing.", "trailing")]
    [InlineData("", "row")]
    public void FileStemIsSafe(string id, string stem) => Assert.Equal(stem, BatchPlan.FileStem(id));
}
