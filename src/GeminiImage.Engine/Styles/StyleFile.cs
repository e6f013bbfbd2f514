using System.Text.Encodings.Web;
using System.Text.Json.Serialization;

namespace GeminiImage.Engine.Styles;

/// <summary>The JSON document that holds styles: the built-in set, the user's styles.json and shared export files.</summary>
/// <remarks>
/// Format (camelCase, indented, unset defaults left out), meant to be read and edited by people:
/// <code>{ "version": 1, "styles": [ { "name": "...", "description": "...", "template": "... {prompt} ...", "aspectRatio": "4:5" } ] }</code>
/// </remarks>
public sealed class StyleFile
{
    public const int CurrentVersion = 1;

    internal static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        PropertyNameCaseInsensitive = true,
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        // Keep quotes, apostrophes and non-ASCII readable in the file.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public int Version { get; set; } = CurrentVersion;
    /// <summary>Required: JSON without a "styles" list is some other file, not an empty style file.</summary>
    [JsonRequired]
    public List<GeminiStyle> Styles { get; set; } = new();

    /// <summary>Parses and validates a document; every style must be valid and names unique (case-insensitive).</summary>
    public static List<GeminiStyle> Parse(string json, string origin, StyleSource source)
    {
        StyleFile? file;
        try
        {
            var trimmed = json.TrimStart();
            // A bare array of styles is accepted too (hand-written files).
            file = trimmed.StartsWith("[", StringComparison.Ordinal)
                ? new StyleFile { Styles = JsonSerializer.Deserialize<List<GeminiStyle>>(json, Json) ?? new List<GeminiStyle>() }
                : JsonSerializer.Deserialize<StyleFile>(json, Json);
        }
        catch (JsonException ex)
        {
            throw new GeminiStyleException(GeminiStyleException.StyleFileId, $"'{origin}' is not a valid style file: {ex.Message}", ex);
        }
        if (file == null) throw new GeminiStyleException(GeminiStyleException.StyleFileId, $"'{origin}' is empty.");
        if (file.Version > CurrentVersion)
            throw new GeminiStyleException(GeminiStyleException.StyleFileId, $"'{origin}' has style file version {file.Version}; this module reads version {CurrentVersion}. Update the module.");
        var styles = (file.Styles ?? new List<GeminiStyle>()).Where(s => s != null).ToList();
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var style in styles)
        {
            style.Normalize();
            style.Source = source;
            try { style.Validate(); }
            catch (GeminiStyleException ex) { throw new GeminiStyleException(GeminiStyleException.StyleFileId, $"'{origin}': {ex.Message}", ex); }
            if (!seen.Add(style.Name))
                throw new GeminiStyleException(GeminiStyleException.StyleFileId, $"'{origin}' defines the style '{style.Name}' twice.");
        }
        return styles;
    }

    public static List<GeminiStyle> Read(string path, StyleSource source)
    {
        string json;
        try { json = IO.LimitedFile.ReadAllText(path, IO.LimitedFile.MaxStyleBytes); }
        catch (FileNotFoundException ex) { throw new GeminiStyleException(GeminiStyleException.StyleFileId, $"The style file '{path}' does not exist.", ex); }
        catch (DirectoryNotFoundException ex) { throw new GeminiStyleException(GeminiStyleException.StyleFileId, $"The style file '{path}' does not exist.", ex); }
        return Parse(json, path, source);
    }

    public static string Serialize(IEnumerable<GeminiStyle> styles) =>
        JsonSerializer.Serialize(new StyleFile { Styles = styles.OrderBy(s => s.Name, StringComparer.OrdinalIgnoreCase).ToList() }, Json);

    /// <summary>Writes the file atomically (temporary file, then rename), UTF-8 without BOM, LF line ends.</summary>
    public static void Write(string path, IEnumerable<GeminiStyle> styles, bool force = true)
    {
        var text = Serialize(styles).Replace("\r\n", "\n") + "\n";
        Generation.OutputWriter.WriteAtomic(new UTF8Encoding(false).GetBytes(text), path, force);
    }
}
