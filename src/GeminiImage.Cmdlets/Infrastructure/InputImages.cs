using System;
using System.Collections.Generic;
using System.Management.Automation;
using GeminiImage.Engine.Generation;
using GeminiImage.Engine.Imaging;

namespace GeminiImage.Cmdlets.Infrastructure;

/// <summary>Loads input images through the engine's checks (format by content, bombs, corruption, conversion).</summary>
internal static class InputImages
{
    private static readonly InputImageLoader s_loader = new();

    /// <summary>Resolves each path literally (relative to the PowerShell location) and prepares it; throws on the first bad one.</summary>
    public static IReadOnlyList<InputImage> Load(PSCmdlet cmdlet, string[]? paths)
    {
        if (paths == null || paths.Length == 0) return Array.Empty<InputImage>();
        var images = new List<InputImage>();
        foreach (var path in paths) images.Add(LoadOne(cmdlet, cmdlet.GetUnresolvedProviderPathFromPSPath(path)));
        return images;
    }

    /// <summary>Prepares one file-system path; conversion and downscaling warnings go to the warning stream.</summary>
    public static InputImage LoadOne(PSCmdlet cmdlet, string fullPath)
    {
        var prepared = s_loader.Prepare(fullPath);
        foreach (var warning in prepared.Warnings) cmdlet.WriteWarning(warning);
        return new InputImage(prepared.Data, prepared.MimeType, fullPath);
    }
}
