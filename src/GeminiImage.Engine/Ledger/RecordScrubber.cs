namespace GeminiImage.Engine.Ledger;

/// <summary>Prepares a record for any ledger: machine and user names filled, model id bare, tags clean, secrets redacted.</summary>
internal sealed class RecordScrubber
{
    private const string Redacted = "***";
    private readonly string[] _secrets;

    public RecordScrubber(IEnumerable<string?>? secrets) =>
        // Short secrets would garble ordinary text; API keys are ~40 characters.
        _secrets = (secrets ?? Array.Empty<string?>()).Where(s => s != null && s.Length >= 8).Select(s => s!).Distinct().ToArray();

    /// <summary>Normalizes <paramref name="r"/> in place.</summary>
    public void Normalize(UsageRecord r)
    {
        r.MachineName ??= Environment.MachineName;
        r.UserName ??= Environment.UserName;
        r.Model = Catalog.ModelCatalog.StripPrefix(r.Model);
        r.Tags = r.Tags.Select(t => Scrub(t)?.Replace(",", " ").Trim()).Where(t => !string.IsNullOrEmpty(t)).Select(t => t!).Distinct().ToList();
        r.RecordId = Scrub(r.RecordId) ?? Guid.NewGuid().ToString("N");
        r.Cmdlet = Scrub(r.Cmdlet) ?? "";
        r.Model = Scrub(r.Model) ?? "";
        r.ErrorId = Scrub(r.ErrorId);
        r.BatchId = Scrub(r.BatchId);
        r.RowId = Scrub(r.RowId);
        r.OutputPath = Scrub(r.OutputPath);
        r.Prompt = Scrub(r.Prompt);
        r.MachineName = Scrub(r.MachineName);
        r.UserName = Scrub(r.UserName);
        r.ResponseId = Scrub(r.ResponseId);
        r.Endpoint = Scrub(r.Endpoint);
        r.Project = Scrub(r.Project?.Trim()) is { Length: > 0 } project ? project : null;
    }

    /// <summary>Normalizes every record in place and returns the same list.</summary>
    public IReadOnlyList<UsageRecord> NormalizeAll(IReadOnlyList<UsageRecord> records)
    {
        foreach (var record in records) Normalize(record);
        return records;
    }

    private string? Scrub(string? text)
    {
        if (text == null) return null;
        foreach (var secret in _secrets) text = text.Replace(secret, Redacted);
        return text;
    }
}
