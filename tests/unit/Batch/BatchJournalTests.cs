using GeminiImage.Engine.Errors;
using GeminiImage.Engine.Batch;
using Xunit;

namespace GeminiImage.Tests.Batch;

public sealed class BatchJournalTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "journal-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_dir)) Directory.Delete(_dir, true);
    }

    [Fact]
    public void AJournalHeldByOneRunIsRefusedToAnotherUntilItEnds()
    {
        using (var held = BatchJournal.Open(_dir))
        {
            var open = Assert.Throws<GeminiOperationException>(() => BatchJournal.Open(_dir));
            Assert.Equal("GeminiImage.BatchFolderInUse", open.ErrorId);
            Assert.Equal(ErrorKind.ResourceUnavailable, open.Kind);
            Assert.Contains(_dir, open.Message);
            Assert.Empty(BatchJournal.Load(_dir));   // reading it (a resume plan, Get-Content) is not refused
        }
        using (BatchJournal.Open(_dir)) { }
        Assert.Empty(BatchJournal.Load(_dir));
    }

    [Fact]
    public void RecordsOutcomesAndTheLatestWins()
    {
        using (var journal = BatchJournal.Open(_dir))
        {
            journal.Append(new BatchRowResult { Id = "a", Status = BatchRowStatus.Failed, Error = "boom" });
            journal.Append(new BatchRowResult { Id = "b", Status = BatchRowStatus.Succeeded, Path = "/x/b.png", Cost = 0.039m });
            journal.Append(new BatchRowResult { Id = "a", Status = BatchRowStatus.Succeeded, Cost = 0.04m });
            journal.Append(new BatchRowResult { Id = "c", Status = BatchRowStatus.Blocked });
        }
        var loaded = BatchJournal.Load(_dir);
        Assert.Equal(3, loaded.Count);
        Assert.Equal(BatchRowStatus.Succeeded, loaded["a"].Status);
        Assert.Equal(0.039m, loaded["B"].Cost);
        Assert.True(loaded["c"].IsComplete);
        Assert.Contains("\"status\":\"Succeeded\"", File.ReadAllText(Path.Combine(_dir, BatchJournal.FileName)));
    }

    [Fact]
    public void RowsFinishingTogetherShareFlushesToTheDiskAndEveryLineIsKept()
    {
        const int threads = 16, each = 20;
        using (var journal = BatchJournal.Open(_dir))
        {
            using var start = new Barrier(threads);
            var workers = Enumerable.Range(0, threads).Select(t => new Thread(() =>
            {
                start.SignalAndWait();
                for (var i = 0; i < each; i++) journal.Append(new BatchRowResult { Id = $"t{t}-{i}", Status = BatchRowStatus.Succeeded, Prompt = new string('p', 300) });
            })).ToList();
            workers.ForEach(w => w.Start());
            workers.ForEach(w => w.Join());
            // One flush per line before; now a flush covers every line written while the previous one ran.
            Assert.InRange(journal.SyncCount, 1, threads * each - 1);
        }
        var loaded = BatchJournal.Load(_dir);
        Assert.Equal(threads * each, loaded.Count);
        Assert.Equal(threads * each, File.ReadAllLines(Path.Combine(_dir, BatchJournal.FileName)).Length);
    }

    [Fact]
    public void ATornLastLineIsIgnoredAndTheNextRunStartsOnANewLine()
    {
        using (var journal = BatchJournal.Open(_dir))
            journal.Append(new BatchRowResult { Id = "done", Status = BatchRowStatus.Succeeded });
        File.AppendAllText(Path.Combine(_dir, BatchJournal.FileName), "{\"id\":\"half\",\"sta");
        Assert.Equal(new[] { "done" }, BatchJournal.Load(_dir).Keys);

        using (var journal = BatchJournal.Open(_dir))
            journal.Append(new BatchRowResult { Id = "next", Status = BatchRowStatus.Succeeded });
        Assert.Equal(new[] { "done", "next" }, BatchJournal.Load(_dir).Keys.OrderBy(k => k));
    }

    [Fact]
    public void FailedRowsAreNotComplete()
    {
        Assert.False(new BatchRowResult { Status = BatchRowStatus.Failed }.IsComplete);
        Assert.False(new BatchRowResult { Status = BatchRowStatus.NotRun }.IsComplete);
        Assert.True(new BatchRowResult { Status = BatchRowStatus.Succeeded }.IsComplete);
        Assert.Empty(BatchJournal.Load(_dir));
    }
}
