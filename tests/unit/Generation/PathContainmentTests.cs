using GeminiImage.Engine.Errors;
using GeminiImage.Engine.Generation;
using Xunit;

namespace GeminiImage.Tests.Generation;

/// <summary>
/// Paths from files someone else wrote stay inside their folder, the same on every system (issue 24: PathContainment
/// had no test of its own, so its mutants were reached only through the batch plan).
/// </summary>
public sealed class PathContainmentTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "gi-contain-" + Guid.NewGuid().ToString("N"));
    private readonly string _outside = Path.Combine(Path.GetTempPath(), "gi-outside-" + Guid.NewGuid().ToString("N"));

    public PathContainmentTests()
    {
        Directory.CreateDirectory(_root);
        Directory.CreateDirectory(_outside);
    }

    public void Dispose()
    {
        Directory.Delete(_root, recursive: true);
        Directory.Delete(_outside, recursive: true);
    }

    private string? Rule(string path, bool output = false, bool acceptAbsoluteInside = false)
    {
        PathContainment.Check(_root, path, out var rule, output, acceptAbsoluteInside);
        return rule;
    }

    [Fact]
    public void A_relative_path_resolves_inside_the_folder_with_either_separator()
    {
        Assert.Equal(Path.Combine(_root, "sub", "a.png"), PathContainment.Resolve(_root, "sub/a.png"));
        Assert.Equal(Path.Combine(_root, "sub", "a.png"), PathContainment.Resolve(_root, @"sub\a.png"));
        Assert.Equal(Path.Combine(_root, "a.png"), PathContainment.Resolve(_root, "sub/../a.png"));
        Assert.Null(Rule("a.png"));
    }

    [Theory]
    [InlineData("/etc/passwd")]
    [InlineData(@"C:\Windows\win.ini")]
    [InlineData("c:relative.png")]
    [InlineData(@"\rooted.png")]
    public void An_absolute_path_is_refused_on_every_system(string path) =>
        Assert.Equal(PathContainment.AbsoluteRule, Rule(path));

    [Theory]
    [InlineData("../a.png")]
    [InlineData("sub/../../a.png")]
    [InlineData(@"..\a.png")]
    [InlineData(".")]
    [InlineData("sub/..")]
    public void A_path_that_climbs_out_or_is_the_folder_itself_is_refused(string path) =>
        Assert.Equal(PathContainment.ParentRule, Rule(path));

    [Fact]
    public void An_absolute_path_inside_is_accepted_only_when_asked()
    {
        var inside = Path.Combine(_root, "chat", "1.png");
        Assert.Equal(PathContainment.AbsoluteRule, Rule(inside));
        Assert.Null(Rule(inside, acceptAbsoluteInside: true));
        Assert.Equal(PathContainment.AbsoluteRule, Rule(Path.Combine(_outside, "1.png"), acceptAbsoluteInside: true));
        // A Windows-rooted path is never "inside" a folder here, even when asked.
        Assert.Equal(PathContainment.AbsoluteRule, Rule(@"C:\x\1.png", acceptAbsoluteInside: true));
    }

    [Fact]
    public void Names_that_some_system_cannot_hold_are_refused_only_for_output()
    {
        Assert.Null(Rule("sub/nul.png"));
        Assert.Contains("reserved device name", Rule("sub/nul.png", output: true));
        Assert.Contains("reserved device name", Rule("con/a.png", output: true)); // a folder name counts too
        Assert.Contains("ends in a dot", Rule("a.png.", output: true));
        Assert.Null(Rule("sub/a.png", output: true));
    }

    [Fact]
    public void A_symbolic_link_that_leads_out_is_refused_and_one_that_stays_inside_is_followed()
    {
        if (OperatingSystem.IsWindows()) return; // creating links needs a privilege there
        Directory.CreateSymbolicLink(Path.Combine(_root, "out"), _outside);
        var rule = Rule("out/a.png");
        Assert.Contains("symbolic link", rule);
        Assert.Contains(Path.Combine(_root, "out"), rule);

        Directory.CreateDirectory(Path.Combine(_root, "real"));
        Directory.CreateSymbolicLink(Path.Combine(_root, "alias"), Path.Combine(_root, "real"));
        Assert.Null(Rule("alias/a.png"));
        // A file link leading out, as the last part of the path.
        File.WriteAllText(Path.Combine(_outside, "secret.txt"), "x");
        File.CreateSymbolicLink(Path.Combine(_root, "real", "file.png"), Path.Combine(_outside, "secret.txt"));
        Assert.Contains("symbolic link", Rule("alias/file.png"));
    }

    [Fact]
    public void Resolve_throws_naming_the_path_the_folder_the_rule_and_the_source()
    {
        var e = Assert.Throws<PathOutsideRootException>(() => PathContainment.Resolve(_root, "../x.png", "Row 3 (fox), OutFile"));
        Assert.Equal(("../x.png", PathContainment.ParentRule), (e.Path, e.Rule));
        Assert.StartsWith("Row 3 (fox), OutFile: the path '../x.png' is refused", e.Message);
        Assert.Contains(_root, e.Message);
    }

    [Fact]
    public void Inside_means_below_the_folder_not_the_folder_or_a_sibling_with_the_same_prefix()
    {
        Assert.True(PathContainment.IsInside(_root, Path.Combine(_root, "a.png")));
        Assert.False(PathContainment.IsInside(_root, _root));
        Assert.False(PathContainment.IsInside(_root, _root + "-sibling"));
        Assert.False(PathContainment.IsInside(_root, _outside));
    }
}
