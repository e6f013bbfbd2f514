using System.Net;
using System.Text;

namespace GeminiImage.Tests;

internal static class TestData
{
    public static string Dir => Path.Combine(AppContext.BaseDirectory, "data");
    public static string Response(string name) => File.ReadAllText(Path.Combine(Dir, "responses", name));
}

/// <summary>Answers requests from a script, and records what was sent (for shapes the emulator cannot produce).</summary>
internal sealed class ScriptedHandler : HttpMessageHandler
{
    private readonly Queue<Func<HttpRequestMessage, HttpResponseMessage>> _answers = new();
    public List<(HttpRequestMessage Request, string Body)> Sent { get; } = new();

    public ScriptedHandler Then(HttpStatusCode status, string body, string contentType = "application/json")
    {
        _answers.Enqueue(_ => new HttpResponseMessage(status) { Content = new StringContent(body, Encoding.UTF8, contentType) });
        return this;
    }

    public ScriptedHandler Then(Func<HttpRequestMessage, HttpResponseMessage> answer)
    {
        _answers.Enqueue(answer);
        return this;
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = request.Content == null ? "" : await request.Content.ReadAsStringAsync(cancellationToken);
        Sent.Add((request, body));
        if (_answers.Count == 0) throw new InvalidOperationException("No scripted answer left.");
        return _answers.Dequeue()(request);
    }
}
