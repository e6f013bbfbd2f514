namespace GeminiImage.Emulator;

/// <summary>JSON shapes of the <c>/emulator/</c> control API.</summary>
internal static class ControlJson
{
    public static void WriteRequests(Utf8JsonWriter w, IReadOnlyList<EmulatorRequest> requests)
    {
        w.WriteStartArray();
        foreach (var r in requests)
        {
            w.WriteStartObject();
            w.WriteString("time", r.Time);
            w.WriteString("method", r.Method);
            w.WriteString("path", r.Path);
            w.WriteString("model", r.Model);
            w.WriteString("prompt", r.Prompt);
            w.WriteNumber("inputImageCount", r.InputImageCount);
            w.WriteStartArray("inputImageHashes");
            foreach (var h in r.InputImageHashes) w.WriteStringValue(h);
            w.WriteEndArray();
            w.WriteNumber("contentsCount", r.ContentsCount);
            w.WriteStartArray("thoughtSignatures");
            foreach (var s in r.ThoughtSignatures) w.WriteStringValue(s);
            w.WriteEndArray();
            w.WriteString("aspectRatio", r.AspectRatio);
            w.WriteString("imageSize", r.ImageSize);
            w.WriteBoolean("apiKeyPresent", r.ApiKeyPresent);
            w.WriteBoolean("apiKeyValid", r.ApiKeyValid);
            w.WriteString("authStyle", r.AuthStyle);
            w.WriteString("fault", r.Fault);
            w.WriteNumber("statusCode", r.StatusCode);
            w.WriteString("rawJson", r.RawJson);
            w.WriteEndObject();
        }
        w.WriteEndArray();
    }

    /// <summary>Applies {"latencyMs":500,"requestsPerMinuteLimit":10,"holdBatches":true,"retiredModels":["id"],"imageFile":"/x.png"|null}; absent members keep their value.</summary>
    public static void ApplySettings(GeminiEmulator emulator, JsonElement e)
    {
        if (e.TryProp("latencyMs", out var latency)) emulator.Latency = System.TimeSpan.FromMilliseconds(latency.GetDouble());
        if (e.TryProp("requestsPerMinuteLimit", out var rpm)) emulator.RequestsPerMinuteLimit = rpm.GetInt32();
        if (e.TryProp("holdBatches", out var hold)) emulator.HoldBatches = hold.GetBoolean();
        if (e.TryProp("listModelsPageLimit", out var pageLimit)) emulator.ListModelsPageLimit = pageLimit.GetInt32();
        if (e.TryProp("retiredModels", out var retired)) emulator.RetiredModels = retired.EnumerateArray().Select(m => m.GetString() ?? "").ToList();
        if (e.TryProp("imageFile", out var imageFile)) emulator.ImageFile = imageFile.ValueKind == JsonValueKind.Null ? null : imageFile.GetString();
    }

    public static Reply Settings(GeminiEmulator emulator) => Reply.Json(200, w =>
    {
        w.WriteStartObject();
        w.WriteNumber("latencyMs", emulator.Latency.TotalMilliseconds);
        w.WriteNumber("requestsPerMinuteLimit", emulator.RequestsPerMinuteLimit);
        w.WriteBoolean("holdBatches", emulator.HoldBatches);
        w.WriteNumber("listModelsPageLimit", emulator.ListModelsPageLimit);
        w.WriteStartArray("retiredModels");
        foreach (var id in emulator.RetiredModels) w.WriteStringValue(id);
        w.WriteEndArray();
        w.WriteString("imageFile", emulator.ImageFile);
        w.WriteEndObject();
    });
}
