using GeminiImage.Engine.Catalog;

namespace GeminiImage.Emulator;

/// <summary>An image the request carried, inline or through the Files API.</summary>
internal sealed class InputImage
{
    public InputImage(byte[] data, string mimeType)
    {
        Data = data;
        MimeType = mimeType;
        Hash = Wire.Sha256Hex(data);
    }

    public byte[] Data { get; }
    public string MimeType { get; }
    public string Hash { get; }
}

/// <summary>A parsed and validated GenerateContentRequest (reference §3), checked the way Google checks it.</summary>
internal sealed class GenerateCall
{
    private static readonly string[] s_thinkingLevels = { "THINKING_LEVEL_UNSPECIFIED", "MINIMAL", "LOW", "MEDIUM", "HIGH" };
    private static readonly string[] s_requestFields = { "contents", "generationConfig", "systemInstruction", "safetySettings", "tools", "toolConfig", "cachedContent", "serviceTier", "model", "store" };
    private static readonly string[] s_configFields = { "stopSequences", "responseMimeType", "responseSchema", "responseJsonSchema", "responseModalities", "candidateCount", "maxOutputTokens", "temperature", "topP", "topK", "seed", "presencePenalty", "frequencyPenalty", "responseLogprobs", "logprobs", "enableEnhancedCivicAnswers", "speechConfig", "thinkingConfig", "imageConfig", "mediaResolution" };

    private GenerateCall(ModelInfo model) => Model = model;

    public ModelInfo Model { get; }
    /// <summary>Joined text of the last user turn.</summary>
    public string Prompt { get; private set; } = "";
    public int ContentsCount { get; private set; }
    /// <summary>All non-thought images of all turns, in order.</summary>
    public List<InputImage> Images { get; } = new();
    /// <summary>The images an edit works on: those of the last user turn, else the latest image in the history.</summary>
    public List<InputImage> EditImages { get; } = new();
    public List<string> Signatures { get; } = new();
    public string? RequestedAspectRatio { get; private set; }
    public string? RequestedImageSize { get; private set; }
    /// <summary>The aspect ratio actually produced (requested, or derived from the first edit image, else 1:1).</summary>
    public string AspectRatio { get; private set; } = "1:1";
    public bool IncludeThoughts { get; private set; }
    public string? ThinkingLevel { get; private set; }
    /// <summary>The googleSearch tool was sent.</summary>
    public bool GoogleSearch { get; private set; }
    /// <summary>googleSearch.searchTypes asked for image search.</summary>
    public bool ImageSearch { get; private set; }
    /// <summary>The request-level store setting, when sent.</summary>
    public bool? Store { get; private set; }
    public bool WantText { get; private set; } = true;
    public bool WantImage { get; private set; } = true;
    public int TextChars { get; private set; }
    /// <summary>The file the emulator answers every image with, if it was given one.</summary>
    public GivenImage? GivenImage { get; set; }

    /// <summary>
    /// Reads what the request log needs without validating, so a rejected request is still logged usefully
    /// (inline images only; <see cref="Images"/> adds Files API images once the request is parsed).
    /// </summary>
    /// <param name="withImages">Decode and hash the inline images (their hashes go to the log).</param>
    public static void Describe(JsonElement root, EmulatorRequest entry, bool withImages = true)
    {
        if (root.ValueKind != JsonValueKind.Object) return;
        if (root.TryProp("generationConfig", out var config) && config.TryProp("imageConfig", out var image))
        {
            entry.AspectRatio = image.Str("aspectRatio");
            entry.ImageSize = image.Str("imageSize");
        }
        if (!root.TryProp("contents", out var contents) || contents.ValueKind != JsonValueKind.Array) return;
        entry.ContentsCount = contents.GetArrayLength();
        var signatures = new List<string>();
        var hashes = new List<string>();
        string? prompt = null;
        foreach (var content in contents.EnumerateArray())
        {
            if (!content.TryProp("parts", out var parts) || parts.ValueKind != JsonValueKind.Array) continue;
            var texts = new List<string>();
            foreach (var part in parts.EnumerateArray())
            {
                if (part.Str("thoughtSignature") is { } sig) signatures.Add(sig);
                if (part.Bool("thought")) continue;
                if (part.Str("text") is { } text) texts.Add(text);
                if (withImages && part.TryProp("inlineData", out var inline) && (inline.Str("mimeType") ?? "").StartsWith("image/", StringComparison.Ordinal)
                    && inline.TryProp("data", out var data) && data.TryGetBytesFromBase64(out var bytes))
                    hashes.Add(Wire.Sha256Hex(bytes));
            }
            var role = content.Str("role");
            if (role == null || role == "user") prompt = string.Join("\n", texts);
        }
        entry.Prompt = prompt;
        entry.ThoughtSignatures = signatures;
        if (withImages) entry.InputImageHashes = hashes;
    }

