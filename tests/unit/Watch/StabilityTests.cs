using GeminiImage.Engine.Watch;
using Xunit;

namespace GeminiImage.Tests.Watch;

public class StabilityTests
{
    private static readonly DateTime T0 = new(2025, 1, 1, 12, 0, 0, DateTimeKind.Utc);
    private static readonly DateTime W = T0.AddMinutes(-1);

    [Fact]
    public void A_file_is_stable_only_after_staying_the_same_for_the_whole_period()
    {
        var tracker = new FileStabilityTracker(TimeSpan.FromSeconds(2));
        Assert.False(tracker.Observe("a", 100, W, T0));                    // first look
        Assert.False(tracker.Observe("a", 100, W, T0.AddSeconds(1)));      // same, too soon
        Assert.True(tracker.Observe("a", 100, W, T0.AddSeconds(2)));
    }

    [Theory]
    [InlineData(200, 0, "size grew")]
    [InlineData(100, 5, "rewritten with the same size")]
    public void Any_change_starts_the_wait_again(long size, int writeShiftSeconds, string because)
    {
        var tracker = new FileStabilityTracker(TimeSpan.FromSeconds(2));
        tracker.Observe("a", 100, W, T0);
        Assert.False(tracker.Observe("a", size, W.AddSeconds(writeShiftSeconds), T0.AddSeconds(3)));
        Assert.False(tracker.Observe("a", size, W.AddSeconds(writeShiftSeconds), T0.AddSeconds(4)));
        Assert.True(tracker.Observe("a", size, W.AddSeconds(writeShiftSeconds), T0.AddSeconds(5)), because);
    }

    [Fact]
    public void Forget_starts_over()
    {
        var tracker = new FileStabilityTracker(TimeSpan.Zero);
        tracker.Observe("a", 1, W, T0);
        tracker.Forget("a");
        Assert.False(tracker.Observe("a", 1, W, T0.AddSeconds(10)));
    }

    [Fact]
    public void A_file_open_for_writing_cannot_be_opened_exclusively()
    {
        var path = Path.Combine(Path.GetTempPath(), $"stab-{Guid.NewGuid():N}.png");
        try
        {
            using (var writer = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.Read))
            {
                writer.WriteByte(1);
                Assert.False(FileStabilityTracker.CanOpenExclusively(path));
            }
            Assert.True(FileStabilityTracker.CanOpenExclusively(path));
        }
        finally { File.Delete(path); }
    }

    [Theory]
    [InlineData("photo.JPG", true)]
    [InlineData("photo.jpeg", true)]
    [InlineData("photo.png.error.txt", false)]
    [InlineData("notes.txt", false)]
    [InlineData("a?.png", false)]
    public void Filters_match_file_names_case_insensitively(string name, bool expected)
    {
        var filter = new FileNameFilter(new[] { "*.jpg", "*.jpeg", "?.png" });
        Assert.Equal(expected, filter.IsMatch(name));
    }

    [Fact]
    public void On_linux_a_writer_holding_the_file_open_is_seen()
    {
        if (!OperatingSystem.IsLinux()) return;
        var path = Path.Combine(Path.GetTempPath(), $"stab-{Guid.NewGuid():N}.png");
        try
        {
            using (var writer = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.ReadWrite))
            {
                writer.WriteByte(1);
                Assert.True(FileStabilityTracker.IsOpenForWriting(path));
            }
            Assert.False(FileStabilityTracker.IsOpenForWriting(path));
            using (new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite))
                Assert.False(FileStabilityTracker.IsOpenForWriting(path), "a reader is not a writer");
        }
        finally { File.Delete(path); }
    }
}
