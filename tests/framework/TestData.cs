namespace GeminiImage.Tests;

/// <summary>The part of tests/unit/TestData.cs the shared test files use (that one also has .NET-only helpers).</summary>
internal static class TestData
{
    public static string Dir => Path.Combine(AppContext.BaseDirectory, "data");
}
