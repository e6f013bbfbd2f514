using GeminiImage.Engine.Ledger;

namespace GeminiImage.Engine.Styles;

/// <summary>
/// The built-in styles (embedded) plus the user's styles (<c>styles.json</c> in the data folder). A user style with the
/// name of a built-in one replaces it. Changes are read-modify-write under a lock file, so two processes that add
/// styles at once both keep theirs.
/// </summary>
public sealed class StyleStore
{
    public const string FileName = "styles.json";

    private static readonly Lazy<IReadOnlyList<GeminiStyle>> s_builtIn = new(() =>
    {
        using var stream = typeof(StyleStore).Assembly.GetManifestResourceStream("GeminiImage.styles.json")
            ?? throw new InvalidOperationException("The embedded style set is missing.");
        using var reader = new StreamReader(stream);
        return StyleFile.Parse(reader.ReadToEnd(), "built-in styles", StyleSource.BuiltIn);
    });

    /// <param name="dataFolder">Default: <see cref="Ledger.DataFolder.Default"/> (GEMINI_IMAGE_HOME).</param>
    public StyleStore(string? dataFolder = null) => FilePath = Path.Combine(dataFolder ?? DataFolder.Default, FileName);

    /// <summary>The user's style file.</summary>
    public string FilePath { get; }

    /// <summary>The styles shipped with the module (copies).</summary>
    public static IReadOnlyList<GeminiStyle> BuiltIn => s_builtIn.Value.Select(s => s.Clone()).ToList();

    /// <summary>Every style in effect, by name; user styles replace built-in ones of the same name.</summary>
    public IReadOnlyList<GeminiStyle> GetAll()
    {
        var byName = new Dictionary<string, GeminiStyle>(StringComparer.OrdinalIgnoreCase);
        foreach (var style in BuiltIn) byName[style.Name] = style;
        foreach (var style in ReadUser()) byName[style.Name] = style;
        return byName.Values.OrderBy(s => s.Name, StringComparer.OrdinalIgnoreCase).ToList();
    }

    /// <summary>The user's own styles only.</summary>
    public IReadOnlyList<GeminiStyle> GetUser() => ReadUser().OrderBy(s => s.Name, StringComparer.OrdinalIgnoreCase).ToList();

    public GeminiStyle? Find(string name) =>
        GetAll().FirstOrDefault(s => string.Equals(s.Name, name?.Trim(), StringComparison.OrdinalIgnoreCase));

    /// <summary>The named style; <see cref="GeminiStyleException"/> (StyleNotFound) when there is none.</summary>
    public GeminiStyle Get(string name)
    {
        var style = Find(name);
        if (style != null) return style;
        var names = GetAll().Select(s => s.Name).ToList();
        throw new GeminiStyleException(GeminiStyleException.NotFoundId,
            $"There is no style named '{name}'. Styles: {string.Join(", ", names)}.");
    }

    /// <summary>Adds or replaces a user style.</summary>
    public GeminiStyle Set(GeminiStyle style)
    {
        var copy = style.Clone();
        copy.Normalize();
        copy.Validate();
        copy.Source = StyleSource.User;
        Update(list =>
        {
            list.RemoveAll(s => string.Equals(s.Name, copy.Name, StringComparison.OrdinalIgnoreCase));
            list.Add(copy);
        });
        return copy.Clone();
    }

    /// <summary>Removes a user style; removing one that overrides a built-in brings the built-in back.</summary>
    /// <returns>false when no user style has that name.</returns>
    public bool Remove(string name)
    {
        var removed = false;
        Update(list => removed = list.RemoveAll(s => string.Equals(s.Name, name?.Trim(), StringComparison.OrdinalIgnoreCase)) > 0);
        if (!removed && BuiltIn.Any(s => string.Equals(s.Name, name?.Trim(), StringComparison.OrdinalIgnoreCase)))
            throw new GeminiStyleException(GeminiStyleException.BuiltInId, $"'{name}' is a built-in style and cannot be removed.");
        return removed;
    }

    /// <summary>
    /// Adds the styles of a shared file. Without <paramref name="force"/> a name the user already has is an error and
    /// nothing is imported; built-in names are overridden (that is what a team file is for).
    /// </summary>
    public IReadOnlyList<GeminiStyle> Import(string path, bool force)
    {
        var incoming = StyleFile.Read(path, StyleSource.User);
        Update(list =>
        {
            if (!force)
            {
                var clash = incoming.Where(i => list.Any(s => string.Equals(s.Name, i.Name, StringComparison.OrdinalIgnoreCase))).Select(i => i.Name).ToList();
                if (clash.Count > 0)
                    throw new GeminiStyleException(GeminiStyleException.StyleExistsId,
                        $"You already have the style(s) {string.Join(", ", clash)}; nothing was imported. Use -Force to replace them.");
            }
            foreach (var style in incoming)
            {
                list.RemoveAll(s => string.Equals(s.Name, style.Name, StringComparison.OrdinalIgnoreCase));
                list.Add(style);
            }
        });
        return incoming.Select(s => s.Clone()).ToList();
    }

    /// <summary>Writes styles to a file others can import.</summary>
    public static void Export(string path, IEnumerable<GeminiStyle> styles, bool force) => StyleFile.Write(path, styles, force);

    private List<GeminiStyle> ReadUser() =>
        File.Exists(FilePath) ? StyleFile.Read(FilePath, StyleSource.User) : new List<GeminiStyle>();

    private void Update(Action<List<GeminiStyle>> change)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(FilePath)!);
        using (AcquireLock())
        {
            var list = ReadUser();
            change(list);
            StyleFile.Write(FilePath, list);
        }
    }

    // An exclusive lock on styles.json.lock (left in place: deleting it would let two processes lock different files); the OS releases it if the process dies.
    private IDisposable AcquireLock()
    {
        var lockPath = FilePath + ".lock";
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            try
            {
                return new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.None);
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                Thread.Sleep(25);
            }
        }
    }
}
