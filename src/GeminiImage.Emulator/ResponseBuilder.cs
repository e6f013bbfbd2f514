namespace GeminiImage.Emulator;

/// <summary>How a generate request ends when it does not fail with an HTTP error.</summary>
internal enum Outcome
{
    Image,
    PromptBlocked,
    ImageSafety,
    TextOnly,
}

/// <summary>Writes GenerateContentResponse bodies in the shapes of reference §4.4–§4.6.</summary>
internal static class ResponseBuilder
{
    private const string SafetyMessage = "Unable to show the generated image. The model could not generate the image based on the prompt provided. You will not be charged for blocked images. Try rephrasing the prompt. If you think this was an error, send feedback. Support code: 41275619.";

    public static byte[] Build(GenerateCall call, Outcome outcome, Func<string> newSignature) => Build(call, outcome, newSignature, out _);

    /// <param name="usage">The usageMetadata written, and how many images the answer holds.</param>
    public static byte[] Build(GenerateCall call, Outcome outcome, Func<string> newSignature, out (EmulatorUsage Usage, int Images) usage)
    {
        (EmulatorUsage, int) written = default;
        var json = Reply.WriteJson(w => written = Write(w, call, outcome, newSignature));
        usage = written;
        return json;
    }

    public static (EmulatorUsage Usage, int Images) Write(Utf8JsonWriter w, GenerateCall call, Outcome outcome, Func<string> newSignature)
    {
        if (outcome == Outcome.Image && !call.WantImage) outcome = Outcome.TextOnly;
        var model = call.Model;
        var promptText = GenerateCall.TextTokens(call.TextChars);
        var promptImages = call.Images.Count * call.TokensPerInputImage;
        var thoughts = outcome == Outcome.PromptBlocked ? 0 : call.ThoughtTokens;
        var imageTokens = 0;
        var textTokens = 0;

        w.WriteStartObject();
        if (outcome == Outcome.PromptBlocked)
        {
            w.WriteStartObject("promptFeedback");
            w.WriteString("blockReason", "PROHIBITED_CONTENT");
            w.WriteEndObject();
        }
        else
        {
            w.WriteStartArray("candidates");
            w.WriteStartObject();
            w.WriteStartObject("content");
            if (outcome != Outcome.ImageSafety)
            {
                w.WriteStartArray("parts");
                if (call.IncludeThoughts && model.Thinking)
                {
                    w.WriteStartObject();
                    w.WriteString("text", $"**Composing the image**\n\nI'm working out the layout, palette and lighting for: {Shorten(call.Prompt)}");
                    w.WriteBoolean("thought", true);
                    w.WriteEndObject();
                    if (outcome == Outcome.Image && call.WantImage)
                    {
                        // An interim draft, as Gemini 3 image models show while thinking: a quarter-size rendering.
                        var size = call.PixelSize;
                        var draft = ImageSynth.Render(Math.Max(16, size.Width / 4), Math.Max(16, size.Height / 4), model.OutputMimeType, "draft: " + call.Prompt,
                            call.EditImages.ConvertAll(i => i.Data), call.EditImages.ConvertAll(i => i.Hash));
                        w.WriteStartObject();
                        w.WriteStartObject("inlineData");
                        w.WriteString("mimeType", model.OutputMimeType);
                        w.WriteBase64String("data", draft);
                        w.WriteEndObject();
                        w.WriteBoolean("thought", true);
                        w.WriteEndObject();
                    }
                }
                string? text = outcome == Outcome.TextOnly
                    ? $"I can describe it instead of drawing it: {Shorten(call.Prompt)}"
                    : call.WantText ? $"Here is your image: {Shorten(call.Prompt)}" : null;
                if (text != null)
                {
                    textTokens = GenerateCall.TextTokens(text);
                    w.WriteStartObject();
                    w.WriteString("text", text);
                    if (model.Thinking) w.WriteString("thoughtSignature", newSignature());
                    w.WriteEndObject();
                }
                if (outcome == Outcome.Image)
                {
                    var size = call.PixelSize;
                    var edits = call.EditImages;
                    var data = call.GivenImage?.Data ?? ImageSynth.Render(size.Width, size.Height, model.OutputMimeType, call.Prompt,
                        edits.ConvertAll(i => i.Data), edits.ConvertAll(i => i.Hash));
                    imageTokens = model.GetImageTokens(call.RequestedImageSize);
                    w.WriteStartObject();
                    w.WriteStartObject("inlineData");
                    w.WriteString("mimeType", call.GivenImage?.MimeType ?? model.OutputMimeType);
                    w.WriteBase64String("data", data);
                    w.WriteEndObject();
                    if (model.Thinking) w.WriteString("thoughtSignature", newSignature());
                    w.WriteEndObject();
                }
                w.WriteEndArray();
            }
            w.WriteString("role", "model");
            w.WriteEndObject();
            w.WriteString("finishReason", outcome == Outcome.ImageSafety ? "IMAGE_SAFETY" : "STOP");
            if (outcome == Outcome.ImageSafety) w.WriteString("finishMessage", SafetyMessage);
            if (call.GoogleSearch) WriteGrounding(w, call);
            w.WriteNumber("index", 0);
            w.WriteEndObject();
            w.WriteEndArray();
        }

        var candidates = imageTokens + textTokens;
        // Search results the model read count as tool-use prompt tokens (reference §4.3).
        var toolUse = call.GoogleSearch && outcome != Outcome.PromptBlocked ? 180 * call.SearchQueries.Count : 0;
        w.WriteStartObject("usageMetadata");
        w.WriteNumber("promptTokenCount", promptText + promptImages);
        if (candidates > 0) w.WriteNumber("candidatesTokenCount", candidates);
        if (toolUse > 0) w.WriteNumber("toolUsePromptTokenCount", toolUse);
        w.WriteNumber("totalTokenCount", promptText + promptImages + candidates + thoughts + toolUse);
        w.WriteStartArray("promptTokensDetails");
        WriteDetail(w, "TEXT", promptText);
        if (promptImages > 0) WriteDetail(w, "IMAGE", promptImages);
        w.WriteEndArray();
        // Google itemizes only the image tokens of the output; text is the remainder (reference §4.3).
        if (imageTokens > 0)
        {
            w.WriteStartArray("candidatesTokensDetails");
            WriteDetail(w, "IMAGE", imageTokens);
            w.WriteEndArray();
        }
        if (thoughts > 0) w.WriteNumber("thoughtsTokenCount", thoughts);
        w.WriteEndObject();
        w.WriteString("modelVersion", model.Id);
        w.WriteString("responseId", Wire.NewId(22));
        w.WriteEndObject();
        return (new EmulatorUsage(promptText + promptImages, candidates, imageTokens, thoughts), imageTokens > 0 ? 1 : 0);
    }