    public static GenerateCall Parse(ModelInfo model, JsonElement root, FileStore files, Func<string, bool>? isKnownSignature)
    {
        if (root.ValueKind != JsonValueKind.Object)
            throw GoogleError.InvalidArgument("Invalid JSON payload received. Expected an object.");
        Wire.CheckFields(root, "", s_requestFields);
        var call = new GenerateCall(model);
        call.ReadConfig(root);
        call.ReadTools(root);
        if (root.TryProp("store", out var store))
        {
            if (store.ValueKind != JsonValueKind.True && store.ValueKind != JsonValueKind.False)
                throw GoogleError.InvalidArgument($"Invalid value at 'store' (TYPE_BOOL), {store.GetRawText()}");
            call.Store = store.ValueKind == JsonValueKind.True;
        }
        call.ReadContents(root, files, isKnownSignature);
        call.ChooseShape();
        return call;
    }

    private void ReadConfig(JsonElement root)
    {
        if (!root.TryProp("generationConfig", out var config)) return;
        Wire.CheckFields(config, "generation_config", s_configFields);
        if (config.TryProp("responseModalities", out var modalities) && modalities.ValueKind == JsonValueKind.Array && modalities.GetArrayLength() > 0)
        {
            var values = modalities.EnumerateArray().Select(m => m.GetString() ?? "").ToList();
            var unsupported = values.FirstOrDefault(v => v != "TEXT" && v != "IMAGE");
            if (unsupported != null)
                throw GoogleError.InvalidArgument($"The requested combination of response modalities ({string.Join(", ", values)}) is not supported by the model. models/{Model.Id} accepts the following combination of response modalities:\n* IMAGE\n* TEXT, IMAGE\n");
            WantText = values.Contains("TEXT");
            WantImage = values.Contains("IMAGE");
        }
        if (config.TryProp("imageConfig", out var image))
        {
            Wire.CheckFields(image, "generation_config.image_config", "aspectRatio", "imageSize");
            RequestedAspectRatio = image.Str("aspectRatio");
            RequestedImageSize = image.Str("imageSize");
        }
        if (config.TryProp("thinkingConfig", out var thinking))
        {
            Wire.CheckFields(thinking, "generation_config.thinking_config", "includeThoughts", "thinkingBudget", "thinkingLevel");
            IncludeThoughts = thinking.Bool("includeThoughts");
            ThinkingLevel = thinking.Str("thinkingLevel")?.ToUpperInvariant();
            if (!Model.Thinking && (IncludeThoughts || ThinkingLevel != null))
                throw GoogleError.InvalidArgument("Thinking is not enabled for models/" + Model.Id);
            if (ThinkingLevel != null && !Model.ThinkingLevels.Contains(ThinkingLevel))
                throw GoogleError.InvalidArgument(s_thinkingLevels.Contains(ThinkingLevel)
                    ? $"Thinking level {ThinkingLevel} is not supported by models/{Model.Id}."
                    : $"Invalid value at 'generation_config.thinking_config.thinking_level' (type.googleapis.com/google.ai.generativelanguage.v1beta.ThinkingConfig.ThinkingLevel), \"{ThinkingLevel}\"");
        }
    }

