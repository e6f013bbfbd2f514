using GeminiImage.Engine.IO;
using GeminiImage.Engine.Ledger;

namespace GeminiImage.Engine.Pricing;

/// <summary>
/// The price override file of a data folder (prices.json): checked, installed and removed here, not by the cmdlets.
/// While it exists, its prices replace the catalog's for the models it names.
/// </summary>
public sealed class PriceOverrideStore
{
    /// <param name="dataFolder">The data folder; default <see cref="DataFolder.Default"/>.</param>
    public PriceOverrideStore(string? dataFolder = null) => Folder = dataFolder ?? DataFolder.Default;

    public string Folder { get; }
    /// <summary>The override file.</summary>
    public string Path => System.IO.Path.Combine(Folder, PriceTable.FileName);
    public bool Exists => File.Exists(Path);

    /// <summary>
    /// The prices in force: the catalog's, with the override's over them. Throws the <see cref="InvalidFile"/> error when
    /// the override cannot be read or used, so every caller (pricing views, generation) reports it the same way.
    /// </summary>
    public PriceTable Current()
    {
        if (!Exists) return PriceTable.FromCatalog();
        try
        {
            return PriceTable.Load(Path);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            throw InvalidFile($"The price override '{Path}' cannot be used: {ex.Message}", ex);
        }
    }

    /// <summary>The id of the error for a price file that cannot be used.</summary>
    public const string InvalidFileId = "GeminiImage.InvalidPriceFile";

    /// <summary>The error for a price file that cannot be used (InvalidData), with what to do about it.</summary>
    public static GeminiOperationException InvalidFile(string message, Exception? inner = null) => new(InvalidFileId, ErrorKind.InvalidData, message, inner,
        "Fix the file (format: Get-Help Set-GeminiPricing -Full) or remove the override with Set-GeminiPricing -Reset.");

    /// <summary>
    /// Loads a prices.json and checks it: readable JSON, a non-empty "models" object, every price a number of at least 0,
    /// and all three prices for a model the catalog does not know. Throws the <see cref="InvalidFile"/> error.
    /// </summary>
    public static PriceTable Validate(string path)
    {
        PriceTable table;
        try
        {
            table = PriceTable.Load(path);
        }
        catch (Exception ex) when (ex is InvalidOperationException or FormatException or KeyNotFoundException || MalformedJson.Is(ex))
        {
            throw InvalidFile($"'{path}' is not a valid price file: {ex.Message}", ex);
        }
        catch (InvalidDataException ex)
        {
            throw InvalidFile($"'{path}' is not a valid price file: {ex.Message}", ex);
        }
        catch (GeminiArgumentException ex)
        {
            throw InvalidFile(ex.Message, ex);
        }
        if (table.OverriddenModels.Count == 0)
            throw InvalidFile($"'{path}' is not a valid price file: it has no \"models\" object with at least one model.");
        foreach (var id in table.OverriddenModels)
        {
            var p = table.Get(id)!;
            if (p.Input < 0 || p.TextOutput < 0 || p.ImageOutput < 0)
                throw InvalidFile($"'{path}' is not a valid price file: model '{id}' has a negative price.");
        }
        return table;
    }

    /// <summary>Installs a checked price file as the override (a copy, readable only by the user); nothing to do when it is the override already.</summary>
    public void Install(string source)
    {
        if (string.Equals(System.IO.Path.GetFullPath(source), System.IO.Path.GetFullPath(Path), StringComparison.OrdinalIgnoreCase)) return;
        PrivateFolder.Ensure(Folder);
        File.Copy(source, SafePaths.NotLink(Path), overwrite: true);
        PrivateFolder.RestrictFile(Path);
    }

    /// <summary>Removes the override (the catalog's prices apply again); false when there was none.</summary>
    public bool Remove()
    {
        if (!Exists) return false;
        File.Delete(Path);
        return true;
    }
}
