using System.Security.Cryptography;

namespace GeminiImage.Emulator;

/// <summary>Helpers for reading the wire format, which Google accepts in camelCase and snake_case (reference §3).</summary>
internal static class Wire
{
    public static bool TryProp(this JsonElement e, string camelName, out JsonElement value)
    {
        if (e.ValueKind == JsonValueKind.Object)
        {
            if (e.TryGetProperty(camelName, out value)) return true;
            if (e.TryGetProperty(ToSnake(camelName), out value)) return true;
        }
        value = default;
        return false;
    }

    public static string? Str(this JsonElement e, string camelName) =>
        e.TryProp(camelName, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    public static bool Bool(this JsonElement e, string camelName) =>
        e.TryProp(camelName, out var v) && v.ValueKind == JsonValueKind.True;

    public static string ToSnake(string camel)
    {
        var sb = new StringBuilder(camel.Length + 4);
        foreach (var c in camel)
        {
            if (char.IsUpper(c)) sb.Append('_').Append(char.ToLowerInvariant(c));
            else sb.Append(c);
        }
        return sb.ToString();
    }

    /// <summary>Rejects members a proto message does not have, as Google's JSON parser does; catches client typos early.</summary>
    public static void CheckFields(JsonElement e, string at, params string[] known)
    {
        if (e.ValueKind != JsonValueKind.Object) return;
        foreach (var p in e.EnumerateObject())
        {
            var ok = false;
            foreach (var k in known)
                if (p.Name == k || p.Name == ToSnake(k)) { ok = true; break; }
            if (!ok) throw GoogleError.UnknownField(p.Name, at);
        }
    }

    public static string Sha256Hex(byte[] data)
    {
        using var sha = SHA256.Create();
        return Hex(sha.ComputeHash(data));
    }

    public static string Hex(byte[] bytes)
    {
        var sb = new StringBuilder(bytes.Length * 2);
        foreach (var b in bytes) sb.Append(b.ToString("x2"));
        return sb.ToString();
    }

    private static readonly RandomNumberGenerator s_rng = RandomNumberGenerator.Create();

    public static byte[] RandomBytes(int count)
    {
        var bytes = new byte[count];
        lock (s_rng) s_rng.GetBytes(bytes);
        return bytes;
    }

    /// <summary>Lower-case alphanumeric id like Google's file and batch ids.</summary>
    public static string NewId(int length)
    {
        const string alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
        var bytes = RandomBytes(length);
        var chars = new char[length];
        for (var i = 0; i < length; i++) chars[i] = alphabet[bytes[i] % alphabet.Length];
        return new string(chars);
    }

    public static string Timestamp(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", System.Globalization.CultureInfo.InvariantCulture);

    public static Dictionary<string, string> ParseQuery(string query)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in query.TrimStart('?').Split('&'))
        {
            if (pair.Length == 0) continue;
            var eq = pair.IndexOf('=');
            var name = Uri.UnescapeDataString(eq < 0 ? pair : pair.Substring(0, eq));
            var value = eq < 0 ? "" : Uri.UnescapeDataString(pair.Substring(eq + 1).Replace('+', ' '));
            result[name] = value;
        }
        return result;
    }
}
