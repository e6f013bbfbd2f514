using GeminiImage.Engine.Errors;
using GeminiImage.Engine.Generation;
using GeminiImage.Engine.Imaging;
using GeminiImage.Engine.Watch;
using Xunit;

namespace GeminiImage.Tests.Watch;

/// <summary>The watcher's bookkeeping with a fake processor (no HTTP): claims, recovery, moves, error files.</summary>
public sealed class FolderWatcherTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("gi-watch-").FullName;
    private readonly List<string> _processed = new();

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private string In => Path.Combine(_root, "in");
    private string Out => Path.Combine(_root, "out");

    private string Drop(string name, byte[]? data = null)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(In, name))!);
        var path = Path.Combine(In, name);
        File.WriteAllBytes(path, data ?? new byte[] { 1, 2, 3 });
        return path;
    }

    private FolderWatcher Watcher(Func<string, OutputPlan, IReadOnlyList<GeminiImageResult>>? work = null, bool recurse = false, TimeSpan? settle = null) =>
        new(new FolderWatchOptions
        {
            Folder = In,
            OutputDirectory = Out,
            LogDirectory = Path.Combine(_root, "logs"),
            Recurse = recurse,
            Once = true,
            PollInterval = TimeSpan.FromMilliseconds(10),
            StableFor = TimeSpan.Zero,
            OnceSettleTime = settle ?? new FolderWatchOptions().OnceSettleTime,
        },
        (source, plan, _) =>
        {
            _processed.Add(Path.GetFileName(source));
            return Task.FromResult(work != null ? work(source, plan) : Save(plan, source));
        });

    /// <summary>A real PNG carrying provenance that names its source, as the generation service saves it.</summary>
    private static byte[] MadeFrom(string source) =>
        ProvenanceWriter.Embed(File.ReadAllBytes(Path.Combine(TestData.Dir, "images", "good.png")), "image/png", new ImageProvenance { SourceImages = new[] { Path.GetFileName(source) } });

    private static IReadOnlyList<GeminiImageResult> Save(OutputPlan plan, string source)
    {
        var path = OutputWriter.WriteAtomic(MadeFrom(source), plan.OutFile!, force: false);
        return new[] { new GeminiImageResult { Path = path, Cost = 0.039m } };
    }

    private async Task<(FolderWatchSummary Summary, List<FolderWatchResult> Results)> RunOnce(FolderWatcher watcher)
    {
        var results = new List<FolderWatchResult>();
        watcher.ItemCompleted = results.Add;
        var summary = await watcher.RunAsync(CancellationToken.None);
        return (summary, results);
    }

    [Fact]
    public async Task Files_are_edited_once_and_moved_with_subfolders_mirrored()
    {
        Drop("a.png");
        Drop("sub/b.jpg");
        Drop("notes.txt");
        var (summary, results) = await RunOnce(Watcher(recurse: true));
        Assert.Equal(new[] { "a.png", "b.jpg" }, _processed.OrderBy(n => n));
        Assert.Equal(0, summary.ExitCode);
        Assert.True(File.Exists(Path.Combine(Out, "sub", "b-edited.png")));
        Assert.True(File.Exists(Path.Combine(In, "processed", "sub", "b.jpg")));
        Assert.True(File.Exists(Path.Combine(In, "notes.txt")));
        Assert.All(results, r => Assert.Equal(WatchItemStatus.Succeeded, r.Status));
        Assert.Empty(WatchState.Read(In));

        // A second run finds nothing: the processed folder is not re-read.
        _processed.Clear();
        await RunOnce(Watcher(recurse: true));
        Assert.Empty(_processed);
    }

    [Fact]
    public async Task Content_edited_before_is_not_paid_for_twice_but_a_namesake_with_other_content_is_made()
    {
        Drop("a.png", new byte[] { 1, 2, 3 });
        await RunOnce(Watcher());
        Assert.Equal(new[] { "a.png" }, _processed);

        // The same content dropped again: skipped. A camera's reused name with other content: a new edit, numbered.
        _processed.Clear();
        File.Copy(Path.Combine(In, "processed", "a.png"), Path.Combine(In, "a.png"));
        var (summary, results) = await RunOnce(Watcher());
        Assert.Empty(_processed);
        Assert.Equal((WatchItemStatus.Skipped, Path.Combine(Out, "a-edited.png")), (results.Single().Status, results.Single().OutputPath));
        Drop("a.png", new byte[] { 4, 5, 6 });
        (summary, results) = await RunOnce(Watcher());
        Assert.Equal(new[] { "a.png" }, _processed);
        Assert.Equal(Path.Combine(Out, "a-edited-2.png"), results.Single().OutputPath);
        Assert.Equal(0, summary.ExitCode);
    }

    [Fact]
    public async Task An_output_saved_by_a_run_that_died_before_recording_it_is_not_paid_for_again()
    {
        var source = Drop("a.png", new byte[] { 7, 7, 7 });
        string hash;
        using (var sha = System.Security.Cryptography.SHA256.Create()) hash = Convert.ToHexString(sha.ComputeHash(File.ReadAllBytes(source))).ToLowerInvariant();
        Directory.CreateDirectory(Out);
        var output = Path.Combine(Out, "a-edited.png");
        File.WriteAllBytes(output, MadeFrom(source));
        using (var state = WatchState.Open(In)) state.Claim("a.png", hash, output);   // the run "died" after saving
        var (_, results) = await RunOnce(Watcher());
        Assert.Empty(_processed);
        Assert.Equal((WatchItemStatus.Skipped, output), (results.Single().Status, results.Single().OutputPath));
    }

    [Fact]
    public void The_output_name_skips_names_taken_by_any_image_type()
    {
        Directory.CreateDirectory(Out);
        File.WriteAllBytes(Path.Combine(Out, "a-edited.webp"), new byte[] { 1 });
        Assert.Equal(Path.Combine(Out, "a-edited-2.png"), FolderWatcher.FreeOutputPath(Out, "a-edited"));
    }

    [Fact]
    public async Task A_claim_left_by_a_killed_run_is_taken_again_and_counted()
    {
        Drop("a.png");
        using (var state = WatchState.Open(In)) state.Claim("a.png");   // the run "died" here
        Assert.Equal(ClaimStatus.InProgress, WatchState.Read(In)["a.png"].Status);

        var attempts = 0;
        var (summary, _) = await RunOnce(Watcher((_, plan) =>
        {
            attempts = WatchState.Read(In)["a.png"].Attempts;
            return Save(plan, Path.Combine(In, "a.png"));
        }));
        Assert.Equal(2, attempts);
        Assert.Equal(1, summary.Succeeded);
        Assert.Empty(WatchState.Read(In));
        Assert.Contains("the previous run stopped while processing it", File.ReadAllText(Directory.GetFiles(Path.Combine(_root, "logs"), "*.log").Single()));
    }

    [Fact]
    public async Task A_file_that_keeps_killing_runs_is_moved_aside()
    {
        Drop("poison.png");
        for (var i = 0; i < 3; i++)
            using (var state = WatchState.Open(In)) state.Claim("poison.png");
        var (summary, results) = await RunOnce(Watcher());
        Assert.Empty(_processed);
        Assert.Equal("GeminiImage.WatchInterrupted", results.Single().ErrorId);
        Assert.Contains("stopped 3 times", File.ReadAllText(Path.Combine(In, "failed", "poison.png.error.txt")));
        Assert.Equal(1, summary.ExitCode);
    }

    [Fact]
    public async Task A_saved_output_whose_move_did_not_happen_is_just_moved()
    {
        var source = Drop("a.png");
        Directory.CreateDirectory(Out);
        var output = Path.Combine(Out, "a-edited-kept.png");
        File.WriteAllBytes(output, new byte[] { 1 });
        using (var state = WatchState.Open(In)) state.Update("a.png", ClaimStatus.Done, output);
        var (_, results) = await RunOnce(Watcher());
        Assert.Empty(_processed);
        Assert.Equal(output, results.Single().OutputPath);
        Assert.False(File.Exists(source));
    }

    [Fact]
    public async Task A_bad_file_goes_to_the_failed_folder_with_its_reason()
    {
        Drop("bad.png");
        var (summary, results) = await RunOnce(Watcher((source, _) => throw new InvalidImageException(source, "truncated or corrupt")));
        Assert.Equal(WatchItemStatus.Failed, results.Single().Status);
        var text = File.ReadAllText(Path.Combine(In, "failed", "bad.png.error.txt"));
        Assert.Contains("GeminiImage.InvalidImage", text);
        Assert.Contains("truncated or corrupt", text);
        Assert.Equal(1, summary.ExitCode);
        Assert.Empty(WatchState.Read(In));
    }

    [Fact]
    public async Task A_service_failure_leaves_the_file_in_place()
    {
        var source = Drop("a.png");
        var (summary, results) = await RunOnce(Watcher((_, _) => throw new GeminiConnectionException("connection refused")));
        Assert.Equal(WatchItemStatus.Deferred, results.Single().Status);
        Assert.True(File.Exists(source));
        Assert.False(Directory.Exists(Path.Combine(In, "failed")));
        Assert.Equal(1, summary.ExitCode);
    }

    [Fact]
    public void A_second_watcher_on_the_same_folder_is_refused()
    {
        Directory.CreateDirectory(In);
        using var first = WatchState.Open(In);
        var ex = Assert.Throws<WatchFolderBusyException>(() => WatchState.Open(In));
        Assert.Equal("GeminiImage.WatchFolderBusy", ex.ErrorId);
        // It says which process holds the folder.
        Assert.Contains($"process {Environment.ProcessId} on {Environment.MachineName}", ex.Message);
        first.Dispose();
        Assert.False(File.Exists(Path.Combine(In, WatchState.OwnerFileName)));
        using var next = WatchState.Open(In);
    }

    [Theory]
    [InlineData("/../../escaped")]
    [InlineData("\\..\\x")]
    [InlineData("-a:b")]
    public void A_suffix_that_would_make_the_output_a_path_is_refused(string suffix)
    {
        Directory.CreateDirectory(In);
        var options = new FolderWatchOptions { Folder = In, OutputDirectory = Path.Combine(Path.GetDirectoryName(In)!, "out"), Suffix = suffix };
        var ex = Assert.Throws<PathOutsideRootException>(options.Validate);
        Assert.Equal("GeminiImage.PathOutsideRoot", ex.ErrorId);
        Assert.Contains($"'{suffix}'", ex.Message);
    }

    [Fact]
    public void The_output_folder_cannot_be_the_watched_folder()
    {
        Directory.CreateDirectory(In);
        var options = new FolderWatchOptions { Folder = In, OutputDirectory = In + Path.DirectorySeparatorChar };
        Assert.Throws<ArgumentException>(options.Validate);
    }

    [Fact]
    public async Task A_broken_output_folder_stops_the_watch_before_anything_is_paid_for()
    {
        var source = Drop("a.png");
        Directory.CreateDirectory(_root);
        File.WriteAllBytes(Out, new byte[] { 0 });   // the output folder replaced by a file
        var (summary, results) = await RunOnce(Watcher());
        Assert.Empty(_processed);
        Assert.Empty(results);
        Assert.Equal((WatchStopReason.OutputUnavailable, 2), (summary.StopReason, summary.ExitCode));
        Assert.IsType<WatchOutputUnavailableException>(summary.StopError);
        Assert.True(File.Exists(source));
    }

    [Fact]
    public async Task A_file_that_fails_as_truncated_while_still_growing_is_left_for_later()
    {
        var source = Drop("a.png");
        var (summary, results) = await RunOnce(Watcher((path, _) =>
        {
            File.AppendAllText(path, "more");   // the writer is still at it
            throw new InvalidImageException(path, "truncated or corrupt");
        }, settle: TimeSpan.FromSeconds(2)));   // a -Once run waits this long for a growing file, then leaves it
        Assert.Empty(results);
        Assert.Equal(0, summary.Failed);
        Assert.True(File.Exists(source));
        Assert.False(Directory.Exists(Path.Combine(In, "failed")));
    }

    [Fact]
    public async Task A_continuous_watch_pauses_through_an_outage_and_resumes()
    {
        Drop("a.png");
        var calls = 0;
        var watcher = new FolderWatcher(new FolderWatchOptions
        {
            Folder = In,
            OutputDirectory = Out,
            LogDirectory = Path.Combine(_root, "logs"),
            PollInterval = TimeSpan.FromMilliseconds(10),
            StableFor = TimeSpan.Zero,
            RescanInterval = TimeSpan.FromMilliseconds(50),
            MaxPause = TimeSpan.FromMilliseconds(200),
            Timeout = TimeSpan.FromSeconds(20),
        },
        (source, plan, _) => ++calls <= 7 ? throw new GeminiConnectionException("connection refused") : Task.FromResult(Save(plan, source)),
        new GeminiImage.Engine.Resilience.FailureCircuit(3));
        var results = new List<FolderWatchResult>();
        watcher.ItemCompleted = r => { results.Add(r); };
        using var cts = new CancellationTokenSource();
        watcher.ItemCompleted += r => { if (r.Status == WatchItemStatus.Succeeded) cts.Cancel(); };
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => watcher.RunAsync(cts.Token));
        Assert.Equal(8, calls);
        Assert.Contains(results, r => r.Status == WatchItemStatus.Succeeded);
        var log = File.ReadAllText(Directory.GetFiles(Path.Combine(_root, "logs"), "*.log").Single());
        Assert.Contains("Pausing", log);
        Assert.Contains("Watch stopped by the user", log);
        Assert.Matches(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}  INFO  \[in\] Watch started", log);
        Assert.Contains("\"stopReason\":\"Stopped\"", File.ReadAllText(watcher.Log.RunsPath));
    }
}
