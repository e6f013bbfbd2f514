using System;
using System.Collections.Generic;
using System.IO;
using System.Management.Automation;
using GeminiImage.Engine.Generation;

namespace GeminiImage.Cmdlets.Infrastructure;

/// <summary>Resolves and loads image paths given as parameters.</summary>
internal static class InputImages
{
    public static IReadOnlyList<InputImage> Load(PSCmdlet cmdlet, string[]? paths)
    {
        if (paths == null || paths.Length == 0) return Array.Empty<InputImage>();
        var images = new List<InputImage>();
        foreach (var path in paths)
        {
            var full = cmdlet.GetUnresolvedProviderPathFromPSPath(path);
            var data = File.ReadAllBytes(full);
            images.Add(new InputImage(data, "image/png", full));
        }
        return images;
    }

    public static InputImage LoadOne(PSCmdlet cmdlet, string fullPath) => new(File.ReadAllBytes(fullPath), "image/png", fullPath);
}
