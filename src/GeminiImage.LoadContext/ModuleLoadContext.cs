using System;
using System.Linq;
using System.Reflection;
using System.Runtime.Loader;

namespace GeminiImage.LoadContext;

/// <summary>
/// Entry point called (by reflection) from GeminiImage.Cmdlets' module initializer on PowerShell 7: routes the
/// cmdlet assembly's references to the engine and the emulator into <see cref="DependencyLoadContext"/>.
/// </summary>
/// <remarks>
/// The cmdlet assembly lives in the default context (PowerShell loads it there). When it first touches an engine
/// type, the default context cannot find <c>GeminiImage.Engine</c> (it is in <c>bin</c>, not next to the cmdlets) and
/// raises <see cref="AssemblyLoadContext.Resolving"/>; the handler answers with the copy in the private context, whose
/// own <c>Load</c> then resolves the engine's dependencies from <c>bin</c>. One context per process: the cmdlet
/// assembly binds its references once, so a re-import (Import-Module -Force, Remove-Module + Import-Module) must find
/// the same context again. The hook stays after Remove-Module: the session can still hold the module's objects, whose
/// code loads engine assemblies on first use.
/// </remarks>
public static class ModuleLoadContext
{
    private static readonly object s_lock = new();
    private static DependencyLoadContext? s_context;
    private static string[] s_entryAssemblies = Array.Empty<string>();
    private static bool s_hooked;

    /// <summary>Hooks the default context's Resolving event (idempotent).</summary>
    /// <param name="directory">The folder holding the engine and its dependencies.</param>
    /// <param name="entryAssemblies">Simple names of the assemblies the cmdlets reference directly (engine, emulator).</param>
    public static void Install(string directory, string[] entryAssemblies)
    {
        lock (s_lock)
        {
            s_context ??= new DependencyLoadContext(directory);
            s_entryAssemblies = entryAssemblies;
            if (s_hooked) return;
            AssemblyLoadContext.Default.Resolving += Resolve;
            s_hooked = true;
        }
    }

    private static Assembly? Resolve(AssemblyLoadContext context, AssemblyName name)
    {
        var loadContext = s_context;
        if (loadContext == null || !s_entryAssemblies.Contains(name.Name, StringComparer.OrdinalIgnoreCase)) return null;
        return loadContext.LoadFromAssemblyName(name);
    }
}
