namespace GeminiImage.Engine.Ledger;

/// <summary>Where the module keeps its per-user data (ledger, budgets, price overrides).</summary>
public static class DataFolder
{
    /// <summary>Environment variable that overrides the data folder.</summary>
    public const string HomeVariable = "GEMINI_IMAGE_HOME";

    /// <summary><c>GEMINI_IMAGE_HOME</c> when set, else <c>LocalApplicationData/GeminiImage</c>.</summary>
    public static string Default => From(Environment.GetEnvironmentVariable(HomeVariable));

    /// <summary><paramref name="home"/> (a GEMINI_IMAGE_HOME value) as a full path when set, else <c>LocalApplicationData/GeminiImage</c>.</summary>
    public static string From(string? home) => !string.IsNullOrWhiteSpace(home) ? Path.GetFullPath(home)
        : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.DoNotVerify), "GeminiImage");

    /// <summary>Per-user folder under the system temp folder, the last resort when the data folder cannot be written.</summary>
    public static string Temp => Path.Combine(Path.GetTempPath(), "GeminiImage-" + Environment.UserName);
}
