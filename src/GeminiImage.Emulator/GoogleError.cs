using System.Globalization;

namespace GeminiImage.Emulator;

/// <summary>A google.rpc.Status error as the Gemini API sends it (reference §5); thrown by handlers, turned into a reply.</summary>
internal sealed class GoogleError : Exception
{
    private readonly Action<Utf8JsonWriter>? _details;

    public GoogleError(int code, string status, string message, Action<Utf8JsonWriter>? details = null) : base(message)
    {
        Code = code;
        Status = status;
        _details = details;
    }

    public int Code { get; }
    public string Status { get; }

    /// <summary>Writes the Status object (code, message, status, details) — the inner part of the envelope.</summary>
    public void WriteStatus(Utf8JsonWriter w)
    {
        w.WriteStartObject();
        w.WriteNumber("code", Code);
        w.WriteString("message", Message);
        w.WriteString("status", Status);
        if (_details != null)
        {
            w.WriteStartArray("details");
            _details(w);
            w.WriteEndArray();
        }
        w.WriteEndObject();
    }

    public Reply ToReply() => Reply.Json(Code, w =>
    {
        w.WriteStartObject();
        w.WritePropertyName("error");
        WriteStatus(w);
        w.WriteEndObject();
    });

    public const string ApiKeyMessage = "API key not valid. Please pass a valid API key.";

    public static GoogleError ApiKeyInvalid() => new(400, "INVALID_ARGUMENT", ApiKeyMessage, w =>
    {
        w.WriteStartObject();
        w.WriteString("@type", "type.googleapis.com/google.rpc.ErrorInfo");
        w.WriteString("reason", "API_KEY_INVALID");
        w.WriteString("domain", "googleapis.com");
        w.WriteStartObject("metadata");
        w.WriteString("service", "generativelanguage.googleapis.com");
        w.WriteEndObject();
        w.WriteEndObject();
        w.WriteStartObject();
        w.WriteString("@type", "type.googleapis.com/google.rpc.LocalizedMessage");
        w.WriteString("locale", "en-US");
        w.WriteString("message", ApiKeyMessage);
        w.WriteEndObject();
    });

    public static GoogleError InvalidArgument(string message) => new(400, "INVALID_ARGUMENT", message);

    /// <summary>Unknown JSON member, worded like Google's proto JSON parser, with a BadRequest detail.</summary>
    public static GoogleError UnknownField(string name, string at)
    {
        var message = at.Length == 0
            ? $"Invalid JSON payload received. Unknown name \"{name}\": Cannot find field."
            : $"Invalid JSON payload received. Unknown name \"{name}\" at '{at}': Cannot find field.";
        return new GoogleError(400, "INVALID_ARGUMENT", message, w =>
        {
            w.WriteStartObject();
            w.WriteString("@type", "type.googleapis.com/google.rpc.BadRequest");
            w.WriteStartArray("fieldViolations");
            w.WriteStartObject();
            if (at.Length > 0) w.WriteString("field", at);
            w.WriteString("description", message);
            w.WriteEndObject();
            w.WriteEndArray();
            w.WriteEndObject();
        });
    }

    /// <summary>Google's 404 for an unknown or retired model, with the DebugInfo detail of the recorded real answer.</summary>
    public static GoogleError ModelNotFound(string model, string method)
    {
        var message = $"models/{model} is not found for API version v1beta, or is not supported for {method}. Call ListModels to see the list of available models and their supported methods.";
        return new(404, "NOT_FOUND", message, w =>
        {
            w.WriteStartObject();
            w.WriteString("@type", "type.googleapis.com/google.rpc.DebugInfo");
            w.WriteString("detail", $"[ORIGINAL ERROR] generic::not_found: {message} [google.rpc.error_details_ext] {{ message: \"{message}\" }}");
            w.WriteEndObject();
        });
    }

    public static GoogleError NotFound(string message) => new(404, "NOT_FOUND", message);

    /// <summary>401 as Google (and gateways in front of it) answer missing or unusable credentials.</summary>
    public static GoogleError Unauthenticated(string message) => new(401, "UNAUTHENTICATED", message);

    public static GoogleError Internal() => new(500, "INTERNAL",
        "An internal error has occurred. Please retry or report in https://developers.generativeai.google/guide/troubleshooting");

    public static GoogleError Unavailable() => new(503, "UNAVAILABLE", "The model is overloaded. Please try again later.");

    public static GoogleError ResourceExhausted(string model, TimeSpan retryDelay, bool daily)
    {
        var quotaId = daily ? "GenerateRequestsPerDayPerProjectPerModel" : "GenerateRequestsPerMinutePerProjectPerModel";
        var metric = daily ? "generativelanguage.googleapis.com/generate_requests_per_model_per_day" : "generativelanguage.googleapis.com/generate_requests_per_model";
        var limit = daily ? "250" : "10";
        var delay = FormatDuration(retryDelay);
        var message = "You exceeded your current quota, please check your plan and billing details. For more information on this error, head to: https://ai.google.dev/gemini-api/docs/rate-limits. "
            + $"\n* Quota exceeded for metric: {metric}, limit: {limit}, model: {model}"
            + (retryDelay > TimeSpan.Zero ? $"\nPlease retry in {delay}." : "");
        return new GoogleError(429, "RESOURCE_EXHAUSTED", message, w =>
        {
            w.WriteStartObject();
            w.WriteString("@type", "type.googleapis.com/google.rpc.QuotaFailure");
            w.WriteStartArray("violations");
            w.WriteStartObject();
            w.WriteString("quotaMetric", metric);
            w.WriteString("quotaId", quotaId);
            w.WriteStartObject("quotaDimensions");
            w.WriteString("location", "global");
            w.WriteString("model", model);
            w.WriteEndObject();
            w.WriteString("quotaValue", limit);
            w.WriteEndObject();
            w.WriteEndArray();
            w.WriteEndObject();
            w.WriteStartObject();
            w.WriteString("@type", "type.googleapis.com/google.rpc.Help");
            w.WriteStartArray("links");
            w.WriteStartObject();
            w.WriteString("description", "Learn more about Gemini API quotas");
            w.WriteString("url", "https://ai.google.dev/gemini-api/docs/rate-limits");
            w.WriteEndObject();
            w.WriteEndArray();
            w.WriteEndObject();
            if (retryDelay > TimeSpan.Zero)
            {
                w.WriteStartObject();
                w.WriteString("@type", "type.googleapis.com/google.rpc.RetryInfo");
                w.WriteString("retryDelay", delay);
                w.WriteEndObject();
            }
        });
    }

    /// <summary>protobuf Duration JSON: decimal seconds with an "s" suffix ("2s", "1.5s").</summary>
    public static string FormatDuration(TimeSpan span) =>
        (span.Ticks / (decimal)TimeSpan.TicksPerSecond).ToString("0.#########", CultureInfo.InvariantCulture) + "s";
}
