using System.Collections.Concurrent;
using System.Text.Json.Serialization;
using GeminiImage.Engine.Generation;

namespace GeminiImage.Engine.Configuration;

/// <summary>
/// Named connection profiles: saved ones in <c>profiles.json</c> in the data folder, and ones defined for this session
/// only. A profile never holds a key, only where to find it.
/// </summary>
public static class ProfileStore
{
    private static readonly ConcurrentDictionary<string, ConnectionProfile> s_session = new(StringComparer.OrdinalIgnoreCase);
    // Profiles defined (or last changed) in this session without -Save.
    private static readonly ConcurrentDictionary<string, bool> s_unsaved = new(StringComparer.OrdinalIgnoreCase);
    private static readonly JsonSerializerOptions s_json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        PropertyNameCaseInsensitive = true,
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter() },
    };

    /// <summary>The file saved profiles live in.</summary>
    public static string FilePath => Path.Combine(Ledger.DataFolder.Default, "profiles.json");

    /// <summary>Every profile name, session and saved, sorted.</summary>
    public static IReadOnlyList<string> Names() =>
        s_session.Keys.Concat(LoadSaved().Keys).Distinct(StringComparer.OrdinalIgnoreCase).OrderBy(n => n, StringComparer.OrdinalIgnoreCase).ToList();

    /// <summary>The profile, or null when there is none by that name.</summary>
    public static ConnectionProfile? TryGet(string name) =>
        s_session.TryGetValue(name, out var profile) ? profile : LoadSaved().TryGetValue(name, out var saved) ? saved : null;

    /// <summary>The profile; an unknown name is a clear error.</summary>
    public static ConnectionProfile Get(string name) => TryGet(name) ?? throw new GeminiNotFoundException("GeminiImage.ProfileNotFound",
        $"There is no connection profile '{name}'." + (Names().Count == 0 ? " Create one with Set-GeminiConfig -Profile NAME ... -Save." : $" Known profiles: {string.Join(", ", Names())}."));

    /// <summary>The profile with whether it is saved; an unknown name is a clear error.</summary>
    public static (ConnectionProfile Profile, bool Saved) Find(string name) => (Get(name), !s_unsaved.ContainsKey(name));

    /// <summary>Keeps <paramref name="profile"/> for this session and, with <paramref name="save"/>, in the data folder.</summary>
    public static void Put(string name, ConnectionProfile profile, bool save)
    {
        Validate(name, profile);
        s_session[name] = profile;
        if (!save) { s_unsaved[name] = true; return; }
        s_unsaved.TryRemove(name, out _);
        var all = LoadSaved();
        all[name] = profile;
        var bytes = JsonSerializer.SerializeToUtf8Bytes(new ProfileFile { Profiles = all }, s_json);
        OutputWriter.WriteAtomic(FilePath, stream => stream.Write(bytes, 0, bytes.Length), force: true, durable: false);
    }

    /// <summary>Forgets the session's unsaved profiles (saved ones stay on disk).</summary>
    public static void ResetSession()
    {
        s_session.Clear();
        s_unsaved.Clear();
    }

    /// <summary>A profile name is a plain word; a fallback list may not name the profile itself.</summary>
    public static void Validate(string name, ConnectionProfile profile)
    {
        if (string.IsNullOrWhiteSpace(name) || name.Any(c => !(char.IsLetterOrDigit(c) || c == '-' || c == '_' || c == '.')))
            throw new GeminiArgumentException("GeminiImage.InvalidProfileName", $"'{name}' is not a valid profile name: use letters, digits, '-', '_' and '.'.");
        if (profile.Fallback != null && profile.Fallback.Contains(name, StringComparer.OrdinalIgnoreCase))
            throw new GeminiArgumentException("GeminiImage.InvalidFallback", $"The fallback list of profile '{name}' names the profile itself; a fallback must be another profile.");
    }

    private static Dictionary<string, ConnectionProfile> LoadSaved()
    {
        var path = FilePath;
        if (!File.Exists(path)) return new Dictionary<string, ConnectionProfile>(StringComparer.OrdinalIgnoreCase);
        try
        {
            var file = JsonSerializer.Deserialize<ProfileFile>(IO.LimitedFile.ReadAllBytes(path, IO.LimitedFile.MaxSettingsBytes), s_json);
            return new Dictionary<string, ConnectionProfile>(file?.Profiles ?? new Dictionary<string, ConnectionProfile>(), StringComparer.OrdinalIgnoreCase);
        }
        catch (Exception ex) when (ex is JsonException || ex is IOException || ex is UnauthorizedAccessException)
        {
            throw new GeminiArgumentException("GeminiImage.InvalidProfileFile", $"The profile file '{path}' cannot be read ({ex.Message.Split('.')[0]}). Fix or remove it.");
        }
    }

    private sealed class ProfileFile
    {
        public Dictionary<string, ConnectionProfile>? Profiles { get; set; }
    }
}
