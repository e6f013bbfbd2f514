using GeminiImage.Engine.Api;
using GeminiImage.Engine.Catalog;
using GeminiImage.Engine.Generation;
using GeminiImage.Engine.Imaging;
using GeminiImage.Engine.IO;

namespace GeminiImage.Engine.Chat;

/// <summary>One completed turn of a chat, as the user sees it.</summary>
public sealed class ChatTurn
{
    public int Number { get; set; }
    public string Prompt { get; set; } = "";
    public string? ImagePath { get; set; }
    public string Text { get; set; } = "";
    public decimal? Cost { get; set; }
    public DateTime CreatedUtc { get; set; }

    /// <summary>"2. make it blue", as the chat's view lists turns (Format-List * shows this, not the type name).</summary>
    public override string ToString() => $"{Number}. {Prompt}";
}

/// <summary>
/// Iterative editing (reference §10): the whole history is sent each turn, model turns exactly as received
/// (thought signatures included); failed turns are left out with their user turn, as the official SDKs do.
/// </summary>
public sealed class ImageChat
{
    /// <summary>
    /// Estimated request size (base64 included) above which the chat restarts from its latest image. Google raised the
    /// inline request limit from 20 MB to 100 MB in January 2026 ("with varying limits based on data types"); 60 MB keeps
    /// a wide margin for those per-type limits, the JSON and the signatures, while letting a 4K chat keep several turns.
    /// </summary>
    public const long DefaultMaxRequestBytes = 60L * 1024 * 1024;

    /// <summary>The smallest request limit an imported chat may set (0 would make every turn re-read an image from disk).</summary>
    public const long MinImportedRequestBytes = 1024 * 1024;

    public string Id { get; set; } = Guid.NewGuid().ToString("N").Substring(0, 12);
    public string Model { get; set; } = ModelCatalog.DefaultModelId;
    public string? AspectRatio { get; set; }
    public string? ImageSize { get; set; }
    public string OutputDirectory { get; set; } = "";
    public List<Content> History { get; set; } = new();
    public List<ChatTurn> Turns { get; set; } = new();
    /// <summary>Images to send with the first prompt (Start-GeminiImageChat -Image).</summary>
    public List<InputImageState> PendingImages { get; set; } = new();
    public long MaxRequestBytes { get; set; } = DefaultMaxRequestBytes;
    /// <summary>The request options of every turn (thinking, Search grounding, image-only, storage); a turn may override them.</summary>
    public PromptOptions Options { get; set; } = new();
    /// <summary>The project every turn's spend is charged to in the usage ledger, unless a turn names another.</summary>
    public string? Project { get; set; }
    public DateTime CreatedUtc { get; set; } = DateTime.UtcNow;

    public string? LatestImage => Turns.LastOrDefault(t => t.ImagePath != null)?.ImagePath;

    /// <summary>The folder of the file an imported chat came from; its image paths are trusted only inside it.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public string? ChatFolder { get; private set; }

    private bool _trusted;
    public decimal TotalCost => Turns.Sum(t => t.Cost ?? 0m);

    /// <summary>Builds the request for the next turn. Returns a warning when the history had to be restarted.</summary>
    public ImageRequest NextRequest(string prompt, string? aspectRatio, string? imageSize, IReadOnlyList<InputImage> extraImages, out string? warning)
    {
        warning = null;
        var images = PendingImages.Select(p => p.ToInputImage()).Concat(extraImages).ToList();
        var request = new ImageRequest
        {
            Prompt = prompt,
            Model = ModelCatalog.Default.Get(Model),
            AspectRatio = aspectRatio ?? AspectRatio,
            ImageSize = imageSize ?? ImageSize,
            InputImages = images,
            History = History.ToList(),
            // A chat file written before the options existed, or with "options": null, has none.
            Options = Options ?? new PromptOptions(),
        };
        if (EstimateBytes(request) > MaxRequestBytes && LatestImage is { } latest && File.Exists(latest))
        {
            // Start again from the latest image as a fresh user image: no signatures needed, far fewer bytes.
            // The path may come from a file: it is read only inside the chat's own folder, and only as an image.
            if (!_trusted) SafePaths.Inside(ChatFolder ?? OutputDirectory, latest);
            var prepared = new InputImageLoader().Prepare(latest);
            request.History = Array.Empty<Content>();
            request.InputImages = new[] { new InputImage(prepared.Data, prepared.MimeType, latest) }.Concat(extraImages).ToList();
            warning = $"The chat history passed {MaxRequestBytes / (1024.0 * 1024):0.#} MB; continuing from the latest image ({Path.GetFileName(latest)}) without the earlier turns.";
        }
        return request;
    }

    /// <summary>Records a successful turn: the user turn as sent and the model turn exactly as received.</summary>
    public void Commit(ImageRequest request, GenerateResult result, IReadOnlyList<GeminiImageResult> saved)
    {
        if (request.History.Count == 0 && History.Count > 0) History.Clear();
        History.Add(request.ToWireRequest().Contents.Last());
        if (result.ModelContent != null) History.Add(result.ModelContent);
        PendingImages.Clear();
        Turns.Add(new ChatTurn
        {
            Number = Turns.Count + 1,
            Prompt = request.Prompt,
            ImagePath = saved.FirstOrDefault()?.Path,
            Text = result.Text,
            Cost = saved.Sum(s => s.Cost ?? 0m),
            CreatedUtc = DateTime.UtcNow,
        });
    }

