namespace GeminiImage.Engine.Ledger;

/// <summary>Spending limits in USD, kept as <c>budget.json</c> in the data folder.</summary>
public sealed class BudgetSettings
{
    /// <summary>File name inside the data folder.</summary>
    public const string FileName = "budget.json";

    private static readonly JsonSerializerOptions s_json = new() { WriteIndented = true };

    /// <summary>Limit per UTC day; null for none.</summary>
    public decimal? Daily { get; set; }

    /// <summary>Limit per UTC month; null for none.</summary>
    public decimal? Monthly { get; set; }

    /// <summary>Fraction of a limit (0.8 = 80 %) at which to warn once per period; null for no warning.</summary>
    public decimal? WarnAt { get; set; } = 0.8m;

    /// <summary>Reads the settings from a data folder; no file means no limits.</summary>
    public static BudgetSettings Load(string? dataFolder = null)
    {
        var path = Path.Combine(dataFolder ?? DataFolder.Default, FileName);
        return File.Exists(path) ? JsonSerializer.Deserialize<BudgetSettings>(IO.LimitedFile.ReadAllText(path, IO.LimitedFile.MaxSettingsBytes), s_json) ?? new BudgetSettings() : new BudgetSettings();
    }

    /// <summary>Writes the settings to a data folder.</summary>
    public void Save(string? dataFolder = null)
    {
        var path = Path.Combine(IO.PrivateFolder.Ensure(dataFolder ?? DataFolder.Default), FileName);
        Generation.OutputWriter.WriteAtomic(new UTF8Encoding(false).GetBytes(JsonSerializer.Serialize(this, s_json)), path, force: true);
        IO.PrivateFolder.RestrictFile(path);
    }
}
