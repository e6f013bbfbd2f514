using System.Collections.Concurrent;

namespace GeminiImage.Engine.Catalog;

/// <summary>
/// What the catalog's lifecycle data means for a request: refuse a shut-down model before sending, warn once per
/// session about a deprecated, unconfirmed or unknown one.
/// </summary>
public static class ModelLifecycle
{
    private static readonly ConcurrentDictionary<string, byte> s_warned = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// Throws before anything is sent: <c>GeminiImage.ModelShutDown</c> for a shut-down model,
    /// <c>GeminiImage.UnknownModel</c> for an unknown id that looks like a typo of a known one,
    /// <c>GeminiImage.InvalidModelCatalog</c> when the override file cannot be read.
    /// </summary>
    public static void EnsureUsable(ModelInfo model, DateTime? today = null)
    {
        var catalog = ModelCatalog.Default;
        if (catalog.OverrideError != null)
            throw new GeminiArgumentException("GeminiImage.InvalidModelCatalog", catalog.OverrideError + " Fix the file, or remove the entry with Remove-GeminiModel.");
        var date = today ?? CatalogClock.Today;
        if (model.StatusOn(date) == ModelStatus.ShutDown)
            throw new GeminiArgumentException("GeminiImage.ModelShutDown", ShutDownMessage(model, date));
        if (!model.IsKnown && catalog.Suggest(model.Id) is { } suggestion)
            throw new GeminiArgumentException("GeminiImage.UnknownModel",
                $"The model '{model.Id}' is not in the catalog. Did you mean '{suggestion}'? Nothing was sent. " +
                $"(If '{model.Id}' is a new Google model, add it first: Set-GeminiModel -Id {model.Id} -SameAs {suggestion}.)");
    }

    /// <summary>The warning a request with this model deserves today, or null (stable and preview models).</summary>
    public static string? Notice(ModelInfo model, DateTime? today = null)
    {
        var date = today ?? CatalogClock.Today;
        var switchTo = model.Replacement == null ? "" : $" Use {model.Replacement} instead (for every call: Set-GeminiConfig -Model {model.Replacement}).";
        switch (model.StatusOn(date))
        {
            case ModelStatus.Unknown:
                return $"The model '{model.Id}' is not in the catalog: its aspect ratios and sizes are not checked and its cost is unknown. Add it with Set-GeminiModel.";
            case ModelStatus.Deprecated when model.ShutdownDate is { } shutdown && model.ShutdownDateIsEarliest && date >= shutdown.Date:
                return $"{model.Id} is deprecated and its earliest shutdown date ({shutdown:yyyy-MM-dd}) has passed: Google may stop serving it any day.{switchTo}";
            case ModelStatus.Deprecated when model.ShutdownDate is { } shutdown:
                return $"{model.Id} is deprecated: Google shuts it down on {(model.ShutdownDateIsEarliest ? "or after " : "")}{shutdown:yyyy-MM-dd}.{switchTo}";
            case ModelStatus.Deprecated:
                return $"{model.Id} is deprecated.{switchTo}";
            case ModelStatus.Preview when model.Unconfirmed:
                return $"{model.Id} is reported by third parties only, not by Google's own pages; its limits and prices are unconfirmed.";
            default:
                return null;
        }
    }

    /// <summary>Writes <see cref="Notice"/> once per model and session (process).</summary>
    public static void WarnOnce(ModelInfo model, Action<string>? warn)
    {
        if (warn == null) return;
        var notice = Notice(model);
        if (notice != null && s_warned.TryAdd(model.Id, 0)) warn(notice);
    }

    private static string ShutDownMessage(ModelInfo model, DateTime today)
    {
        var when = model.ShutdownDate is { } date && date.Date <= today ? $" on {date:yyyy-MM-dd}" : "";
        var message = $"{model.Id} was shut down by Google{when}; a request would fail, so nothing was sent.";
        if (model.Replacement != null)
            message += $" Use {model.Replacement} instead: -Model {model.Replacement}, or for every call: Set-GeminiConfig -Model {model.Replacement}.";
        else
            message += " Get-GeminiModel lists the live models; switch with Set-GeminiConfig -Model <id>.";
        return message;
    }
}
