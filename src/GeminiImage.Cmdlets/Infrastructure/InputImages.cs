namespace GeminiImage.Cmdlets.Infrastructure;

/// <summary>Loads input images through the engine's checks (format by content, bombs, corruption, conversion).</summary>
internal static class InputImages
{
    private static readonly InputImageLoader s_loader = new();

    /// <summary>
    /// Resolves each path (relative to the PowerShell location; a wildcard pattern expands to the files it matches, in
    /// name order, as -Path does) and prepares it; throws on the first bad one, or a pattern that matches nothing.
    /// </summary>
    public static IReadOnlyList<InputImage> Load(PSCmdlet cmdlet, string[]? paths)
    {
        if (paths == null || paths.Length == 0) return Array.Empty<InputImage>();
        var images = new List<InputImage>();
        foreach (var path in paths)
            foreach (var file in Expand(cmdlet, path)) images.Add(LoadOne(cmdlet, file));
        return images;
    }

    /// <summary>A literal file wins ('photo[1].png'); otherwise a pattern expands to the files it matches.</summary>
    private static IEnumerable<string> Expand(PSCmdlet cmdlet, string path)
    {
        var literal = cmdlet.GetUnresolvedProviderPathFromPSPath(path);
        if (File.Exists(literal) || Directory.Exists(literal) || !WildcardPattern.ContainsWildcardCharacters(path)) return new[] { literal };
        List<string> matches;
        try { matches = cmdlet.GetResolvedProviderPathFromPSPath(path, out _).Where(File.Exists).OrderBy(p => p, StringComparer.OrdinalIgnoreCase).ToList(); }
        catch (ItemNotFoundException) { matches = new List<string>(); }
        if (matches.Count == 0) throw new ImageNotFoundException(literal, $"No image file matches '{path}'.");
        return matches;
    }

    /// <summary>Prepares one file-system path; conversion and downscaling warnings go to the warning stream.</summary>
    public static InputImage LoadOne(PSCmdlet cmdlet, string fullPath) => LoadOne(fullPath, cmdlet.WriteWarning);

    /// <summary>Like <see cref="LoadOne(PSCmdlet, string)"/> off the pipeline thread: the warnings go to <paramref name="warn"/>.</summary>
    public static InputImage LoadOne(string fullPath, Action<string> warn) => LoadOne(fullPath, null, warn);

    /// <summary>Prepares <paramref name="data"/> when given (an image in memory, named <paramref name="name"/> in messages), else the file <paramref name="name"/>.</summary>
    public static InputImage LoadOne(string name, byte[]? data, Action<string> warn)
    {
        var prepared = data == null ? s_loader.Prepare(name) : s_loader.Prepare(data, name);
        foreach (var warning in prepared.Warnings) warn(warning);
        return new InputImage(prepared.Data, prepared.MimeType, name);
    }
}
