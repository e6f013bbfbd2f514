namespace GeminiImage.Engine.Api;

/// <summary>Turns a non-2xx body into a <see cref="GeminiApiException"/> (reference §5.1–5.3).</summary>
public static class ErrorEnvelope
{
    public static GeminiApiException Parse(int httpStatus, string? reasonPhrase, string body, TimeSpan? retryAfterHeader = null)
    {
        JsonElement error = default;
        var found = false;
        try
        {
            using var doc = JsonDocument.Parse(body);
            var root = doc.RootElement;
            // Some paths wrap the envelope in a one-element array.
            if (root.ValueKind == JsonValueKind.Array && root.GetArrayLength() > 0) root = root[0];
            if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("error", out var e) && e.ValueKind == JsonValueKind.Object)
            {
                error = e.Clone();
                found = true;
            }
        }
        catch (JsonException) { }

        if (!found)
        {
            var snippet = Snippet(body);
            return new GeminiApiException(httpStatus, null,
                $"HTTP {httpStatus} {reasonPhrase}: the service returned a body that is not a Gemini error" + (snippet.Length > 0 ? $": {snippet}" : "."))
            { BodySnippet = snippet, RetryDelay = retryAfterHeader };
        }

        var message = error.TryGetProperty("message", out var m) ? m.GetString() ?? "" : "";
        var status = error.TryGetProperty("status", out var s) ? s.GetString() : null;
        var quotaIds = new List<string>();
        TimeSpan? retryDelay = retryAfterHeader;
        string? reason = null;
        if (error.TryGetProperty("details", out var details) && details.ValueKind == JsonValueKind.Array)
        {
            foreach (var d in details.EnumerateArray())
            {
                var type = d.TryGetProperty("@type", out var t) ? t.GetString() ?? "" : "";
                if (type.EndsWith("RetryInfo", StringComparison.Ordinal) && d.TryGetProperty("retryDelay", out var rd))
                    retryDelay = ParseDuration(rd.GetString()) ?? retryDelay;
                else if (type.EndsWith("QuotaFailure", StringComparison.Ordinal) && d.TryGetProperty("violations", out var v) && v.ValueKind == JsonValueKind.Array)
                {
                    foreach (var violation in v.EnumerateArray())
                        if (violation.TryGetProperty("quotaId", out var q) && q.GetString() is { } id) quotaIds.Add(id);
                }
                else if (type.EndsWith("ErrorInfo", StringComparison.Ordinal) && d.TryGetProperty("reason", out var r))
                    reason = r.GetString();
            }
        }

        var text = $"Gemini API error {httpStatus}{(status != null ? " " + status : "")}: {message}";
        if (GeminiApiException.IsInvalidKeyReason(reason))
            text = "The API key was rejected (400 API_KEY_INVALID). Set a valid key with $env:GEMINI_API_KEY or Set-GeminiConfig -ApiKey.";
        else if (GeminiApiException.HasDailyQuota(quotaIds))
            text = $"The daily quota is used up ({string.Join(", ", quotaIds)}); it resets at midnight Pacific time ({NextPacificMidnightUtc():u}). {message}";
        return new GeminiApiException(httpStatus, status, text) { RetryDelay = retryDelay, QuotaIds = quotaIds, ErrorReason = reason };
    }

    /// <summary>Parses a protobuf Duration string such as "53s" or "45.837906927s".</summary>
    public static TimeSpan? ParseDuration(string? value)
    {
        if (string.IsNullOrEmpty(value) || !value!.EndsWith("s", StringComparison.Ordinal)) return null;
        return double.TryParse(value.Substring(0, value.Length - 1), NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && seconds >= 0
            ? TimeSpan.FromSeconds(seconds)
            : null;
    }

    /// <summary>Daily quotas reset at midnight Pacific time (reference §6.5).</summary>
    public static DateTimeOffset NextPacificMidnightUtc(DateTimeOffset? now = null)
    {
        var utc = now ?? DateTimeOffset.UtcNow;
        TimeZoneInfo? zone = null;
        foreach (var id in new[] { "America/Los_Angeles", "Pacific Standard Time" })
        {
            try { zone = TimeZoneInfo.FindSystemTimeZoneById(id); break; } catch (TimeZoneNotFoundException) { } catch (InvalidTimeZoneException) { }
        }
        var offset = zone?.GetUtcOffset(utc) ?? TimeSpan.FromHours(-8);
        var local = utc.ToOffset(offset);
        var midnight = new DateTimeOffset(local.Date.AddDays(1), offset);
        return midnight.ToUniversalTime();
    }

    private static string Snippet(string body)
    {
        var text = System.Text.RegularExpressions.Regex.Replace(body, "<[^>]*>", " ");
        text = System.Text.RegularExpressions.Regex.Replace(text, @"\s+", " ").Trim();
        return text.Length > 200 ? text.Substring(0, 200) + "…" : text;
    }
}
