using System.Text.Json.Nodes;
using GeminiImage.Engine.Generation;

namespace GeminiImage.Engine.Catalog;

/// <summary>
/// Edits the user's catalog override file (<see cref="ModelCatalog.OverridePath"/>): one entry per model id, members
/// merged over the shipped entry. Every change is checked against the shipped catalog before the file is written.
/// </summary>
public static class ModelCatalogOverride
{
    /// <summary>
    /// The file's text with <paramref name="members"/> set on the entry <paramref name="id"/> (created when missing; a null
    /// value removes a member). Throws <c>GeminiImage.InvalidModelCatalog</c> when the result would not load.
    /// </summary>
    /// <summary>As <see cref="PlanSet(string, IReadOnlyDictionary{string, JsonNode?}, string?)"/>, from plain values (strings, numbers, arrays, dictionaries), so callers need no JSON types.</summary>
    public static string PlanSet(string id, IReadOnlyDictionary<string, object?> members, string? path = null) =>
        PlanSet(id, members.ToDictionary(m => m.Key, m => m.Value == null ? null : System.Text.Json.JsonSerializer.SerializeToNode(m.Value, m.Value.GetType())), path);

    public static string PlanSet(string id, IReadOnlyDictionary<string, JsonNode?> members, string? path = null)
    {
        var (document, models) = Read(path);
        id = ModelCatalog.StripPrefix(id.Trim());
        var entry = models.OfType<JsonObject>().FirstOrDefault(e => string.Equals((string?)e["id"], id, StringComparison.OrdinalIgnoreCase));
        if (entry == null)
        {
            entry = new JsonObject { ["id"] = id };
            models.Add(entry);
        }
        foreach (var member in members)
        {
            if (member.Value == null) entry.Remove(member.Key);
            else entry[member.Key] = member.Value.DeepClone();
        }
        return Checked(document);
    }

    /// <summary>The file's text without the entry <paramref name="id"/>, or null when the file has no such entry.</summary>
    public static string? PlanRemove(string id, string? path = null)
    {
        var (document, models) = Read(path);
        id = ModelCatalog.StripPrefix(id.Trim());
        var entry = models.OfType<JsonObject>().FirstOrDefault(e => string.Equals((string?)e["id"], id, StringComparison.OrdinalIgnoreCase));
        if (entry == null) return null;
        models.Remove(entry);
        return Checked(document);
    }

    /// <summary>Ids the override file lists, in file order (empty when there is no file).</summary>
    public static IReadOnlyList<string> Ids(string? path = null) =>
        Read(path).Models.OfType<JsonObject>().Select(e => (string?)e["id"]).Where(i => i != null).Select(i => i!).ToList();

    /// <summary>Writes the text atomically (the catalog re-reads the file on its next use).</summary>
    public static void Write(string text, string? path = null)
    {
        var file = path ?? ModelCatalog.OverridePath;
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        OutputWriter.WriteAtomic(Encoding.UTF8.GetBytes(text), file, force: true);
    }

    private static (JsonObject Document, JsonArray Models) Read(string? path)
    {
        var file = path ?? ModelCatalog.OverridePath;
        if (!File.Exists(file)) return Empty();
        try
        {
            var node = JsonNode.Parse(IO.LimitedFile.ReadAllText(file, IO.LimitedFile.MaxCatalogBytes), documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
            if (node is JsonObject document && document["models"] is JsonArray models) return (document, models);
            throw new InvalidDataException("the file must be a JSON object with a \"models\" array.");
        }
        catch (Exception ex) when (ex is JsonException or InvalidDataException or InvalidOperationException)
        {
            throw Invalid(file, ex.Message);
        }
    }

    private static (JsonObject, JsonArray) Empty()
    {
        var models = new JsonArray();
        return (new JsonObject { ["_comment"] = "GeminiImage model catalog override: entries merge over the shipped catalog (Get-Help Set-GeminiModel).", ["models"] = models }, models);
    }

    private static string Checked(JsonObject document)
    {
        var text = document.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
        try
        {
            using var embedded = typeof(ModelCatalog).Assembly.GetManifestResourceStream("GeminiImage.models.json")!;
            ModelCatalog.Load(embedded, new MemoryStream(Encoding.UTF8.GetBytes(text)));
        }
        catch (Exception ex) when (ex is InvalidDataException or JsonException or FormatException)
        {
            throw Invalid(ModelCatalog.OverridePath, ex.Message);
        }
        return text;
    }

    private static GeminiArgumentException Invalid(string file, string reason) =>
        new("GeminiImage.InvalidModelCatalog", $"The model catalog override '{file}' would not be valid: {reason}");
}