    /// <summary>candidates[0].groundingMetadata as Google Search grounding returns it (python-genai GroundingMetadata).</summary>
    private static void WriteGrounding(Utf8JsonWriter w, GenerateCall call)
    {
        var query = call.SearchQueries.FirstOrDefault() ?? "";
        var slug = Uri.EscapeDataString(query);
        w.WriteStartObject("groundingMetadata");
        w.WriteStartObject("searchEntryPoint");
        w.WriteString("renderedContent", $"<style>.container {{ display: flex; }} .chip {{ border-radius: 16px; }}</style><div class=\"container\"><a class=\"chip\" href=\"https://www.google.com/search?q={slug}\">{System.Net.WebUtility.HtmlEncode(query)}</a></div>");
        w.WriteEndObject();
        w.WriteStartArray("groundingChunks");
        w.WriteStartObject();
        w.WriteStartObject("web");
        w.WriteString("uri", "https://vertexaisearch.cloud.google.com/grounding-api-redirect/emulator-" + Wire.NewId(16));
        w.WriteString("title", "example.com");
        w.WriteString("domain", "example.com");
        w.WriteEndObject();
        w.WriteEndObject();
        if (call.ImageSearch)
        {
            w.WriteStartObject();
            w.WriteStartObject("image");
            w.WriteString("sourceUri", "https://images.example.org/gallery/" + slug);
            w.WriteString("imageUri", "https://images.example.org/full/" + Wire.NewId(12) + ".jpg");
            w.WriteString("title", "Reference photo: " + query);
            w.WriteString("domain", "images.example.org");
            w.WriteEndObject();
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteStartArray("webSearchQueries");
        foreach (var q in call.SearchQueries) w.WriteStringValue(q);
        w.WriteEndArray();
        if (call.ImageSearch)
        {
            w.WriteStartArray("imageSearchQueries");
            foreach (var q in call.SearchQueries) w.WriteStringValue(q);
            w.WriteEndArray();
        }
        w.WriteEndObject();
    }

    private static void WriteDetail(Utf8JsonWriter w, string modality, int tokens)
    {
        w.WriteStartObject();
        w.WriteString("modality", modality);
        w.WriteNumber("tokenCount", tokens);
        w.WriteEndObject();
    }

    private static string Shorten(string prompt)
    {
        var oneLine = prompt.Replace('\n', ' ').Trim();
        return oneLine.Length <= 120 ? oneLine : oneLine.Substring(0, 120) + "…";
    }
}