    /// <summary>tools: only googleSearch is served; searchTypes webSearch / imageSearch (reference §1.1).</summary>
    private void ReadTools(JsonElement root)
    {
        if (!root.TryProp("tools", out var tools)) return;
        if (tools.ValueKind != JsonValueKind.Array)
            throw GoogleError.InvalidArgument("Invalid JSON payload received. Proto field is not repeating, cannot start list.");
        var index = 0;
        foreach (var tool in tools.EnumerateArray())
        {
            Wire.CheckFields(tool, $"tools[{index}]", "googleSearch", "functionDeclarations", "codeExecution", "urlContext", "googleSearchRetrieval", "googleMaps", "fileSearch", "computerUse");
            if (tool.TryProp("googleSearch", out var search))
            {
                Wire.CheckFields(search, $"tools[{index}].google_search", "searchTypes", "timeRangeFilter");
                GoogleSearch = true;
                if (search.TryProp("searchTypes", out var types))
                {
                    Wire.CheckFields(types, $"tools[{index}].google_search.search_types", "webSearch", "imageSearch");
                    ImageSearch = types.TryProp("imageSearch", out _);
                }
                if (!Model.SupportsGoogleSearch)
                    throw GoogleError.InvalidArgument($"Search grounding is not supported for models/{Model.Id}.");
                if (ImageSearch && !Model.SearchTypes.Contains("image"))
                    throw GoogleError.InvalidArgument($"Image search is not supported for models/{Model.Id}.");
            }
            else
            {
                throw GoogleError.InvalidArgument($"The emulator serves only the googleSearch tool (tools[{index}]).");
            }
            index++;
        }
    }

    private void ReadContents(JsonElement root, FileStore files, Func<string, bool>? isKnownSignature)
    {
        if (!root.TryProp("contents", out var contents) || contents.ValueKind != JsonValueKind.Array || contents.GetArrayLength() == 0)
            throw GoogleError.InvalidArgument("* GenerateContentRequest.contents: contents is not specified\n");
        ContentsCount = contents.GetArrayLength();
        var index = 0;
        List<InputImage>? lastUserImages = null;
        foreach (var content in contents.EnumerateArray())
        {
            index++;
            var role = content.Str("role") ?? "user";
            if (role != "user" && role != "model")
                throw GoogleError.InvalidArgument("Please use a valid role: user, model.");
            if (!content.TryProp("parts", out var parts) || parts.ValueKind != JsonValueKind.Array || parts.GetArrayLength() == 0)
                throw GoogleError.InvalidArgument($"* GenerateContentRequest.contents[{index - 1}].parts: contents.parts must not be empty.\n");
            var turnImages = new List<InputImage>();
            var texts = new List<string>();
            var partIndex = 0;
            foreach (var part in parts.EnumerateArray())
            {
                partIndex++;
                var thought = part.Bool("thought");
                var signature = part.Str("thoughtSignature");
                if (signature != null) Signatures.Add(signature);
                var text = part.Str("text");
                var image = ReadImage(part, files, $"contents[{index - 1}].parts[{partIndex - 1}]");
                if (role == "model" && !thought && Model.Thinking && isKnownSignature != null)
                {
                    if (signature == null)
                        throw GoogleError.InvalidArgument($"{(image != null ? "Image" : "Text")} part is missing a thought_signature in content position {index}, part position {partIndex}. Please refer to https://ai.google.dev/gemini-api/docs/thought-signatures#model-behavior for more details.");
                    if (!isKnownSignature(signature))
                        throw GoogleError.InvalidArgument($"Thought signature is not valid (content position {index}, part position {partIndex}). Signatures must be sent back exactly as received from the same model.");
                }
                if (thought) continue;
                if (text != null) { texts.Add(text); TextChars += text.Length; }
                if (image != null) turnImages.Add(image);
            }
            Images.AddRange(turnImages);
            if (role == "user")
            {
                Prompt = string.Join("\n", texts);
                lastUserImages = turnImages;
            }
        }
        if (lastUserImages != null && lastUserImages.Count > Model.MaxInputImages)
            throw GoogleError.InvalidArgument($"Too many input images: {lastUserImages.Count} were provided, but models/{Model.Id} accepts at most {Model.MaxInputImages}.");
        if (lastUserImages is { Count: > 0 }) EditImages.AddRange(lastUserImages);
        else if (Images.Count > 0) EditImages.Add(Images[Images.Count - 1]);
    }

