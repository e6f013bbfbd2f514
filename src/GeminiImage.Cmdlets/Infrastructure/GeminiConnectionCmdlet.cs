namespace GeminiImage.Cmdlets.Infrastructure;

/// <summary>
/// The connection settings a command can name, declared once: given to a cmdlet that calls the API
/// (<see cref="GeminiApiCmdlet"/>) they apply to that call; given to Set-GeminiConfig they become the session's or a
/// profile's. A new connection setting is added here.
/// </summary>
/// <remarks>
/// The parameters are virtual for the same reason as <see cref="GeminiGenerationCmdlet"/>'s: a cmdlet that does not
/// connect itself (Start-GeminiImageChat) or must not pass a secret on (Register-GeminiFolderWatchTask) drops them.
/// </remarks>
public abstract class GeminiConnectionCmdlet : GeminiCmdlet
{
    /// <summary>The key; for a call it overrides Set-GeminiConfig and GEMINI_API_KEY / GOOGLE_API_KEY.</summary>
    [Parameter]
    [SecureStringArgument]
    public virtual SecureString? ApiKey { get; set; }

    /// <summary>Gateway or emulator: scheme, host, port and optional path prefix, with or without a version segment.</summary>
    [Parameter]
    public virtual Uri? BaseUri { get; set; }

    /// <summary>A connection profile: for a call, a saved or session one (overrides Use-GeminiProfile); for Set-GeminiConfig, the one to set.</summary>
    [Parameter]
    [ArgumentCompleter(typeof(ProfileCompleter))]
    public virtual string? Profile { get; set; }

    /// <summary>How the key is sent: Header (x-goog-api-key, default), Bearer (Authorization) or Query (?key=).</summary>
    [Parameter]
    [ValidateSet("Header", "Bearer", "Query")]
    public virtual string? AuthStyle { get; set; }

    /// <summary>Extra request headers a gateway needs, e.g. @{ 'X-Team' = 'design' }.</summary>
    [Parameter]
    public virtual Hashtable? Header { get; set; }

    /// <summary>The API version (default v1beta; v1 on Vertex AI).</summary>
    [Parameter]
    public virtual string? ApiVersion { get; set; }

    /// <summary>Per-attempt timeout in seconds.</summary>
    [Parameter]
    [ValidateRange(1, 3600)]
    public virtual int? TimeoutSec { get; set; }

    [Parameter]
    [ValidateRange(0, 20)]
    public virtual int? MaxRetries { get; set; }

    [Parameter]
    public virtual Uri? Proxy { get; set; }

    /// <summary>Leave the prompt text out of the usage ledger.</summary>
    [Parameter]
    public virtual SwitchParameter NoPromptLogging { get; set; }
}
