namespace GeminiImage.Engine.Imaging;

/// <summary>A named target size for a platform.</summary>
/// <param name="Name">Preset name as used on the command line, e.g. "InstagramPortrait".</param>
/// <param name="Width">Target width in pixels.</param>
/// <param name="Height">Target height in pixels.</param>
/// <param name="SuggestedMode">The fit mode that usually suits the platform (Pad for product shots on a plain background, Cover for feeds).</param>
/// <param name="Description">What the size is for.</param>
/// <param name="Format">The output format the platform wants for photos (JPEG: smaller and much faster to write than PNG).</param>
/// <param name="Quality">JPEG/WebP quality for this preset (1–100).</param>
public sealed record PlatformPreset(string Name, int Width, int Height, FitMode SuggestedMode, string Description,
    ImageOutputFormat Format = ImageOutputFormat.Jpeg, int Quality = PlatformPresets.PhotoQuality)
{
    public override string ToString() => $"{Name} ({Width}x{Height})";
}

/// <summary>Common platform image sizes (the platforms' recommended sizes as of 2025; they change from time to time).</summary>
public static class PlatformPresets
{
    /// <summary>JPEG quality of the photo presets (libjpeg's scale, as ImageMagick's -quality; bench/Resize-GeminiImage.Bench.ps1
    /// compares size and fidelity with ImageMagick at the same quality).</summary>
    public const int PhotoQuality = 85;

    /// <summary>All presets, in a stable order.</summary>
    public static IReadOnlyList<PlatformPreset> All { get; } = new[]
    {
        new PlatformPreset("Amazon", 1500, 1500, FitMode.Pad, "Amazon product image, square; 1000 px or more enables zoom, main image on white."),
        new PlatformPreset("Shopify", 2048, 2048, FitMode.Pad, "Shopify product image, square (Shopify's recommended size)."),
        new PlatformPreset("Etsy", 2700, 2025, FitMode.Pad, "Etsy listing photo, 4:3 landscape."),
        new PlatformPreset("eBay", 1600, 1600, FitMode.Pad, "eBay listing photo, square (1600 px on the longest side is recommended)."),
        new PlatformPreset("Instagram", 1080, 1080, FitMode.Cover, "Instagram square feed post."),
        new PlatformPreset("InstagramPortrait", 1080, 1350, FitMode.Cover, "Instagram portrait feed post, 4:5."),
        new PlatformPreset("Story", 1080, 1920, FitMode.Cover, "Instagram/Facebook Story, Reels or TikTok cover, 9:16."),
        new PlatformPreset("Pinterest", 1000, 1500, FitMode.Cover, "Pinterest standard pin, 2:3."),
        new PlatformPreset("Facebook", 1200, 630, FitMode.Cover, "Facebook link share / Open Graph image, about 1.91:1."),
        new PlatformPreset("LinkedIn", 1200, 627, FitMode.Cover, "LinkedIn shared link / post image, about 1.91:1."),
        new PlatformPreset("XPost", 1600, 900, FitMode.Cover, "X (Twitter) in-feed image, 16:9."),
        new PlatformPreset("YouTubeThumbnail", 1280, 720, FitMode.Cover, "YouTube video thumbnail, 16:9."),
    };

    /// <summary>The preset with this name (case-insensitive), or null.</summary>
    public static PlatformPreset? Find(string name) =>
        All.FirstOrDefault(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase));

    /// <summary>The preset with this name (case-insensitive).</summary>
    /// <exception cref="ArgumentException">No preset has that name.</exception>
    public static PlatformPreset Get(string name) =>
        Find(name) ?? throw new ArgumentException(
            $"Unknown platform preset '{name}'. Known: {string.Join(", ", All.Select(p => p.Name))}.", nameof(name));
}
