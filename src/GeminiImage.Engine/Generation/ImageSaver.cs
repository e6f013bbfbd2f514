using GeminiImage.Engine.Api;
using GeminiImage.Engine.Cache;
using GeminiImage.Engine.Catalog;
using GeminiImage.Engine.Imaging;
using GeminiImage.Engine.Pricing;

namespace GeminiImage.Engine.Generation;

/// <summary>Saves the images of an answer: names from the output plan, provenance inside each file, thought images beside.</summary>
internal static class ImageSaver
{
    /// <summary>
    /// The one way images are saved, whether from an answer or from the response cache: names from the output plan,
    /// each file written atomically (a temporary file moved into place) or kept in memory (-AsBytes), and an image that
    /// cannot be saved where asked left in the fallback folder (the error says where). A save failure throws.
    /// </summary>
    /// <param name="written">Receives the exact bytes written for each image (with provenance), for the response cache.</param>
    /// <param name="fallbackDirectory">Where an image goes that cannot be saved where asked.</param>
    /// <param name="cached">The cache entry the images come from: their bytes are written as stored (provenance already inside), at no cost.</param>
    /// <param name="saved">Receives each result as it is saved (so a caller sees those saved before a failure).</param>
    internal static IReadOnlyList<GeminiImageResult> Save(ImageRequest request, GenerateResult result, OutputPlan plan, string? sourcePath, decimal? cost, List<byte[]>? written,
        string? fallbackDirectory = null, CacheEntry? cached = null, List<GeminiImageResult>? saved = null)
    {
        result.ThrowIfNoImage();
        var now = DateTime.Now;
        saved ??= new List<GeminiImageResult>();
        string[]? thoughtPaths = null;
        for (var i = 0; i < result.Images.Count; i++)
        {
            var image = result.Images[i];
            var size = cached != null ? new PixelSize(cached.Images[i].Width, cached.Images[i].Height) : ImageHeader.ReadSize(image.Bytes);
            var item = new GeminiImageResult
            {
                Prompt = request.Prompt,
                Model = request.Model.Id,
                Width = size.Width,
                Height = size.Height,
                MimeType = image.MimeType,
                AspectRatio = request.AspectRatio,
                ImageSize = request.ImageSize,
                InputTokens = cached?.InputTokens ?? result.Usage.InputTokens,
                OutputTokens = cached?.OutputTokens ?? result.Usage.OutputTokens,
                ThinkingTokens = cached?.ThinkingTokens ?? result.Usage.ThinkingTokens,
                FromCache = cached != null,
                Cost = cached != null ? 0m : cost.HasValue ? Math.Round(cost.Value / result.Images.Count, 6) : null,
                FinishReason = result.FinishReason,
                Text = result.Text,
                Duration = result.Duration,
                ResponseId = result.ResponseId,
                ModelVersion = result.ModelVersion,
                Endpoint = result.Endpoint,
                SourcePath = sourcePath,
                Tags = request.Tags.ToArray(),
                CreatedUtc = now.ToUniversalTime(),
                Thoughts = result.Thoughts,
                GroundingSources = result.Grounding?.Sources.ToArray() ?? Array.Empty<GroundingSource>(),
                SearchQueries = result.Grounding?.SearchQueries.ToArray() ?? Array.Empty<string>(),
                SearchEntryPoint = result.Grounding?.SearchEntryPoint,
            };
            // Written straight from the answer's bytes (the pooled blocks it was decoded into): no whole-image copy per
            // save (only the cache keeps one).
            var write = cached != null ? AsReceived(image) : WithProvenance(image, item, request);
            if (plan.InMemory)
            {
                // -AsBytes: the same bytes a file would hold, on the result; nothing touches the disk.
                item.Bytes = ToBytes(write);
                written?.Add(item.Bytes);
                saved.Add(item);
                continue;
            }
            var path = plan.PathFor(request.Prompt, image.MimeType, i, now, claim: true);
            item.Path = OutputWriter.SaveAtomic(write, path, plan.Force, plan.Root, fallbackDirectory);
            written?.Add(ToBytes(write));
            // Interim thought images are kept only when asked for, once per response, beside its first image.
            thoughtPaths ??= request.Options.IncludeThoughts ? SaveThoughtImages(result, item.Path) : Array.Empty<string>();
            item.ThoughtImagePaths = thoughtPaths;
            saved.Add(item);
        }
        return saved;
    }

    private static string[] SaveThoughtImages(GenerateResult result, string imagePath)
    {
        var folder = System.IO.Path.GetDirectoryName(imagePath)!;
        var stem = System.IO.Path.GetFileNameWithoutExtension(imagePath) + ".thought";
        return result.ThoughtImages
            .Select(t => OutputWriter.SaveAtomic(t.Data, OutputWriter.UniquePath(folder, stem, OutputWriter.ExtensionFor(t.MimeType), claim: true), force: false))
            .ToArray();
    }

    private static byte[] ToBytes(Action<System.IO.Stream> write)
    {
        using var buffer = new System.IO.MemoryStream();
        write(buffer);
        return buffer.ToArray();
    }

    private static Action<System.IO.Stream> AsReceived(ReturnedImage image) => stream => image.Bytes.WriteTo(stream);

    /// <summary>The prompt, model, settings, cost and sources travel inside the file (PNG iTXt, JPEG/WebP XMP).</summary>
    private static Action<System.IO.Stream> WithProvenance(ReturnedImage image, GeminiImageResult item, ImageRequest request)
    {
        var asReceived = AsReceived(image);
        if (!ProvenanceWriter.CanEmbed(image.MimeType)) return asReceived;
        var provenance = new ImageProvenance
        {
            Prompt = item.Prompt,
            Model = item.Model,
            AspectRatio = item.AspectRatio,
            ImageSize = item.ImageSize,
            CreatedUtc = item.CreatedUtc,
            Cost = item.Cost,
            SourceImages = request.InputImages.Where(i => i.SourcePath != null).Select(i => System.IO.Path.GetFileName(i.SourcePath!)).ToList(),
            Tag = item.Tags.Length == 0 ? null : string.Join(",", item.Tags),
            ResponseId = item.ResponseId,
        };
        try
        {
            return ProvenanceWriter.Prepare(image.Bytes, image.MimeType, provenance);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // Metadata is a courtesy; an image the model sent in an odd shape is still saved as received.
            return asReceived;
        }
    }
}
