using System;
using System.Collections.Generic;
using System.IO;
using System.Reflection;
using System.Runtime.Loader;

namespace GeminiImage.LoadContext;

/// <summary>
/// The private load context of GeminiImage: the engine, the emulator and every third-party assembly they use
/// (Polly, ImageSharp, Microsoft.Data.Sqlite, SQLitePCLRaw...) load here from the module's <c>bin</c> folder, so
/// another module that brings a different version of the same assembly into the default context does not clash.
/// </summary>
/// <remarks>
/// An assembly the host already provides (the .NET shared framework and PowerShell's own assemblies, i.e. the
/// trusted platform assemblies) in the same or a newer version is not loaded again: <see cref="Load"/> returns null
/// and the runtime falls back to the default context. That keeps one <c>System.Memory</c>, one <c>System.Text.Json</c>
/// and so on in the process; the netstandard2.0 copies in <c>bin</c> are there for Windows PowerShell 5.1.
/// </remarks>
internal sealed class DependencyLoadContext : AssemblyLoadContext
{
    private static readonly Lazy<Dictionary<string, string>> s_platformAssemblies = new(ReadPlatformAssemblies);
    // PowerShell ships its own Newtonsoft.Json (same assembly version 13.0.0.0 for every 13.x build): Google.Apis.Auth
    // gets the build it was made with from bin/, and another module's copy can never be handed to it.
    private static readonly HashSet<string> s_alwaysPrivate = new(StringComparer.OrdinalIgnoreCase) { "Newtonsoft.Json" };
    private readonly string _directory;

    public DependencyLoadContext(string directory) : base("GeminiImage", isCollectible: false) => _directory = directory;

    protected override Assembly? Load(AssemblyName assemblyName)
    {
        var name = assemblyName.Name;
        if (string.IsNullOrEmpty(name) || name == typeof(DependencyLoadContext).Assembly.GetName().Name) return null;
        var path = Path.Combine(_directory, name + ".dll");
        if (!File.Exists(path) || (!s_alwaysPrivate.Contains(name) && IsProvidedByHost(assemblyName))) return null;
        // bin/core holds .NET Core builds of some dependencies (faster: hardware intrinsics); same assembly version.
        var core = Path.Combine(_directory, "core", name + ".dll");
        return LoadFromAssemblyPath(File.Exists(core) ? core : path);
    }

    private static bool IsProvidedByHost(AssemblyName requested)
    {
        if (!s_platformAssemblies.Value.TryGetValue(requested.Name!, out var path)) return false;
        try { return requested.Version == null || AssemblyName.GetAssemblyName(path).Version >= requested.Version; }
        catch (Exception e) when (e is IOException or BadImageFormatException or UnauthorizedAccessException) { return false; }
    }

    private static Dictionary<string, string> ReadPlatformAssemblies()
    {
        var map = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES") is string list)
        {
            foreach (var path in list.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
                map[Path.GetFileNameWithoutExtension(path)] = path;
        }
        return map;
    }
}