    /// <summary>
    /// Makes a chat read from a file (perhaps someone else's) safe to continue: a relative output folder resolves against
    /// <paramref name="chatFolder"/>, and each turn's image, which may be read and sent again, must lie inside the output
    /// folder (relative paths resolve there). Throws <see cref="Errors.PathOutsideRootException"/> naming the turn, unless
    /// <paramref name="allowOutside"/>.
    /// </summary>
    public void ContainPaths(string chatFolder, bool allowOutside = false)
    {
        OutputDirectory = Path.GetFullPath(Path.Combine(chatFolder, string.IsNullOrEmpty(OutputDirectory) ? "." : OutputDirectory));
        foreach (var turn in Turns.Where(t => !string.IsNullOrEmpty(t.ImagePath)))
            turn.ImagePath = allowOutside
                ? Path.GetFullPath(Path.Combine(OutputDirectory, turn.ImagePath!))
                : PathContainment.Resolve(OutputDirectory, turn.ImagePath!, $"Turn {turn.Number}", acceptAbsoluteInside: true);
    }

    public string ToJson() => JsonSerializer.Serialize(this, s_options);

    /// <summary>Reads a chat; throws <see cref="InvalidDataException"/> unless the JSON is an object with a chat's id, model and turns.</summary>
    public static ImageChat FromJson(string json)
    {
        // Any JSON object would otherwise deserialize to an empty chat with a fresh id.
        using (var document = JsonDocument.Parse(json))
        {
            var root = document.RootElement;
            var missing = root.ValueKind != JsonValueKind.Object
                ? s_requiredProperties
                : s_requiredProperties.Where(name => !root.EnumerateObject().Any(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase))).ToArray();
            if (missing.Length > 0)
                throw new InvalidDataException($"The file does not hold a chat written by Save-GeminiImageChat: it has no {string.Join(", ", missing)}.");
        }
        return JsonSerializer.Deserialize<ImageChat>(json, s_options) ?? throw new InvalidDataException("The file does not hold a chat.");
    }

    private static readonly string[] s_requiredProperties = { "id", "model", "turns" };

    /// <summary>
    /// Reads a chat file as untrusted input: size-capped, the request limit clamped, and the output folder kept only
    /// when it lies inside the file's own folder (otherwise that folder is used). <paramref name="notes"/> says what changed.
    /// </summary>
    /// <param name="trusted">The user trusts the file (-AllowAbsolutePaths): its output folder and image paths are kept as written.</param>
    public static ImageChat Load(string path, out IReadOnlyList<string> notes, bool trusted = false)
    {
        var chat = FromJson(LimitedFile.ReadAllText(path, LimitedFile.MaxChatBytes));
        var changed = new List<string>();
        var folder = Path.GetDirectoryName(Path.GetFullPath(path))!;
        chat.ChatFolder = folder;
        chat._trusted = trusted;
        var clamped = Math.Min(Math.Max(chat.MaxRequestBytes, MinImportedRequestBytes), DefaultMaxRequestBytes);
        if (clamped != chat.MaxRequestBytes)
        {
            changed.Add($"The chat file's request limit of {chat.MaxRequestBytes} bytes was changed to {clamped}.");
            chat.MaxRequestBytes = clamped;
        }
        try
        {
            if (!trusted) chat.OutputDirectory = SafePaths.Inside(folder, string.IsNullOrWhiteSpace(chat.OutputDirectory) ? folder : chat.OutputDirectory);
        }
        catch (Errors.UnsafePathException)
        {
            changed.Add($"The chat file names the output folder '{chat.OutputDirectory}', outside its own folder; images go to '{folder}' instead (set OutputDirectory on the chat to change it).");
            chat.OutputDirectory = folder;
        }
        notes = changed;
        return chat;
    }

    public override string ToString() => $"Chat {Id}: {Turns.Count} turn(s), {Model}";

    private static readonly JsonSerializerOptions s_options = new(GeminiJson.Options) { WriteIndented = true };

    private static long EstimateBytes(ImageRequest request) =>
        (request.History.SelectMany(c => c.Parts ?? new List<Part>()).Sum(p => (long)(p.InlineData?.Data.Length ?? 0) + (p.Text?.Length ?? 0) + (p.ThoughtSignature?.Length ?? 0))
         + request.InputImages.Sum(i => (long)i.Data.Length)) * 4 / 3;

}

/// <summary>A pending input image in a serializable form.</summary>
public sealed class InputImageState
{
    public byte[] Data { get; set; } = Array.Empty<byte>();
    public string MimeType { get; set; } = "image/png";
    public string? SourcePath { get; set; }

    public override string ToString() => SourcePath ?? $"{MimeType}, {Data.Length:N0} bytes";

    public static InputImageState From(InputImage image) => new() { Data = image.Data, MimeType = image.MimeType, SourcePath = image.SourcePath };
    public InputImage ToInputImage() => new(Data, MimeType, SourcePath);
}
