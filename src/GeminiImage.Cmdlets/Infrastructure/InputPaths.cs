using System.Collections.Generic;
using System.IO;
using System.Management.Automation;
using GeminiImage.Engine.Errors;

namespace GeminiImage.Cmdlets.Infrastructure;

/// <summary>Resolves -Path (wildcards) and -LiteralPath values to file-system paths, reporting what does not exist.</summary>
internal static class InputPaths
{
    public static IEnumerable<string> Resolve(PSCmdlet cmdlet, IEnumerable<string> paths, bool literal)
    {
        foreach (var path in paths)
        {
            var resolved = new List<string>();
            try
            {
                var unresolved = cmdlet.GetUnresolvedProviderPathFromPSPath(path);
                // A literal file wins, so that 'photo[1].png' from an object's Path property still works through -Path.
                if (literal || File.Exists(unresolved) || Directory.Exists(unresolved) || !WildcardPattern.ContainsWildcardCharacters(path))
                {
                    resolved.Add(unresolved);
                }
                else
                {
                    resolved.AddRange(cmdlet.GetResolvedProviderPathFromPSPath(path, out _));
                }
            }
            catch (ItemNotFoundException) { }
            catch (PSNotSupportedException ex) { cmdlet.WriteError(new ErrorRecord(ex, "GeminiImage.NotAFileSystemPath", ErrorCategory.InvalidArgument, path)); continue; }

            if (resolved.Count == 0)
                cmdlet.WriteError(ErrorRecords.From(new InputNotFoundException(path), path));
            foreach (var item in resolved) yield return item;
        }
    }
}

/// <summary>A -Path pattern that matched nothing.</summary>
/// <remarks>Internal: a public type deriving from an engine type would make PowerShell load the engine before
/// <see cref="ModuleInitializer"/> can set up where it comes from.</remarks>
internal sealed class InputNotFoundException : GeminiImageException
{
    public InputNotFoundException(string path) : base($"Cannot find the image '{path}'.") { }
    public override string ErrorId => "GeminiImage.ImageNotFound";
    public override ErrorKind Kind => ErrorKind.NotFound;
}
