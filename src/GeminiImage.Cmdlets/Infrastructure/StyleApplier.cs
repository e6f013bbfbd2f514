namespace GeminiImage.Cmdlets.Infrastructure;

/// <summary>Applies a style to a request: explicit parameters win over the style's defaults, which win over session and environment defaults.</summary>
internal static class StyleApplier
{
    /// <summary>The named style, or null for none; <see cref="GeminiStyleException"/> for an unknown or broken one.</summary>
    public static GeminiStyle? Resolve(string? name)
    {
        if (string.IsNullOrWhiteSpace(name)) return null;
        var style = new StyleStore().Get(name!);
        style.Validate();
        return style;
    }

    /// <summary>The model: -Model, else the style's, else Set-GeminiConfig / GEMINI_IMAGE_MODEL / the default.</summary>
    public static ModelInfo Model(string? parameter, GeminiStyle? style) =>
        ModelCatalog.Default.Get(SettingsResolver.Resolve(new SettingsParameters { Model = string.IsNullOrWhiteSpace(parameter) ? style?.Model : parameter }).Model.Value);

    /// <summary>
    /// Fills what the caller left unset from the style and expands the template. A style's image size is dropped
    /// (with a warning) for a model with a fixed output size: the user did not ask for it on this call.
    /// </summary>
    public static void Apply(ImageRequest request, GeminiStyle? style, System.Action<string> warning)
    {
        if (style == null) return;
        request.Prompt = style.Expand(request.Prompt);
        request.AspectRatio ??= style.AspectRatio;
        if (request.ImageSize == null && style.ImageSize != null)
        {
            if (request.Model.SupportsImageSize) request.ImageSize = style.ImageSize;
            else warning($"Style '{style.Name}' asks for image size {style.ImageSize}, but {request.Model.Id} has a fixed output size; the size is ignored.");
        }
        request.Temperature ??= style.Temperature;
        request.SystemInstruction ??= style.SystemInstruction;
    }
}
