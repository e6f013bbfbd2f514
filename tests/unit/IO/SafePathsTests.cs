using GeminiImage.Engine.Errors;
using GeminiImage.Engine.IO;
using Xunit;

namespace GeminiImage.Tests.IO;

public sealed class SafePathsTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "safepaths-" + Guid.NewGuid().ToString("N"));
    private readonly string _outside = Path.Combine(Path.GetTempPath(), "safepaths-out-" + Guid.NewGuid().ToString("N"));

    public SafePathsTests()
    {
        Directory.CreateDirectory(_root);
        Directory.CreateDirectory(_outside);
    }

    public void Dispose()
    {
        Directory.Delete(_root, recursive: true);
        Directory.Delete(_outside, recursive: true);
    }

    [Fact]
    public void PlainPathsInsideTheFolderPass()
    {
        Assert.Equal(Path.Combine(_root, "a", "b.png"), SafePaths.Inside(_root, Path.Combine("a", "b.png")));
        Assert.Equal(Path.Combine(_root, "c"), SafePaths.CreateFolder(_root, "c"));
        Assert.True(Directory.Exists(Path.Combine(_root, "c")));
    }

    [Fact]
    public void PathsLeavingTheFolderAreRefused()
    {
        Assert.Throws<UnsafePathException>(() => SafePaths.Inside(_root, Path.Combine("..", "x.png")));
        Assert.Throws<UnsafePathException>(() => SafePaths.Child(_root, "../x"));
    }

    [SkippableUnixFact]
    public void LinksAnywhereBelowTheFolderAreRefusedEvenWhenTheyStayInside()
    {
        Directory.CreateDirectory(Path.Combine(_root, "real"));
        Directory.CreateSymbolicLink(Path.Combine(_root, "inside"), Path.Combine(_root, "real"));
        Directory.CreateSymbolicLink(Path.Combine(_root, "escape"), _outside);
        File.CreateSymbolicLink(Path.Combine(_root, "dangling.jsonl"), Path.Combine(_outside, "nothing-here"));

        var e = Assert.Throws<UnsafePathException>(() => SafePaths.Inside(_root, Path.Combine("escape", "x.png")));
        Assert.Equal(Path.Combine(_root, "escape"), e.Path);
        Assert.Equal(UnsafePathException.Id, e.ErrorId);
        Assert.Throws<UnsafePathException>(() => SafePaths.Inside(_root, Path.Combine("inside", "x.png")));
        Assert.Throws<UnsafePathException>(() => SafePaths.Child(_root, "dangling.jsonl"));
        Assert.Throws<UnsafePathException>(() => SafePaths.CreateFolder(_root, Path.Combine("escape", "sub")));
        Assert.False(Directory.Exists(Path.Combine(_outside, "sub")));
        // The named folder itself may be a link: the user chose it.
        Assert.Equal(Path.Combine(_root, "escape", "x.png"), SafePaths.Inside(Path.Combine(_root, "escape"), "x.png"));
    }

    [SkippableUnixFact]
    public void PrivateFolderIsOwnerOnlyAndRefusesALink()
    {
        var folder = Path.Combine(_root, "data");
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "usage.db"), "x");
        PrivateFolder.Ensure(folder);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(folder));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(folder, "usage.db")));

        Directory.CreateSymbolicLink(Path.Combine(_root, "planted"), _outside);
        Assert.Throws<UnsafePathException>(() => PrivateFolder.Ensure(Path.Combine(_root, "planted")));
    }
}

/// <summary>A fact that runs only where symbolic links and Unix modes need no privileges.</summary>
public sealed class SkippableUnixFactAttribute : FactAttribute
{
    public SkippableUnixFactAttribute()
    {
        if (OperatingSystem.IsWindows()) Skip = "needs Unix links and modes";
    }
}
