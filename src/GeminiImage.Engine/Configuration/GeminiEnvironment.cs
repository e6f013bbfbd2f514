using GeminiImage.Engine.Cache;
using GeminiImage.Engine.Ledger;

namespace GeminiImage.Engine.Configuration;

/// <summary>Environment variables the module reads (the least specific layer), through a lookup a test can replace.</summary>
public sealed class GeminiEnvironment
{
    public const string ApiKeyVariable = "GEMINI_API_KEY";
    public const string GoogleApiKeyVariable = "GOOGLE_API_KEY";
    public const string BaseUrlVariable = "GEMINI_BASE_URL";
    public const string ModelVariable = "GEMINI_IMAGE_MODEL";
    public const string CacheVariable = "GEMINI_IMAGE_CACHE";
    public const string CacheMaxMBVariable = "GEMINI_IMAGE_CACHE_MAX_MB";

    private readonly Func<string, string?> _lookup;

    public GeminiEnvironment(Func<string, string?> lookup) => _lookup = lookup;

    /// <summary>The variable's value; null when it is unset or blank.</summary>
    public string? Get(string name)
    {
        var value = _lookup(name);
        return string.IsNullOrWhiteSpace(value) ? null : value;
    }

    /// <summary>The lookup itself (for the proxy variables, read in their own way).</summary>
    public Func<string, string?> Lookup => _lookup;

    /// <summary>GEMINI_API_KEY, else GOOGLE_API_KEY: the variable that holds a Developer API key, or null.</summary>
    public string? ApiKeyVariableSet => Get(ApiKeyVariable) != null ? ApiKeyVariable : Get(GoogleApiKeyVariable) != null ? GoogleApiKeyVariable : null;

    /// <summary>GEMINI_BASE_URL as an absolute address (anything else is ignored).</summary>
    public Uri? BaseUri => Get(BaseUrlVariable) is { } url && Uri.TryCreate(url, UriKind.Absolute, out var uri) ? uri : null;

    public string? Model => Get(ModelVariable);

    /// <summary>GEMINI_IMAGE_CACHE: Off, ReadOnly or ReadWrite (anything else is ignored).</summary>
    public CacheMode? Cache => Enum.TryParse<CacheMode>(Get(CacheVariable) ?? "", true, out var mode) && Enum.IsDefined(typeof(CacheMode), mode) ? mode : null;

    /// <summary>GEMINI_IMAGE_CACHE_MAX_MB: a positive whole number.</summary>
    public int? CacheMaxMB => int.TryParse(Get(CacheMaxMBVariable), out var mb) && mb > 0 ? mb : null;

    /// <summary>GEMINI_IMAGE_HOME, or null.</summary>
    public string? DataHome => Get(DataFolder.HomeVariable);
}