    private static InputImage? ReadImage(JsonElement part, FileStore files, string at)
    {
        if (part.TryProp("inlineData", out var inline))
        {
            var mime = inline.Str("mimeType") ?? "";
            if (!mime.StartsWith("image/", StringComparison.Ordinal)) return null;
            if (!inline.TryProp("data", out var data) || data.ValueKind != JsonValueKind.String)
                throw GoogleError.InvalidArgument($"* GenerateContentRequest.{at}.inline_data.data: data is required\n");
            try
            {
                return new InputImage(data.GetBytesFromBase64(), mime);
            }
            catch (FormatException)
            {
                throw GoogleError.InvalidArgument($"Invalid value at '{at}.inline_data.data' (TYPE_BYTES), Base64 decoding failed.");
            }
        }
        if (part.TryProp("fileData", out var fileData))
        {
            var uri = fileData.Str("fileUri") ?? "";
            var file = files.Resolve(uri);
            if (file == null)
            {
                if (uri.StartsWith("http", StringComparison.OrdinalIgnoreCase) && uri.IndexOf("/files/", StringComparison.Ordinal) < 0)
                    throw GoogleError.InvalidArgument($"Cannot fetch content from the provided URL: {uri} (the emulator has no network access).");
                var id = uri.Substring(uri.LastIndexOf('/') + 1);
                throw new GoogleError(403, "PERMISSION_DENIED", $"You do not have permission to access the File {id} or it may not exist.");
            }
            var mime = fileData.Str("mimeType") ?? file.MimeType;
            return mime.StartsWith("image/", StringComparison.Ordinal) ? new InputImage(file.Data, mime) : null;
        }
        return null;
    }

    private void ChooseShape()
    {
        if (RequestedAspectRatio != null)
        {
            if (!Model.AspectRatios.ContainsKey(RequestedAspectRatio))
                throw GoogleError.InvalidArgument($"Unsupported aspect ratio: {RequestedAspectRatio}. models/{Model.Id} supports: {string.Join(", ", Model.AspectRatios.Keys)}.");
            AspectRatio = RequestedAspectRatio;
        }
        else if (EditImages.Count > 0 && ImageSynth.Identify(EditImages[0].Data) is { } size)
        {
            AspectRatio = ClosestRatio(size.Width, size.Height);
        }
        if (RequestedImageSize != null)
        {
            if (!Model.SupportsImageSize)
                throw GoogleError.InvalidArgument($"Image size is not supported for models/{Model.Id}.");
            if (!Model.ImageSizes.ContainsKey(RequestedImageSize))
                throw GoogleError.InvalidArgument($"Unsupported image size: {RequestedImageSize}. models/{Model.Id} supports: {string.Join(", ", Model.ImageSizes.Keys)}.");
        }
    }

    private string ClosestRatio(int width, int height)
    {
        var target = Math.Log((double)width / height);
        return Model.AspectRatios
            .OrderBy(r => Math.Abs(Math.Log((double)r.Value.Width / r.Value.Height) - target))
            .First().Key;
    }

    public PixelSize PixelSize => Model.GetPixelSize(AspectRatio, RequestedImageSize);

    /// <summary>Prompt tokens per input image (reference §1.1, §6.3).</summary>
    public int TokensPerInputImage =>
        Model.Id.StartsWith("gemini-2.5", StringComparison.Ordinal) ? 1290
        : Model.Id.StartsWith("gemini-3-pro", StringComparison.Ordinal) ? 560
        : 1120;

    public static int TextTokens(int chars) => chars / 4 + 1;

    public static int TextTokens(string text) => TextTokens(text.Length);

    /// <summary>Plausible, deterministic thinking-token count for thinking models.</summary>
    public int ThoughtTokens => !Model.Thinking ? 0 : (120 + (int)(Fnv(Prompt) % 280)) * (ThinkingLevel == "HIGH" ? 4 : 1);

    /// <summary>The queries grounding "ran" for this prompt (deterministic).</summary>
    public IReadOnlyList<string> SearchQueries => GoogleSearch ? new[] { Shorten(Prompt, 60) } : Array.Empty<string>();

    private static string Shorten(string text, int max)
    {
        var line = text.Replace('\n', ' ').Trim();
        return line.Length <= max ? line : line.Substring(0, max);
    }

    private static uint Fnv(string s)
    {
        var h = 2166136261;
        foreach (var c in Encoding.UTF8.GetBytes(s)) h = (h ^ c) * 16777619;
        return h;
    }
}
