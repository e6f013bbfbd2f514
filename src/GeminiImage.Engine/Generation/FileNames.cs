using System.Security.Cryptography;

namespace GeminiImage.Engine.Generation;

/// <summary>
/// File names made from text that was not written as a file name (row ids, settings): valid on every system, so a
/// batch file written on Linux does not lose its images on Windows, and never a path.
/// </summary>
public static class FileNames
{
    private const int MaxStem = 120;
    // Forbidden in Windows file names (the strictest system), plus '%' which starts our escapes.
    private const string Forbidden = "<>:\"/\\|?*%";

    /// <summary>
    /// A file name stem for <paramref name="id"/>. Characters a file name cannot hold, '%', a leading dot and a trailing
    /// dot or space become %XX (uppercase hex), and a reserved device name gets its first letter escaped, so distinct
    /// ids never share a stem ("a/b" is "a%2Fb", "a_b" stays "a_b"), even where names are compared case-insensitively.
    /// Very long ids are cut and end in a hash of the whole id.
    /// </summary>
    public static string FromId(string id)
    {
        if (id.Length == 0) return "%";
        var stem = new StringBuilder(id.Length);
        for (var i = 0; i < id.Length; i++)
        {
            var c = id[i];
            var escape = c < 32 || c == 127 || Forbidden.IndexOf(c) >= 0
                || (i == 0 && c == '.')
                || (i == id.Length - 1 && (c == '.' || c == ' '));
            if (escape) stem.Append('%').Append(((int)c).ToString("X2", CultureInfo.InvariantCulture));
            else stem.Append(c);
        }
        if (IsReserved(stem.ToString())) stem.Remove(0, 1).Insert(0, "%" + ((int)id[0]).ToString("X2", CultureInfo.InvariantCulture));
        if (stem.Length <= MaxStem) return stem.ToString();
        // Cut on a whole character, never in the middle of an escape or a surrogate pair.
        var cut = MaxStem - 9;
        while (cut > 0 && (stem[cut - 1] == '%' || (cut > 1 && stem[cut - 2] == '%') || char.IsHighSurrogate(stem[cut - 1]))) cut--;
        return stem.ToString(0, cut).TrimEnd('.', ' ') + "~" + Hash(id);
    }

    /// <summary>Why <paramref name="name"/> cannot be one file name on every system (a rule in words), or null when it can.</summary>
    public static string? Problem(string name)
    {
        if (name.Length == 0 || name == "." || name == "..") return $"'{name}' is not a file name";
        if (name.Any(c => c < 32 || c == 127 || (c != '%' && Forbidden.IndexOf(c) >= 0)))
            return $"the name '{name}' holds a path separator, drive or character that file names cannot hold";
        if (name.EndsWith(".", StringComparison.Ordinal) || name.EndsWith(" ", StringComparison.Ordinal))
            return $"the name '{name}' ends in a dot or a space, which Windows drops";
        if (IsReserved(name)) return $"'{name}' is a reserved device name on Windows";
        return null;
    }

    /// <summary>CON, NUL, COM1 ... with or without an extension ("nul.png" is the NUL device too).</summary>
    public static bool IsReserved(string name)
    {
        var dot = name.IndexOf('.');
        var stem = (dot < 0 ? name : name.Substring(0, dot)).TrimEnd(' ').ToUpperInvariant();
        // Checked here, not in a set built once: every call (and so every test that names a file) runs the same rules.
        return stem is "CON" or "PRN" or "AUX" or "NUL" or "CONIN$" or "CONOUT$" or "CLOCK$"
            || (stem.Length == 4 && (stem.StartsWith("COM", StringComparison.Ordinal) || stem.StartsWith("LPT", StringComparison.Ordinal))
                && DeviceDigits.IndexOf(stem[3]) >= 0);
    }

    // COM0-COM9, LPT0-LPT9 and the superscript digits Windows also treats as device numbers.
    private const string DeviceDigits = "0123456789¹²³";

    private static string Hash(string text)
    {
        using var sha = SHA256.Create();
        var bytes = sha.ComputeHash(Encoding.UTF8.GetBytes(text));
        return string.Concat(bytes.Take(4).Select(b => b.ToString("x2", CultureInfo.InvariantCulture)));
    }
}
