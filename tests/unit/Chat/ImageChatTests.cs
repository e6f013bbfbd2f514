using GeminiImage.Engine.Api;
using GeminiImage.Engine.Chat;
using GeminiImage.Engine.Generation;
using Xunit;

namespace GeminiImage.Tests.Chat;

/// <summary>The inline budget of a chat follows Google's 100 MB inline limit (2026-01), with a margin.</summary>
public class ImageChatTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "chat-" + Guid.NewGuid().ToString("N"));

    public ImageChatTests() => Directory.CreateDirectory(_dir);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private ImageChat ChatWithHistory(int megabytes)
    {
        var latest = Path.Combine(_dir, "latest.png");
        File.Copy(GeminiImage.Tests.Imaging.TestImages.Get("good.png"), latest, overwrite: true);
        var chat = new ImageChat { OutputDirectory = _dir };
        chat.History.Add(new Content { Role = "user", Parts = new List<Part> { Part.FromText("start") } });
        chat.History.Add(new Content { Role = "model", Parts = new List<Part> { Part.FromImage(new byte[megabytes * 1024 * 1024], "image/png") } });
        chat.Turns.Add(new ChatTurn { Number = 1, Prompt = "start", ImagePath = latest });
        return chat;
    }

    [Fact]
    public void A_20_MB_history_is_sent_whole_now_that_the_inline_limit_is_100_MB()
    {
        var request = ChatWithHistory(20).NextRequest("next", null, null, Array.Empty<InputImage>(), out var warning);
        Assert.Null(warning);
        Assert.Equal(2, request.History.Count);
    }

    [Fact]
    public void A_history_past_60_MB_restarts_from_the_latest_image()
    {
        var request = ChatWithHistory(50).NextRequest("next", null, null, Array.Empty<InputImage>(), out var warning);
        Assert.NotNull(warning);
        Assert.Contains("60 MB", warning);
        Assert.Empty(request.History);
        Assert.Single(request.InputImages);
    }
}
