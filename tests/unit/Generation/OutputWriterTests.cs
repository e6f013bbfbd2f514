using GeminiImage.Engine.Errors;
using GeminiImage.Engine.Generation;
using Xunit;

namespace GeminiImage.Tests.Generation;

public sealed class OutputWriterTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("gi-out-").FullName;
    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Theory]
    [InlineData("a red fox in the snow", "a-red-fox-in-the-snow")]
    [InlineData("Café ünïcode: [1]!", "café-ünïcode-1")]
    [InlineData("日本語の ポスター", "日本語の-ポスター")]
    [InlineData("Ελληνικά/Кириллица\\<>:\"|?*", "ελληνικά-кириллица")]
    [InlineData("Cafe\u0301", "café")]
    [InlineData("😀 𠀋", "𠀋")]
    [InlineData("   ", "image")]
    [InlineData("a very long prompt that goes on and on beyond forty characters", "a-very-long-prompt-that-goes-on-and-on-b")]
    public void Slugs(string prompt, string slug) => Assert.Equal(slug, OutputWriter.Slug(prompt));

    [Theory]
    [InlineData("image/png", ".png")]
    [InlineData("image/jpeg", ".jpg")]
    [InlineData("image/webp", ".webp")]
    public void Extension_follows_the_mime_type(string mime, string ext) => Assert.Equal(ext, OutputWriter.ExtensionFor(mime));

    [Fact]
    public void Auto_names_never_collide()
    {
        var time = new DateTime(2026, 11, 25, 17, 0, 0);
        var first = OutputWriter.AutoName(_dir, "a fox", ".png", time);
        Assert.Equal(Path.Combine(_dir, "a-fox-20261125-170000.png"), first);
        File.WriteAllBytes(first, new byte[] { 1 });
        Assert.Equal(Path.Combine(_dir, "a-fox-20261125-170000-2.png"), OutputWriter.AutoName(_dir, "a fox", ".png", time));
    }

    [Fact]
    public void Save_is_atomic_and_refuses_to_overwrite_without_force()
    {
        var path = Path.Combine(_dir, "sub", "x.png");
        OutputWriter.SaveAtomic(new byte[] { 1, 2, 3 }, path, force: false);
        Assert.Equal(new byte[] { 1, 2, 3 }, File.ReadAllBytes(path));
        Assert.Empty(Directory.GetFiles(Path.GetDirectoryName(path)!, "*.tmp"));
        var error = Assert.Throws<ImageSaveException>(() => OutputWriter.SaveAtomic(new byte[] { 9 }, path, force: false));
        Assert.Equal(new byte[] { 1, 2, 3 }, File.ReadAllBytes(path));
        Assert.NotNull(error.FallbackPath);
        Assert.Equal(new byte[] { 9 }, File.ReadAllBytes(error.FallbackPath!));
        OutputWriter.SaveAtomic(new byte[] { 7 }, path, force: true);
        Assert.Equal(new byte[] { 7 }, File.ReadAllBytes(path));
    }

    [Fact]
    public void Unwritable_target_keeps_the_image_in_the_fallback_folder()
    {
        var blocker = Path.Combine(_dir, "file-not-folder");
        File.WriteAllText(blocker, "x");
        var error = Assert.Throws<ImageSaveException>(() => OutputWriter.SaveAtomic(new byte[] { 4, 5 }, Path.Combine(blocker, "out.png"), false));
        Assert.Equal("GeminiImage.SaveFailed", error.ErrorId);
        Assert.Contains(error.FallbackPath!, error.Message);
        Assert.Equal(new byte[] { 4, 5 }, File.ReadAllBytes(error.FallbackPath!));
    }

    [Fact]
    public void Out_file_plan_numbers_extra_images_and_fixes_the_extension()
    {
        var plan = new OutputPlan { OutFile = Path.Combine(_dir, "hero.png") };
        Assert.Equal(Path.Combine(_dir, "hero.png"), plan.PathFor("p", "image/png", 0, DateTime.Now));
        Assert.Equal(Path.Combine(_dir, "hero-2.png"), plan.PathFor("p", "image/png", 1, DateTime.Now));
        Assert.Equal(Path.Combine(_dir, "hero.jpg"), plan.PathFor("p", "image/jpeg", 0, DateTime.Now));
    }
}
