using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using GeminiImage.Engine.Catalog;

namespace GeminiImage.Engine.Styles;

/// <summary>Where a style comes from.</summary>
public enum StyleSource
{
    /// <summary>Shipped with the module.</summary>
    BuiltIn,
    /// <summary>The user's styles.json (a user style with a built-in's name replaces it).</summary>
    User,
}

/// <summary>A named prompt template with optional defaults for the request.</summary>
public sealed class GeminiStyle
{
    /// <summary>The placeholder the user's prompt replaces.</summary>
    public const string Placeholder = "{prompt}";

    private static readonly Regex s_name = new("^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$", RegexOptions.CultureInvariant);

    public string Name { get; set; } = "";
    public string? Description { get; set; }
    /// <summary>The prompt sent to the model, with <c>{prompt}</c> where the user's prompt goes.</summary>
    public string Template { get; set; } = "";
    public string? AspectRatio { get; set; }
    public string? ImageSize { get; set; }
    public string? Model { get; set; }
    public string? SystemInstruction { get; set; }
    public double? Temperature { get; set; }

    /// <summary>Not stored in the file: where this style was loaded from.</summary>
    [JsonIgnore]
    public StyleSource Source { get; set; } = StyleSource.User;

    /// <summary>The prompt for the model: the template with every <c>{prompt}</c> replaced by <paramref name="prompt"/> (trimmed).</summary>
    public string Expand(string prompt)
    {
        if (Template.IndexOf(Placeholder, StringComparison.Ordinal) < 0)
            throw new GeminiStyleException(GeminiStyleException.InvalidStyleId, $"The template of style '{Name}' has no {Placeholder} placeholder, so the prompt would be lost.");
        return Template.Replace(Placeholder, (prompt ?? "").Trim());
    }

    /// <summary>A copy (styles handed out are copies: editing one never changes the store).</summary>
    public GeminiStyle Clone() => (GeminiStyle)MemberwiseClone();

    /// <summary>Checks the name, the template and the defaults; throws <see cref="GeminiStyleException"/> (InvalidStyle).</summary>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(Name) || !s_name.IsMatch(Name))
            throw Invalid($"'{Name}' is not a valid style name: use 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit.");
        if (string.IsNullOrWhiteSpace(Template))
            throw Invalid($"Style '{Name}' has an empty template.");
        if (Template.IndexOf(Placeholder, StringComparison.Ordinal) < 0)
            throw Invalid($"The template of style '{Name}' has no {Placeholder} placeholder; add {Placeholder} where the prompt goes, e.g. 'Watercolour painting of {Placeholder}'.");
        var catalog = ModelCatalog.Default;
        // Blank means "not set" (Set-GeminiStyle -AspectRatio '' clears a default; Normalize makes it null when saved).
        if (!string.IsNullOrWhiteSpace(AspectRatio) && !Contains(catalog.AllAspectRatios, AspectRatio!))
            throw Invalid($"Style '{Name}': aspect ratio '{AspectRatio}' is not supported by any model. Supported: {string.Join(", ", catalog.AllAspectRatios)}.");
        if (!string.IsNullOrWhiteSpace(ImageSize) && !Contains(catalog.AllImageSizes, ImageSize!))
            throw Invalid($"Style '{Name}': image size '{ImageSize}' is not supported by any model. Supported: {string.Join(", ", catalog.AllImageSizes)}.");
        if (Temperature is < 0 or > 2)
            throw Invalid($"Style '{Name}': temperature must be between 0 and 2.");
    }

    /// <summary>Empty strings become null (a default that is not set).</summary>
    internal void Normalize()
    {
        Name = (Name ?? "").Trim();
        Description = Empty(Description);
        AspectRatio = Empty(AspectRatio);
        ImageSize = Empty(ImageSize)?.Trim().ToUpperInvariant();
        Model = Empty(Model);
        SystemInstruction = Empty(SystemInstruction);
    }

    public override string ToString() => Name;

    private static string? Empty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value!.Trim();

    private static bool Contains(System.Collections.Generic.IEnumerable<string> values, string value)
    {
        // Lenient like the cmdlets' parameters: ' 16:9 ' and 2k are accepted (Normalize stores 2K).
        foreach (var v in values) if (string.Equals(v, value.Trim(), StringComparison.OrdinalIgnoreCase)) return true;
        return false;
    }

    private GeminiStyleException Invalid(string message) => new(GeminiStyleException.InvalidStyleId, message);
}

/// <summary>A style problem, always raised before any request is sent.</summary>
public sealed class GeminiStyleException : GeminiImageException
{
    public const string NotFoundId = "GeminiImage.StyleNotFound";
    public const string InvalidStyleId = "GeminiImage.InvalidStyle";
    public const string StyleExistsId = "GeminiImage.StyleExists";
    public const string BuiltInId = "GeminiImage.BuiltInStyle";
    public const string StyleFileId = "GeminiImage.InvalidStyleFile";

    public GeminiStyleException(string errorId, string message, Exception? inner = null) : base(message, inner) => ErrorId = errorId;

    public override string ErrorId { get; }

    public override ErrorKind Kind => ErrorId switch
    {
        NotFoundId => ErrorKind.NotFound,
        StyleFileId => ErrorKind.InvalidData,
        StyleExistsId or BuiltInId => ErrorKind.WriteError,
        _ => ErrorKind.InvalidArgument,
    };

    public override string? RecommendedAction => ErrorId switch
    {
        NotFoundId => "Run Get-GeminiStyle to list the styles, or create one with Set-GeminiStyle.",
        StyleExistsId => "Use -Force to replace the existing style.",
        BuiltInId => "Built-in styles cannot be removed; Set-GeminiStyle with the same name overrides one.",
        _ => null,
    };
}
