using GeminiImage.Engine.Errors;
using GeminiImage.Engine.Generation;
using Xunit;

namespace GeminiImage.Tests.Generation;

/// <summary>
/// Where an image goes and what is refused before a paid request (real files in a temporary folder): an existing file
/// without -Force, an input image as the target (even with -Force), a folder as the target, -AsBytes with thought images.
/// </summary>
public sealed class OutputPlanTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "gi-plan-" + Guid.NewGuid().ToString("N"));

    public OutputPlanTests() => Directory.CreateDirectory(_dir);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string FileAt(string name)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllBytes(path, new byte[] { 1, 2, 3 });
        return path;
    }

    private static ImageRequest Request(params string[] inputs) => new()
    {
        Prompt = "a red fox",
        InputImages = inputs.Select(p => new InputImage(new byte[] { 1 }, "image/png", p)).ToList(),
    };

    [Fact]
    public void An_existing_out_file_is_refused_without_force_and_taken_with_it()
    {
        var existing = FileAt("fox.png");
        var e = Assert.Throws<OutputExistsException>(() => new OutputPlan { OutFile = existing }.CheckBeforeSending(Request(), null));
        Assert.Equal(existing, e.Path);
        new OutputPlan { OutFile = existing, Force = true }.CheckBeforeSending(Request(), null);
        Assert.Equal(existing, new OutputPlan { OutFile = existing, Force = true }.PathFor("p", "image/png", 0, DateTime.Now));
        // A new name is fine without -Force.
        new OutputPlan { OutFile = Path.Combine(_dir, "new.png") }.CheckBeforeSending(Request(), null);
    }

    [Fact]
    public void An_input_image_is_never_the_target_even_with_force()
    {
        var input = FileAt("in.png");
        foreach (var force in new[] { false, true })
        {
            var e = Assert.Throws<OutputUnusableException>(() => new OutputPlan { OutFile = input, Force = force }.CheckBeforeSending(Request(input), null));
            Assert.Equal((OutputUnusableException.IsInputId, input), (e.ErrorId, e.Path));
            Assert.Contains("input images are never overwritten", e.Message);
            // The edited file's source counts as an input too.
            e = Assert.Throws<OutputUnusableException>(() => new OutputPlan { OutFile = input, Force = force }.CheckBeforeSending(Request(), input));
            Assert.Equal(OutputUnusableException.IsInputId, e.ErrorId);
        }
        // A stem with -Force that names the input is refused; without -Force the name is made unique instead.
        var stem = new OutputPlan { Directory = _dir, Stem = "in", Force = true };
        Assert.Equal(OutputUnusableException.IsInputId, Assert.Throws<OutputUnusableException>(() => stem.CheckBeforeSending(Request(input), null)).ErrorId);
        var plan = new OutputPlan { Directory = _dir, Stem = "in" };
        plan.CheckBeforeSending(Request(input), null);
        Assert.Equal(Path.Combine(_dir, "in-2.png"), plan.PathFor("p", "image/png", 0, DateTime.Now));
        Assert.Equal(new[] { input }, plan.Inputs);
    }

    [Fact]
    public void A_folder_is_not_a_file_name()
    {
        var folder = Path.Combine(_dir, "sub");
        Directory.CreateDirectory(folder);
        var e = Assert.Throws<OutputUnusableException>(() => new OutputPlan { OutFile = folder, Force = true }.CheckBeforeSending(Request(), null));
        Assert.Equal((OutputUnusableException.IsFolderId, folder), (e.ErrorId, e.Path));
        Assert.StartsWith($"-OutFile '{folder}' is a folder", e.Message);
        // A stem whose image name is an existing folder.
        Directory.CreateDirectory(Path.Combine(_dir, "fox.png"));
        e = Assert.Throws<OutputUnusableException>(() => new OutputPlan { Directory = _dir, Stem = "fox", Force = true }.CheckBeforeSending(Request(), null));
        Assert.Equal((OutputUnusableException.IsFolderId, Path.Combine(_dir, "fox.png")), (e.ErrorId, e.Path));
    }

    [Fact]
    public void As_bytes_writes_nothing_and_refuses_thought_images()
    {
        var existing = FileAt("fox.png");
        // Nothing is written, so nothing is checked on disk.
        new OutputPlan { OutFile = existing, InMemory = true }.CheckBeforeSending(Request(), null);
        var thinking = Request();
        thinking.Options = new PromptOptions { IncludeThoughts = true };
        var e = Assert.Throws<GeminiArgumentException>(() => new OutputPlan { InMemory = true }.CheckBeforeSending(thinking, null));
        Assert.Equal(OutputPlan.AsBytesConflictId, e.ErrorId);
        new OutputPlan { Directory = _dir }.CheckBeforeSending(thinking, null);
    }

    [Fact]
    public void A_folder_that_cannot_take_the_image_is_refused_before_sending()
    {
        var blocker = FileAt("not-a-folder");
        var e = Assert.Throws<OutputUnusableException>(() => new OutputPlan { OutFile = Path.Combine(blocker, "fox.png") }.CheckBeforeSending(Request(), null));
        Assert.Equal((OutputUnusableException.FolderUnavailableId, blocker), (e.ErrorId, e.Path));
        Assert.StartsWith($"The output folder '{blocker}' cannot take the image: ", e.Message);
        Assert.EndsWith(". Nothing was sent.", e.Message);
    }

    [Fact]
    public void Out_file_names_keep_a_matching_extension_and_number_later_images()
    {
        var plan = new OutputPlan { OutFile = Path.Combine(_dir, "fox.jpeg") };
        Assert.Equal(Path.Combine(_dir, "fox.jpeg"), plan.PathFor("p", "image/jpeg", 0, DateTime.Now));
        Assert.Equal(Path.Combine(_dir, "fox.png"), plan.PathFor("p", "image/png", 0, DateTime.Now));
        Assert.Equal(Path.Combine(_dir, "fox-2.jpeg"), plan.PathFor("p", "image/jpeg", 1, DateTime.Now));
        plan.SavedSoFar = 2;
        Assert.Equal(Path.Combine(_dir, "fox-3.png"), plan.PathFor("p", "image/png", 0, DateTime.Now));
        var stem = new OutputPlan { Directory = _dir, Stem = "cat", Force = true };
        Assert.Equal(Path.Combine(_dir, "cat.webp"), stem.PathFor("p", "image/webp", 0, DateTime.Now));
        Assert.Equal(Path.Combine(_dir, "cat-2.webp"), stem.PathFor("p", "image/webp", 1, DateTime.Now));
        // Without -Force an existing stem's file is kept and the image gets the next free name.
        FileAt("cat.png");
        Assert.Equal(Path.Combine(_dir, "cat-2.png"), new OutputPlan { Directory = _dir, Stem = "cat" }.PathFor("p", "image/png", 0, DateTime.Now));
    }
}
