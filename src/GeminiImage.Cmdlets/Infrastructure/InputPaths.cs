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
                var unresolved = cmdlet.SessionState.Path.GetUnresolvedProviderPathFromPSPath(path, out var provider, out _);
                if (provider.ImplementingType != typeof(Microsoft.PowerShell.Commands.FileSystemProvider))
                    throw new PSNotSupportedException($"'{path}' is not a file-system path (its provider is {provider.Name}).");
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
            catch (PSNotSupportedException ex) { cmdlet.WriteError(ErrorRecords.From(new GeminiArgumentException("GeminiImage.NotAFileSystemPath", ex.Message), path)); continue; }

            if (resolved.Count == 0)
                cmdlet.WriteError(ErrorRecords.From(new InputNotFoundException(path), path));
            foreach (var item in resolved) yield return item;
        }
    }
}
