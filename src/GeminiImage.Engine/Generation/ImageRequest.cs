using GeminiImage.Engine.Api;
using GeminiImage.Engine.Catalog;

namespace GeminiImage.Engine.Generation;

/// <summary>An input image ready to send: bytes already checked and converted.</summary>
public sealed class InputImage
{
    public InputImage(byte[] data, string mimeType, string? sourcePath = null) { Data = data; MimeType = mimeType; SourcePath = sourcePath; }
    public byte[] Data { get; }
    public string MimeType { get; }
    public string? SourcePath { get; }
}

/// <summary>What the user asked for, before it becomes a wire request.</summary>
public sealed class ImageRequest
{
    public string Prompt { get; set; } = "";
    public ModelInfo Model { get; set; } = ModelCatalog.Default.Get(ModelCatalog.DefaultModelId);
    public string? AspectRatio { get; set; }
    public string? ImageSize { get; set; }
    public double? Temperature { get; set; }
    public int? Seed { get; set; }
    public string? SystemInstruction { get; set; }
    /// <summary>Sent after the prompt, in order (composition: "the person from the first image ...").</summary>
    public IReadOnlyList<InputImage> InputImages { get; set; } = Array.Empty<InputImage>();
    /// <summary>Earlier turns of a chat, model turns exactly as received.</summary>
    public IReadOnlyList<Content> History { get; set; } = Array.Empty<Content>();
    public IReadOnlyList<string> Tags { get; set; } = Array.Empty<string>();
    /// <summary>The project this request is charged to in the ledger, when it differs from the run's (a batch row's Project column); not sent.</summary>
    public string? Project { get; set; }
    /// <summary>Thinking, Search grounding, image-only output, storage opt-out.</summary>
    public PromptOptions Options { get; set; } = new();

    /// <summary>Tokens the request will probably use, for -WhatIf and budgets, before anything is sent.</summary>
    public Pricing.TokenUsage EstimateUsage() =>
        Pricing.CostCalculator.EstimateUsage(Model, ImageSize, 1, InputImages.Count + History.Sum(c => c.Parts?.Count(p => p.InlineData != null) ?? 0), Prompt.Length);

    /// <summary>Checks everything that can be checked before spending money.</summary>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(Prompt))
            throw new GeminiArgumentException("GeminiImage.EmptyPrompt", "The prompt is empty or blank (a blank line in a prompts file?); nothing was sent.");
        ModelLifecycle.EnsureUsable(Model);
        Normalize();
        if (AspectRatio != null && !Model.AspectRatios.ContainsKey(AspectRatio))
            throw new GeminiArgumentException("GeminiImage.InvalidAspectRatio",
                $"Aspect ratio '{AspectRatio}' is not supported by {Model.Id}. Supported: {string.Join(", ", Model.AspectRatios.Keys)}.");
        if (ImageSize != null)
        {
            if (!Model.SupportsImageSize)
                throw new GeminiArgumentException("GeminiImage.InvalidImageSize", $"{Model.Id} has a fixed output size; -ImageSize is not supported.");
            if (!Model.ImageSizes.ContainsKey(ImageSize))
                throw new GeminiArgumentException("GeminiImage.InvalidImageSize",
                    $"Image size '{ImageSize}' is not supported by {Model.Id}. Supported: {string.Join(", ", Model.ImageSizes.Keys)}.");
        }
        if (InputImages.Count > Model.MaxInputImages)
            throw new GeminiArgumentException("GeminiImage.TooManyImages",
                $"{Model.Id} takes at most {Model.MaxInputImages} input images; this request has {InputImages.Count}.");
        if (Temperature is < 0 or > 2)
            throw new GeminiArgumentException("GeminiImage.InvalidTemperature", "Temperature must be between 0 and 2.");
        Options.Validate(Model);
    }

    /// <summary>Lenient as PowerShell users expect: ' 16:9 ' is 16:9, 2k is the model's 2K; blank is not given.</summary>
    private void Normalize()
    {
        AspectRatio = string.IsNullOrWhiteSpace(AspectRatio) ? null : AspectRatio!.Trim();
        if (string.IsNullOrWhiteSpace(ImageSize)) { ImageSize = null; return; }
        var size = ImageSize!.Trim();
        ImageSize = Model.ImageSizes.Keys.FirstOrDefault(k => string.Equals(k, size, StringComparison.OrdinalIgnoreCase)) ?? size;
    }

    /// <summary>The generateContent body: prompt text first, then the images, in one user turn after the history.</summary>
    public GenerateContentRequest ToWireRequest()
    {
        var parts = new List<Part> { Part.FromText(Prompt) };
        parts.AddRange(InputImages.Select(i => Part.FromImage(i.Data, i.MimeType)));
        var contents = History.ToList();
        contents.Add(new Content { Role = "user", Parts = parts });
        var imageConfig = AspectRatio == null && ImageSize == null ? null : new ImageConfig { AspectRatio = AspectRatio, ImageSize = ImageSize };
        var request = new GenerateContentRequest
        {
            Contents = contents,
            SystemInstruction = string.IsNullOrWhiteSpace(SystemInstruction) ? null : new Content { Parts = new List<Part> { Part.FromText(SystemInstruction!) } },
            GenerationConfig = new GenerationConfig
            {
                ResponseModalities = new List<string> { "TEXT", "IMAGE" },
                ImageConfig = imageConfig,
                Temperature = Temperature,
                Seed = Seed,
            },
        };
        Options.ApplyTo(request);
        return request;
    }
}
