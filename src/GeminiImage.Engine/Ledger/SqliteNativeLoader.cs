using System.Reflection;
using System.Runtime.InteropServices;

namespace GeminiImage.Engine.Ledger;

/// <summary>
/// Makes the bundled native SQLite (e_sqlite3) loadable when the engine runs inside a PowerShell module folder.
/// </summary>
/// <remarks>
/// SQLitePCLRaw's provider binds with <c>[DllImport("e_sqlite3")]</c>. An application finds
/// <c>runtimes/&lt;rid&gt;/native/</c> through its deps.json, but a PowerShell binary module is loaded into pwsh's
/// process, whose deps.json knows nothing about the module folder, so the import fails with DllNotFoundException.
/// We therefore locate <c>&lt;engine dir&gt;/runtimes/&lt;rid&gt;/native/&lt;lib&gt;</c> ourselves and:
/// <list type="bullet">
/// <item>on .NET Core 3+ (PowerShell 7): load it by full path with <c>NativeLibrary.Load</c> and register a
/// <c>DllImportResolver</c> on the provider assembly that returns that handle for "e_sqlite3". Both are reached by
/// reflection because this assembly targets netstandard2.0, which lacks NativeLibrary. The resolver makes the binding
/// exact instead of relying on the OS loader's cache of already loaded names (unreliable on Linux and macOS);</item>
/// <item>on .NET Framework (Windows PowerShell, Windows only): preload it with LoadLibrary; Windows then satisfies the
/// later DllImport from the module already loaded under the same base name.</item>
/// </list>
/// This runs once per process, before the first connection. When the file is not there (a normal application with a
/// deps.json, the test host) nothing is changed and the runtime's own probing applies.
/// </remarks>
internal static class SqliteNativeLoader
{
    private const string LibraryName = "e_sqlite3";
    private static readonly object s_lock = new();
    private static bool s_initialized;
    private static IntPtr s_handle;

    /// <summary>Full path of the native library that was loaded, or null when the runtime's own probing was left to work.</summary>
    internal static string? LoadedPath { get; private set; }

    internal static void EnsureInitialized()
    {
        lock (s_lock)
        {
            if (s_initialized) return;
            s_initialized = true;
            var path = FindBundledLibrary(Path.GetDirectoryName(typeof(SqliteNativeLoader).Assembly.Location));
            if (path == null) return;
            if (TryLoadWithNativeLibrary(path) || TryLoadLibraryWindows(path)) LoadedPath = path;
        }
    }

    /// <summary>The RID folder name of the current process, e.g. "linux-x64", "linux-musl-arm64", "win-arm64", "osx-arm64".</summary>
    internal static string CurrentRid()
    {
        var arch = RuntimeInformation.ProcessArchitecture switch
        {
            Architecture.X64 => "x64",
            Architecture.X86 => "x86",
            Architecture.Arm64 => "arm64",
            Architecture.Arm => "arm",
            // Newer runtimes report values netstandard2.0 does not name (S390x, Ppc64le, RiscV64...); their names match the RIDs.
            var other => other.ToString().ToLowerInvariant(),
        };
        if (RuntimeInformation.IsOSPlatform(OSPlatform.Windows)) return "win-" + arch;
        if (RuntimeInformation.IsOSPlatform(OSPlatform.OSX)) return "osx-" + arch;
        return (IsMusl() ? "linux-musl-" : "linux-") + arch;
    }

    internal static string NativeFileName() =>
        RuntimeInformation.IsOSPlatform(OSPlatform.Windows) ? LibraryName + ".dll"
        : RuntimeInformation.IsOSPlatform(OSPlatform.OSX) ? "lib" + LibraryName + ".dylib"
        : "lib" + LibraryName + ".so";

    internal static string? FindBundledLibrary(string? baseDirectory)
    {
        if (string.IsNullOrEmpty(baseDirectory)) return null;
        var candidate = Path.Combine(baseDirectory, "runtimes", CurrentRid(), "native", NativeFileName());
        return File.Exists(candidate) ? candidate : null;
    }

    // Alpine and other musl systems ship their dynamic loader as /lib/ld-musl-<arch>.so.1.
    private static bool IsMusl()
    {
        try { return Directory.Exists("/lib") && Directory.GetFiles("/lib", "ld-musl-*").Length > 0; }
        catch (IOException) { return false; }
        catch (UnauthorizedAccessException) { return false; }
    }

    private static bool TryLoadWithNativeLibrary(string path)
    {
        var coreLib = typeof(object).Assembly;
        var nativeLibrary = coreLib.GetType("System.Runtime.InteropServices.NativeLibrary");
        var resolverType = coreLib.GetType("System.Runtime.InteropServices.DllImportResolver");
        if (nativeLibrary == null || resolverType == null) return false;

        var load = nativeLibrary.GetMethod("Load", new[] { typeof(string) });
        var setResolver = nativeLibrary.GetMethod("SetDllImportResolver", new[] { typeof(Assembly), resolverType });
        if (load == null || setResolver == null) return false;

        s_handle = (IntPtr)load.Invoke(null, new object[] { path })!;
        var resolve = typeof(SqliteNativeLoader).GetMethod(nameof(Resolve), BindingFlags.NonPublic | BindingFlags.Static)!;
        try
        {
            setResolver.Invoke(null, new object[] { typeof(SQLitePCL.SQLite3Provider_e_sqlite3).Assembly, Delegate.CreateDelegate(resolverType, resolve) });
        }
        catch (TargetInvocationException e) when (e.InnerException is InvalidOperationException)
        {
            // Someone else in the process already registered a resolver for the provider; theirs stays in charge.
        }
        return true;
    }

    private static IntPtr Resolve(string libraryName, Assembly assembly, DllImportSearchPath? searchPath) =>
        libraryName == LibraryName ? s_handle : IntPtr.Zero;

    private static bool TryLoadLibraryWindows(string path)
    {
        if (!RuntimeInformation.IsOSPlatform(OSPlatform.Windows)) return false;
        s_handle = LoadLibraryW(path);
        return s_handle != IntPtr.Zero;
    }

    [DllImport("kernel32", CharSet = CharSet.Unicode, SetLastError = true)]
    private static extern IntPtr LoadLibraryW(string fileName);
}
