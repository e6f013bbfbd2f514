using GeminiImage.Engine.Errors;
using GeminiImage.Engine.Batch;
using GeminiImage.Engine.Generation;
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
    [InlineData("size on a fixed-size model", "a fox", null, "2K", "gemini-2.5-flash-image", "GeminiImage.InvalidImageSize")]
    [InlineData("unknown model", "a fox", null, null, "imagen-9", "GeminiImage.UnknownModel")]
    public void RefusesBadRows(string scenario, string? prompt, string? ratio, string? size, string? model, string errorId)
    {
        var plan = Validate(new BatchRow { RowNumber = 1, Id = "x", Prompt = prompt, AspectRatio = ratio, ImageSize = size, Model = model });
        Assert.True(plan.Items.Count == 0, scenario);
        Assert.Equal(errorId, Assert.Single(plan.Problems).ErrorId);
    }

    [Theory]
    [InlineData("missing.png", "GeminiImage.ImageNotFound", ErrorKind.NotFound)]
    [InlineData("truncated.png", "GeminiImage.InvalidImage", ErrorKind.InvalidData)]
    [InlineData("empty.png", "GeminiImage.InvalidImage", ErrorKind.InvalidData)]
    public void RefusesMissingOrBrokenImages_with_the_ids_used_everywhere(string file, string errorId, ErrorKind kind)
    {
        var plan = Validate(new BatchRow { RowNumber = 1, Prompt = "edit", Images = new[] { file } });
        var problem = Assert.Single(plan.Problems);
        Assert.Equal((errorId, kind), (problem.ErrorId, problem.Kind));
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
    [InlineData("../../tmp/escaped-by-csv.png", "'..'")]
    [InlineData("/tmp/abs-by-csv.png", "absolute")]
    [InlineData("C:\\Windows\\abs.png", "absolute")]
    [InlineData("\\\\server\\share\\unc.png", "absolute")]
    [InlineData("sub\\..\\..\\up.png", "'..'")]
    [InlineData("nul.png", "reserved")]
    [InlineData("sub/CON/x.png", "reserved")]
    [InlineData("trailing.png.", "dot or a space")]
    public void RefusesOutFilesOutsideTheOutputFolder(string outFile, string rule)
    {
        var output = Path.Combine(Path.GetTempPath(), "contained-" + Guid.NewGuid().ToString("N"));
        var plan = BatchPlan.Validate(new[] { new BatchRow { RowNumber = 3, Id = "fox", Prompt = "a fox", OutFile = outFile } },
            new BatchDefaults(), Images, output);
        Assert.Empty(plan.Items);
        var problem = Assert.Single(plan.Problems);
        Assert.Equal("GeminiImage.PathOutsideRoot", problem.ErrorId);
        // The row, the path as written and the rule it broke.
        Assert.Contains("Row 3 (fox)", problem.ToString());
        Assert.Contains($"'{outFile}'", problem.Message);
        Assert.Contains(rule, problem.Message);
    }

    [Theory]
    [InlineData("../outside.png")]
    [InlineData("/etc/hostname")]
    public void RefusesImagesOutsideTheInputFolderBeforeReadingThem(string image)
    {
        var plan = Validate(new BatchRow { RowNumber = 1, Id = "e", Prompt = "edit", Images = new[] { "good.png", image } });
        Assert.Equal("GeminiImage.PathOutsideRoot", Assert.Single(plan.Problems).ErrorId);
    }

    [Fact]
    public void AllowAbsolutePathsLetsThemThroughAndNamesThem()
    {
        var good = Path.Combine(Images, "good.png");
        var plan = BatchPlan.Validate(new[]
            {
                new BatchRow { RowNumber = 1, Id = "abs", Prompt = "edit", Images = new[] { good }, OutFile = "../abs.png" },
                new BatchRow { RowNumber = 2, Id = "in", Prompt = "edit", Images = new[] { "good.png" }, OutFile = "in.png" },
                new BatchRow { RowNumber = 3, Id = "dev", Prompt = "never a device", OutFile = "../NUL" },
            },
            new BatchDefaults(), Images, Path.Combine(Path.GetTempPath(), "out"), allowAbsolutePaths: true);
        Assert.Equal(new[] { "abs", "in" }, plan.Items.Select(i => i.Id));
        Assert.Equal(good, plan.Items[0].ImagePaths[0]);
        Assert.Equal(Path.Combine(Path.GetTempPath(), "abs.png"), plan.Items[0].OutFile);
        Assert.Equal(new[] { $"Image '{good}'", "OutFile '../abs.png'" }, plan.Items[0].OutsidePaths);
        Assert.Empty(plan.Items[1].OutsidePaths);
        Assert.Equal("GeminiImage.PathOutsideRoot", Assert.Single(plan.Problems).ErrorId);
    }

    [Fact]
    public void RefusesASymbolicLinkThatLeadsOut()
    {
        var root = Path.Combine(Path.GetTempPath(), "links-" + Guid.NewGuid().ToString("N"));
        var outside = Path.Combine(Path.GetTempPath(), "links-outside-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(root);
        Directory.CreateDirectory(outside);
        try
        {
            Directory.CreateSymbolicLink(Path.Combine(root, "escape"), outside);
            Directory.CreateDirectory(Path.Combine(root, "real"));
            Directory.CreateSymbolicLink(Path.Combine(root, "inside"), Path.Combine(root, "real"));
            var plan = BatchPlan.Validate(new[]
                {
                    new BatchRow { RowNumber = 1, Id = "out", Prompt = "p", OutFile = "escape/x.png" },
                    new BatchRow { RowNumber = 2, Id = "in", Prompt = "p", OutFile = "inside/x.png" },
                },
                new BatchDefaults(), Images, root);
            Assert.Equal("in", Assert.Single(plan.Items).Id);
            var problem = Assert.Single(plan.Problems);
            Assert.Equal("GeminiImage.PathOutsideRoot", problem.ErrorId);
            Assert.Contains("symbolic link", problem.Message);
        }
        finally
        {
            Directory.Delete(root, true);
            Directory.Delete(outside, true);
        }
    }

    [Fact]
    public void DistinctIdsNeverShareAFileName()
    {
        var ids = new[] { "a/b", "a_b", "a\\b", "a:b", "a%2Fb", "a%2F", "con", "%43on", "x.", "x", "x ", ".hidden", "%2Ehidden", new string('z', 300), new string('z', 299) + "y" };
        var stems = ids.Select(FileNames.FromId).ToList();
        Assert.Equal(ids.Length, stems.Distinct(StringComparer.OrdinalIgnoreCase).Count());
        Assert.All(stems, s => Assert.Null(FileNames.Problem(s + ".png")));
        Assert.All(stems, s => Assert.True(s.Length <= 120, s));
    }

    [Theory]
    [InlineData("plain", "plain")]
    [InlineData("a/b\\c:d", "a%2Fb%5Cc%3Ad")]
    [InlineData("trailing.", "trailing%2E")]
    [InlineData("COM1", "%43OM1")]
    [InlineData("nul.txt", "%6Eul.txt")]
    [InlineData("..", "%2E%2E")]
    public void FileStemIsSafe(string id, string stem) => Assert.Equal(stem, FileNames.FromId(id));
}
