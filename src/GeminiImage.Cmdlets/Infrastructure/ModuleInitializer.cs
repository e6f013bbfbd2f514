using System.Reflection;

namespace GeminiImage.Cmdlets.Infrastructure;

/// <summary>
/// Runs when PowerShell imports (and removes) the module: makes the engine and its dependencies in the module's
/// <c>bin</c> folder loadable, isolated from other modules on PowerShell 7.
/// </summary>
/// <remarks>
/// Keep this type, and every other public type of this assembly, free of engine types in its signature or base
/// types: PowerShell enumerates the exported types BEFORE it calls <see cref="OnImport"/>, when nothing can load
/// the engine yet.
/// </remarks>
public sealed class ModuleInitializer : IModuleAssemblyInitializer, IModuleAssemblyCleanup
{
    public void OnImport() => DependencyResolver.Install();

    /// <summary>
    /// Keeps the resolver: after Remove-Module the session can still hold the module's objects and types (results, a chat,
    /// the emulator), whose code loads engine and dependency assemblies on first use; unhooked, those loads would fail.
    /// </summary>
    public void OnRemove(PSModuleInfo psModuleInfo) { }
}

/// <summary>
/// Where the engine comes from. PowerShell 7: a private AssemblyLoadContext, set up by the net8.0 shim
/// GeminiImage.LoadContext.dll (this assembly is netstandard2.0 and cannot derive from AssemblyLoadContext).
/// Windows PowerShell 5.1, or a runtime too old for the shim: the documented fallback, an AppDomain.AssemblyResolve
/// handler that loads what is asked for from <c>bin</c> (no isolation there: .NET Framework has one load context).
/// </summary>
internal static class DependencyResolver
{
    private const string ShimName = "GeminiImage.LoadContext";
    private static readonly string[] s_entryAssemblies = { "GeminiImage.Engine", "GeminiImage.Emulator" };
    private static readonly object s_lock = new();
    private static readonly Dictionary<string, Assembly> s_loaded = new(StringComparer.OrdinalIgnoreCase);
    private static Type? s_shim;
    private static bool s_fallbackHooked;

    /// <summary>The folder with the engine, the emulator, the third-party assemblies and runtimes/&lt;rid&gt;/native.</summary>
    internal static string BinDirectory { get; } = Path.Combine(Path.GetDirectoryName(typeof(DependencyResolver).Assembly.Location)!, "bin");

    private static bool IsNetFramework => RuntimeInformation.FrameworkDescription.StartsWith(".NET Framework", StringComparison.Ordinal);

    public static void Install()
    {
        lock (s_lock)
        {
            if (!IsNetFramework && TryInstallShim()) return;
            if (!s_fallbackHooked) AppDomain.CurrentDomain.AssemblyResolve += ResolveFromBin;
            s_fallbackHooked = true;
        }
    }

    private static bool TryInstallShim()
    {
        try
        {
            s_shim ??= Assembly.LoadFrom(Path.Combine(BinDirectory, ShimName + ".dll")).GetType(ShimName + ".ModuleLoadContext", throwOnError: true);
            s_shim!.GetMethod("Install")!.Invoke(null, new object[] { BinDirectory, s_entryAssemblies });
            return true;
        }
        catch (Exception e) when (e is IOException or BadImageFormatException or TypeLoadException or TargetInvocationException or MissingMethodException)
        {
            // A PowerShell 7 older than the shim's target runtime: fall back to AssemblyResolve like Windows PowerShell.
            s_shim = null;
            return false;
        }
    }

    private static Assembly? ResolveFromBin(object? sender, ResolveEventArgs args)
    {
        var name = new AssemblyName(args.Name).Name;
        if (string.IsNullOrEmpty(name)) return null;
        var path = BinPath(name!);
        if (path == null) return null;
        lock (s_loaded)
        {
            // .NET Framework has no binding redirects for a module: answer with one copy whatever version was asked for.
            // A copy already loaded (the GAC's System.Memory bound by ImageSharp's lower reference, or another module's)
            // is that copy: loading ours beside it would give two System.Memory, whose Span types do not match.
            if (!s_loaded.TryGetValue(name!, out var assembly))
                s_loaded[name!] = assembly = AlreadyLoaded(name!) ?? Assembly.LoadFrom(path);
            return assembly;
        }
    }

    private static Assembly? AlreadyLoaded(string name)
    {
        foreach (var loaded in AppDomain.CurrentDomain.GetAssemblies())
            if (string.Equals(loaded.GetName().Name, name, StringComparison.OrdinalIgnoreCase)) return loaded;
        return null;
    }

    /// <summary>
    /// The file for <paramref name="name"/>: on Windows the Windows build from runtimes/win/lib when the package has one
    /// (System.Text.Encoding.CodePages: the copy in bin itself is the build for other systems), else bin/name.dll.
    /// </summary>
    internal static string? BinPath(string name)
    {
        if (RuntimeInformation.IsOSPlatform(OSPlatform.Windows))
        {
            var windows = Path.Combine(BinDirectory, "runtimes", "win", "lib", "netstandard2.0", name + ".dll");
            if (File.Exists(windows)) return windows;
        }
        var path = Path.Combine(BinDirectory, name + ".dll");
        return File.Exists(path) ? path : null;
    }
}
