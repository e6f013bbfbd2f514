using System.Globalization;
using GeminiImage.Engine.Catalog;

namespace GeminiImage.Emulator;

/// <summary>models.list and models.get (reference §2.1; Google's Model resource): the catalog's live image models plus a few text models.</summary>
internal static class ModelList
{
    // Text models a real key also sees, so that clients must tell image models apart.
    private static readonly (string Id, string Name, int Input, int Output)[] s_textModels =
    {
        ("gemini-2.5-flash", "Gemini 2.5 Flash", 1048576, 65536),
        ("gemini-3-flash-preview", "Gemini 3 Flash Preview", 1048576, 65536),
        ("gemini-3.1-pro-preview", "Gemini 3.1 Pro Preview", 1048576, 65536),
        ("gemini-embedding-001", "Gemini Embedding 001", 2048, 1),
    };

    /// <summary>Ids the emulator serves: catalog models that are neither shut down nor retired, then the text models.</summary>
    public static List<string> LiveIds(Func<string, bool> isRetired) =>
        ModelCatalog.Default.Models.Where(m => m.Status != ModelStatus.ShutDown && !isRetired(m.Id)).Select(m => m.Id)
            .Concat(s_textModels.Select(t => t.Id)).ToList();

    /// <summary>One page: pageSize defaults to 50 and is capped at 1000 (and at <paramref name="pageLimit"/> when positive); pageToken is opaque.</summary>
    public static Reply List(Dictionary<string, string> query, Func<string, bool> isRetired, int pageLimit)
    {
        var ids = LiveIds(isRetired);
        var size = query.TryGetValue("pageSize", out var s) && int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n > 0 ? Math.Min(n, 1000) : 50;
        if (pageLimit > 0) size = Math.Min(size, pageLimit);
        var start = 0;
        if (query.TryGetValue("pageToken", out var token) && token.Length > 0)
        {
            if (!token.StartsWith("m", StringComparison.Ordinal) || !int.TryParse(token.Substring(1), NumberStyles.Integer, CultureInfo.InvariantCulture, out start) || start < 0 || start > ids.Count)
                throw GoogleError.InvalidArgument("Invalid page token.");
        }
        var page = ids.Skip(start).Take(size).ToList();
        var next = start + size < ids.Count ? "m" + (start + size).ToString(CultureInfo.InvariantCulture) : null;
        return Reply.Json(200, w =>
        {
            w.WriteStartObject();
            w.WriteStartArray("models");
            foreach (var id in page) Write(w, id);
            w.WriteEndArray();
            if (next != null) w.WriteString("nextPageToken", next);
            w.WriteEndObject();
        });
    }

    /// <summary>models.get for a live id; 404 otherwise.</summary>
    public static Reply Get(string id, Func<string, bool> isRetired)
    {
        if (!LiveIds(isRetired).Contains(id, StringComparer.Ordinal)) throw GoogleError.NotFound($"models/{id} is not found for API version v1beta.");
        return Reply.Json(200, w => Write(w, id));
    }

    private static void Write(Utf8JsonWriter w, string id)
    {
        var text = s_textModels.FirstOrDefault(t => t.Id == id);
        var isImage = text.Id == null;
        ModelCatalog.Default.TryGet(id, out var model);
        w.WriteStartObject();
        w.WriteString("name", "models/" + id);
        w.WriteString("version", isImage && model.ReleaseDate is { } released ? released.ToString("yyyy-MM", CultureInfo.InvariantCulture) : "001");
        w.WriteString("displayName", isImage ? model.Nickname : text.Name);
        w.WriteString("description", isImage ? $"Gemini image generation model ({model.Nickname})." : $"{text.Name}.");
        w.WriteNumber("inputTokenLimit", isImage ? 131072 : text.Input);
        w.WriteNumber("outputTokenLimit", isImage ? 32768 : text.Output);
        w.WriteStartArray("supportedGenerationMethods");
        foreach (var method in id.StartsWith("gemini-embedding", StringComparison.Ordinal)
                     ? new[] { "embedContent", "countTextTokens", "countTokens" }
                     : new[] { "generateContent", "countTokens", "createCachedContent", "batchGenerateContent" })
            w.WriteStringValue(method);
        w.WriteEndArray();
        if (isImage || !id.StartsWith("gemini-embedding", StringComparison.Ordinal))
        {
            w.WriteNumber("temperature", 1);
            w.WriteNumber("topP", 0.95);
            w.WriteNumber("topK", 64);
            w.WriteNumber("maxTemperature", 2);
            w.WriteBoolean("thinking", !isImage || model.Thinking);
        }
        w.WriteEndObject();
    }
}
