namespace GeminiImage.Engine.Ledger;

/// <summary>The saved ledger choice (Set-GeminiConfig -Ledger ... -Save): ledger.json in the data folder, never with a password.</summary>
public static class LedgerConfigFile
{
    /// <summary>File name inside the data folder.</summary>
    public const string FileName = "ledger.json";

    /// <summary>Full path in the current data folder.</summary>
    public static string FilePath => Path.Combine(DataFolder.Default, FileName);

    /// <summary>The saved connection string (or "SQLite"); null when nothing is saved or the file cannot be read.</summary>
    public static string? Read()
    {
        try
        {
            if (!File.Exists(FilePath)) return null;
            using var document = JsonDocument.Parse(File.ReadAllText(FilePath));
            return document.RootElement.TryGetProperty("connectionString", out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException) { return null; }
    }

    /// <summary>Saves the choice (checked first: a connection string with a password is refused); null removes the file.</summary>
    public static void Save(string? connectionString)
    {
        if (connectionString == null)
        {
            if (File.Exists(FilePath)) File.Delete(FilePath);
            return;
        }
        if (!LedgerSettings.IsSqlite(connectionString)) LedgerSettings.Check(connectionString);
        IO.PrivateFolder.Ensure(DataFolder.Default);
        var json = JsonSerializer.Serialize(new { connectionString }, new JsonSerializerOptions { WriteIndented = true });
        Generation.OutputWriter.WriteAtomic(new UTF8Encoding(false).GetBytes(json), FilePath, force: true);
        IO.PrivateFolder.RestrictFile(FilePath);
    }
}
